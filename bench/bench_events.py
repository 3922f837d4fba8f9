"""Lambda packaging and event delivery on the embedded emulator.

Run: python3 bench/bench_events.py            (needs the codecraft command and mariadb-server)

Prints, for every function of the catalogue, its package size and its build time cold (empty
build cache, dependencies installed for the Lambda platform) and cached; then the delivery
latency of each event path, each against a direct synchronous `lambda.invoke` of the same
function measured in the same run (the baseline: the function's own run time).
"""

from __future__ import annotations

import base64
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 5


def packaging() -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["CODECRAFT_HOME"] = home
        from codecraft_cli.engine import packaging as pk

        print(f"{'function':<16} {'zip':>9} {'cold build':>11} {'cached':>9}")
        for folder in sorted(p.name for p in (ROOT / "lambda_src").iterdir() if p.name != "shared"):
            t0 = time.perf_counter()
            art = pk.build(folder)
            cold = time.perf_counter() - t0
            t0 = time.perf_counter()
            pk.build(folder)
            cached = time.perf_counter() - t0
            print(f"{folder:<16} {art.size / 1024:>7.0f} KB {cold:>10.2f}s {cached * 1000:>7.2f}ms")


def cli(home: str, *args: str) -> Any:
    env = {**os.environ, "CODECRAFT_HOME": home}
    out = subprocess.run(["codecraft", *args, "--json"], capture_output=True, text=True, env=env, check=False)
    return json.loads(out.stdout) if out.stdout.strip() else None


def client(info: dict[str, Any], service: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=info["endpoint"], region_name="us-east-1",
                        aws_access_key_id="x", aws_secret_access_key="y")


def wait_for(check: Any, timeout: float = 30.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if check():
            return time.perf_counter() - start
        time.sleep(0.02)
    raise TimeoutError


def invoke_ms(info: dict[str, Any], function: str, event: Any) -> float:
    start = time.perf_counter()
    client(info, "lambda").invoke(FunctionName=function, Payload=json.dumps(event).encode())
    return (time.perf_counter() - start) * 1000


def events() -> None:
    from PIL import Image

    home = tempfile.mkdtemp(prefix="codecraft-bench-")
    try:
        info = cli(home, "local", "start")
        for workshop in ("image-pipeline", "job-events", "workshop2"):
            cli(home, "setup", workshop, "--yes")
        status = {d["workshop"]: d for d in cli(home, "status")["deployments"]}
        bucket = next(r["name"] for r in status["image-pipeline"]["resources"] if r["type"] == "s3.bucket")
        s3, ddb, sqs = client(info, "s3"), client(info, "dynamodb"), client(info, "sqs")
        rows: list[tuple[str, list[float], list[float]]] = []

        png = io.BytesIO()
        Image.new("RGBA", (300, 200), (255, 0, 0, 128)).save(png, "PNG")
        lat, base = [], []
        for i in range(ROUNDS):
            key = f"bench{i}{time.time_ns()}"
            s3.put_object(Bucket=bucket, Key=f"uploads/{key}.png", Body=png.getvalue())
            lat.append(1000 * wait_for(lambda: s3.list_objects_v2(Bucket=bucket, Prefix=f"resized/{key}")
                                       .get("KeyCount", 0) > 0))
            base.append(invoke_ms(info, "ImageResize", {"Records": [{"s3": {"bucket": {"name": bucket}, "object": {
                "key": f"uploads/{key}.png"}}}]}))
        rows.append(("S3 upload -> resized JPEG", lat, base))

        lat, base = [], []
        for i in range(ROUNDS):
            job = f"bench{i}{time.time_ns()}"
            ddb.put_item(TableName="Jobs", Item={"job_id": {"S": job}, "job_type": {"S": "table"},
                                                 "status": {"S": "pending"}, "payload": {"S": "{}"}})
            lat.append(1000 * wait_for(lambda: ddb.get_item(TableName="Jobs", Key={"job_id": {"S": job}})["Item"]
                                       ["status"]["S"] == "done"))
            base.append(invoke_ms(info, "Worker", {"Records": []}))
        rows.append(("DynamoDB insert -> job done", lat, base))

        url = sqs.get_queue_url(QueueName="ProjectNotificationsQueue")["QueueUrl"]
        logs = client(info, "logs")
        lat, base = [], []
        for i in range(ROUNDS):
            marker = f"bench-{i}-{time.time_ns()}"
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"event": marker}))
            lat.append(1000 * wait_for(lambda: any(marker in e["message"] for e in logs.filter_log_events(
                logGroupName="/aws/lambda/ManageProjects", filterPattern=f'"{marker}"').get("events", []))))
            base.append(invoke_ms(info, "ManageProjects", {"Records": [{"eventSource": "aws:sqs", "body": "x"}]}))
        rows.append(("SQS message -> trigger ran", lat, base))

        print(f"\n{'event path':<28} {'delivery (median)':>18} {'direct invoke':>14} {'ratio':>6}")
        for name, lat, base in rows:
            m, b = statistics.median(lat), statistics.median(base)
            print(f"{name:<28} {m:>15.0f} ms {b:>11.0f} ms {m / b:>6.2f}")
    finally:
        cli(home, "teardown", "--all", "--yes")
        cli(home, "local", "stop")


if __name__ == "__main__":
    packaging()
    if "--packaging-only" not in sys.argv:
        events()
