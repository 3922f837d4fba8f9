"""anycompany-orders: codecraft versus the same steps as a sequential AWS CLI script, same emulator.

Run: python3 bench/bench_vs_awscli.py [--rounds 3]

One emulator in a fresh CODECRAFT_HOME. Each round, on that emulator:
  1. `codecraft setup anycompany-orders --yes --json`, then `codecraft teardown anycompany-orders
     --yes --json` (wall time of each subprocess);
  2. `bench/orders_awscli.sh` (the same resources with the AWS CLI v1, one call after the other),
     checked (untimed): POST <gateway>/<api_id>/prod/orders answers 200, the order is in
     DynamoDB, the SNS->SQS message is in the queue, and `codecraft verify anycompany-orders`
     passes every check on the hand-built resources; then `bench/orders_awscli_teardown.sh`,
     checked (untimed): nothing is left.
The two sides use the same names, one after the other, so they never coexist. Medians over the
rounds; the ratio is AWS CLI / codecraft. The number of `aws` invocations is counted from the
scripts' xtrace (one line per call, a negligible cost next to a call).

If `aws` is not on PATH, the AWS CLI v1 is installed from PyPI into /tmp/bench-awscli (a venv:
the project's environment is untouched).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from _bench import Codecraft, machine_note, median, process_cpu, table

BENCH = Path(__file__).resolve().parent
VENV = Path("/tmp/bench-awscli")
CALL = re.compile(r"^\++ command aws ", re.M)


def ensure_awscli() -> str:
    """The directory holding a working `aws` (installing the AWS CLI v1 in a venv if needed)."""
    found = shutil.which("aws")
    if found and subprocess.run([found, "--version"], capture_output=True).returncode == 0:
        return str(Path(found).parent)
    if not (VENV / "bin" / "aws").exists():
        print(f"installing the AWS CLI v1 into {VENV} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "awscli"], check=True)
    return str(VENV / "bin")


def boto(endpoint: str, service: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="codecraft", aws_secret_access_key="codecraft")


def script(name: str, env: dict[str, str], server_pid: int | None) -> tuple[float, int, str, float, float | None]:
    """Wall time, number of `aws` calls, stdout, client CPU, emulator CPU of one bench/*.sh script."""
    server0 = process_cpu(server_pid)
    usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(["bash", "-x", str(BENCH / name)], capture_output=True, text=True, env=env,
                         stdin=subprocess.DEVNULL, check=False)
    seconds = time.perf_counter() - start
    usage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    server1 = process_cpu(server_pid)
    if out.returncode != 0:
        raise RuntimeError(f"{name} exited {out.returncode}:\n{out.stderr[-3000:]}")
    cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    return (seconds, len(CALL.findall(out.stderr)), out.stdout, cpu,
            None if server0 is None or server1 is None else server1 - server0)


def check_awscli_deployment(cc: Codecraft, endpoint: str, gateway: str, api_id: str, marker: str) -> str:
    """The hand-built workshop really works through the emulator's gateway."""
    body = json.dumps({"order_id": marker, "product": "Benchmark", "price": 12.5}).encode()
    req = urllib.request.Request(f"{gateway}/{api_id}/prod/orders", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        status, answer = resp.status, json.loads(resp.read())
    assert status == 200 and answer.get("order_id") == marker, (status, answer)
    item = boto(endpoint, "dynamodb").get_item(TableName="Orders", Key={"order_id": {"S": marker}}).get("Item")
    assert item and item["price"] == {"N": "12.5"}, item
    sqs = boto(endpoint, "sqs")
    url = sqs.get_queue_url(QueueName="OrderProcessingQueue")["QueueUrl"]
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0,
                               WaitTimeSeconds=2).get("Messages", [])
    assert any(marker in m["Body"] for m in msgs), msgs
    verify = cc.run("verify", "anycompany-orders")
    assert verify.rc == 0, (verify.rc, verify.stderr[-1500:])
    return f"POST 200, item stored, queued; codecraft verify {verify.field('passed')}/{verify.field('total')}"


def check_nothing_left(endpoint: str) -> None:
    left = {
        "tables": boto(endpoint, "dynamodb").list_tables()["TableNames"],
        "topics": boto(endpoint, "sns").list_topics()["Topics"],
        "subscriptions": boto(endpoint, "sns").list_subscriptions()["Subscriptions"],
        "queues": boto(endpoint, "sqs").list_queues().get("QueueUrls", []),
        "functions": boto(endpoint, "lambda").list_functions()["Functions"],
        "roles": [r["RoleName"] for r in boto(endpoint, "iam").list_roles()["Roles"]
                  if r["RoleName"] == "ProcessOrderRole"],
        "log groups": boto(endpoint, "logs").describe_log_groups(
            logGroupNamePrefix="/aws/lambda/ProcessOrder")["logGroups"],
        "apis": boto(endpoint, "apigateway").get_rest_apis()["items"],
    }
    left = {k: v for k, v in left.items() if v}
    assert not left, f"left behind: {left}"


def main() -> int:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    aws_dir = ensure_awscli()
    cc = Codecraft()
    print(f"machine at start: {machine_note()}")
    try:
        start = cc.run("local", "start", check=True)
        endpoint, gateway = start.data["endpoint"], start.data["gateway"]
        env = {**os.environ, "ENDPOINT": endpoint, "PATH": f"{aws_dir}:{os.environ['PATH']}"}
        env.pop("AWS_PROFILE", None)
        version = subprocess.run(["aws", "--version"], capture_output=True, text=True, env=env).stdout.strip()
        print(f"codecraft local start: {start.seconds:.2f} s · endpoint {endpoint} · gateway {gateway}")
        print(f"AWS CLI: {version or '?'} ({aws_dir})")

        # the fixed cost of one command of each tool, on this machine and this emulator
        one_aws = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run(["aws", "--endpoint-url", endpoint, "--region", "us-east-1", "sts",
                            "get-caller-identity"], capture_output=True, env={**env, "AWS_ACCESS_KEY_ID": "codecraft",
                                                                              "AWS_SECRET_ACCESS_KEY": "codecraft"},
                           check=True)
            one_aws.append(time.perf_counter() - t0)
        one_cc = [cc.run("local", "status").seconds for _ in range(5)]

        rows: list[list[Any]] = []
        cpu_rows: list[list[Any]] = []
        cc_setup, cc_down, aws_setup, aws_down = [], [], [], []
        cc_calls = aws_calls = (0, 0)
        for rnd in range(1, rounds + 1):
            up = cc.run("setup", "anycompany-orders", "--yes", check=True)
            assert up.field("created") == 11, up.data
            down = cc.run("teardown", "anycompany-orders", "--yes", check=True)
            assert not down.field("remaining"), down.data
            check_nothing_left(endpoint)
            cc_setup.append(up.seconds)
            cc_down.append(down.seconds)
            cc_calls = (up.field("api_calls"), down.field("api_calls"))

            s_up, n_up, out, c_up, e_up = script("orders_awscli.sh", env, cc.server_pid)
            api_id = out.strip().splitlines()[-1]
            checked = check_awscli_deployment(cc, endpoint, gateway, api_id, f"bench-{rnd}-{time.time_ns()}")
            s_down, n_down, _, c_down, e_down = script("orders_awscli_teardown.sh", env, cc.server_pid)
            check_nothing_left(endpoint)
            aws_setup.append(s_up)
            aws_down.append(s_down)
            aws_calls = (n_up, n_down)
            cpu_rows.append([rnd, f"{up.cpu + down.cpu:.2f} s", f"{(up.server_cpu or 0) + (down.server_cpu or 0):.2f} s",
                             f"{c_up + c_down:.2f} s", f"{(e_up or 0) + (e_down or 0):.2f} s"])
            rows.append([rnd, f"{up.seconds:.2f} s", f"{down.seconds:.2f} s", f"{up.seconds + down.seconds:.2f} s",
                         f"{s_up:.2f} s", f"{s_down:.2f} s", f"{s_up + s_down:.2f} s",
                         f"{(s_up + s_down) / (up.seconds + down.seconds):.1f}x"])
            print(f"  round {rnd}: codecraft {up.seconds + down.seconds:.2f} s · AWS CLI {s_up + s_down:.2f} s"
                  f" · {checked}", flush=True)

        cc_total = [a + b for a, b in zip(cc_setup, cc_down)]
        aws_total = [a + b for a, b in zip(aws_setup, aws_down)]
        print()
        print(table(["round", "cc setup", "cc teardown", "cc total", "aws setup", "aws teardown", "aws total",
                     "ratio"], rows))
        print()
        summary = [
            ["setup", f"{median(cc_setup):.2f} s", cc_calls[0], f"{median(aws_setup):.2f} s", aws_calls[0],
             f"{median(aws_setup) / median(cc_setup):.1f}x"],
            ["teardown", f"{median(cc_down):.2f} s", cc_calls[1], f"{median(aws_down):.2f} s", aws_calls[1],
             f"{median(aws_down) / median(cc_down):.1f}x"],
            ["setup + teardown", f"{median(cc_total):.2f} s", cc_calls[0] + cc_calls[1], f"{median(aws_total):.2f} s",
             aws_calls[0] + aws_calls[1], f"{median(aws_total) / median(cc_total):.1f}x"],
        ]
        print(table(["round", "codecraft CLI CPU", "emulator CPU (codecraft)", "AWS CLI CPU",
                     "emulator CPU (AWS CLI)"], cpu_rows))
        print()
        print(f"medians of {rounds} rounds")
        print(table(["", "codecraft", "API calls", "AWS CLI script", "aws commands", "AWS CLI / codecraft"], summary))
        print(f"\none command: codecraft `local status` {median(one_cc):.2f} s · "
              f"`aws sts get-caller-identity` {median(one_aws):.2f} s (medians of 5)")
        print(f"machine at end: {machine_note()}")
    finally:
        cc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
