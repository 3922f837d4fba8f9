"""codecraft's own functions keep the seed's data model (issue 12, item 5).

The attribute names each seed's code writes to DynamoDB are read from the seed itself
(/work/shared/seeds, the ``put_item(Item={...})`` of its Python example), not copied here: a
query or a check written from the seed must work on codecraft's build as on the student's.
Extra attributes are fine. Each handler runs in process against moto, as Lambda would run it.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import re
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
LAMBDA_SRC = ROOT / "lambda_src"
SEEDS = Path("/work/shared/seeds")
REGION = "us-east-1"
BUCKET = "seed-model-bucket"


def seed_item_attributes(seed: str) -> list[str]:
    """The attribute names of the item the seed's example code puts in DynamoDB."""
    path = SEEDS / seed
    if not path.exists():
        pytest.skip(f"seed {seed} not available on this machine")
    text = path.read_text(encoding="utf-8")
    match = re.search(r"put_item\(\s*Item\s*=\s*\{(.*?)\}\s*\)", text, re.S)
    assert match, f"no put_item(Item={{...}}) in {seed}"
    return re.findall(r"'(\w+)'\s*:", match.group(1))


def api_event(body: Any, method: str = "POST") -> dict[str, Any]:
    return {"httpMethod": method, "path": "/", "resource": "/", "headers": {"Content-Type": "application/json"},
            "body": None if body is None else json.dumps(body), "isBase64Encoded": False,
            "pathParameters": None, "requestContext": {"stage": "prod"}}


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], ModuleType]]:
    """Import lambda_src/<function>/app.py with its folder and shared/ first on sys.path."""
    saved = {name: sys.modules.pop(name) for name in ("app", "proxy", "mysql_conn") if name in sys.modules}

    def _load(function: str) -> ModuleType:
        monkeypatch.syspath_prepend(str(LAMBDA_SRC / "shared"))
        monkeypatch.syspath_prepend(str(LAMBDA_SRC / function))
        for name in ("proxy", "mysql_conn"):
            sys.modules.pop(name, None)
        spec = importlib.util.spec_from_file_location(f"seed_{function}_{uuid.uuid4().hex}",
                                                      LAMBDA_SRC / function / "app.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    yield _load
    sys.modules.update(saved)


def _table(name: str, key: str) -> Any:
    table = boto3.resource("dynamodb", region_name=REGION).create_table(
        TableName=name, KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    table.wait_until_exists()
    return table


def test_seed_003_names_the_file_metadata_attributes() -> None:
    # the parse itself, against the brief's reading of seed 003
    assert seed_item_attributes("003_2d78bee5f527028b.txt") == ["fileID", "fileName", "projectID", "fileType", "s3Key"]


def test_upload_file_writes_the_seeds_file_metadata_item(lambda_aws: None, monkeypatch: pytest.MonkeyPatch,
                                                         load: Callable[[str], ModuleType]) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    table = _table("FileMetadata", "fileID")
    monkeypatch.setenv("BUCKET_NAME", BUCKET)
    monkeypatch.setenv("TABLE_NAME", "FileMetadata")
    app = load("upload_file")
    # seed 003's own test payload
    payload = {"file_content": base64.b64encode(b"%PDF-1.4 guide").decode(), "file_name": "guide.pdf",
               "project_id": "12345", "file_type": "pdf"}

    answer = app.lambda_handler(api_event(payload), None)

    assert answer["statusCode"] == 200, answer
    (item,) = table.scan()["Items"]
    assert set(seed_item_attributes("003_2d78bee5f527028b.txt")) <= set(item)
    # the values the seed's code gives them: s3_key = f"{project_id}/{file_name}"
    assert (item["fileName"], item["projectID"], item["fileType"], item["s3Key"]) == \
        ("guide.pdf", "12345", "pdf", "12345/guide.pdf")
    assert s3.get_object(Bucket=BUCKET, Key=item["s3Key"])["Body"].read() == b"%PDF-1.4 guide"


def test_image_pipeline_writes_the_seeds_image_metadata_item(lambda_aws: None, monkeypatch: pytest.MonkeyPatch,
                                                             load: Callable[[str], ModuleType]) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    table = _table("ImageMetadata", "ImageID")
    monkeypatch.setenv("BUCKET_NAME", BUCKET)
    monkeypatch.setenv("TABLE_NAME", "ImageMetadata")
    buf = io.BytesIO()
    Image.new("RGBA", (40, 30), (255, 0, 0, 100)).save(buf, "PNG")
    api = load("image_api")
    created = api.lambda_handler(api_event({"file_name": "cat.png", "image": base64.b64encode(buf.getvalue()).decode()}),
                                 None)
    assert created["statusCode"] == 201, created
    upload_key = json.loads(created["body"])["original_key"]
    resize = load("image_resize")

    # the S3 event the bucket's notification sends (the seed's code reads Records[0].s3)
    resize.lambda_handler({"Records": [{"eventSource": "aws:s3", "s3": {"bucket": {"name": BUCKET},
                                                                         "object": {"key": upload_key}}}]}, None)

    (item,) = table.scan()["Items"]
    wanted = seed_item_attributes("001_311a13bda10b75a7.txt")
    assert wanted == ["ImageID", "ResizedImageKey", "Bucket"]
    assert set(wanted) <= set(item)
    assert item["Bucket"] == BUCKET
    thumb = s3.get_object(Bucket=item["Bucket"], Key=item["ResizedImageKey"])["Body"].read()
    with Image.open(io.BytesIO(thumb)) as image:
        assert (image.format, image.size) == ("JPEG", (128, 128))  # the seed's image.resize((128, 128))


class _Cursor:
    def __init__(self, log: list[tuple[str, Any]]) -> None:
        self.log = log
        self.lastrowid = 7

    def __enter__(self) -> _Cursor:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def execute(self, sql: str, params: Any = None) -> int:
        self.log.append((sql, params))
        return 1

    def fetchone(self) -> dict[str, Any]:
        return {"id": 7, "name": "n", "description": None, "created_at": None, "updated_at": None}


class _Connection:
    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []

    def cursor(self) -> _Cursor:
        return _Cursor(self.log)


@pytest.mark.parametrize(("given", "status"), [(7, 200), ("7", 200), (" 7 ", 200), ("7x", 400), ("-7", 400),
                                               ("", 400), (True, 400)])
def test_manage_projects_update_takes_the_id_as_a_number_or_its_digits(
        monkeypatch: pytest.MonkeyPatch, load: Callable[[str], ModuleType], given: Any, status: int) -> None:
    """Seed 000's update reads body['id'] and hands it to `WHERE id=%s`: a client (or verify, whose
    `{last.id}` is text) may send "7". The id stays a parameter, never SQL text."""
    app = load("manage_projects")
    fake = _Connection()
    monkeypatch.setattr(app.mysql_conn, "connection", lambda: fake)
    monkeypatch.setattr(app, "notify", lambda kind, project: None)

    answer = app.lambda_handler(api_event({"action": "update", "id": given, "name": "Awesome Project",
                                           "description": "updated"}), None)

    assert answer["statusCode"] == status, answer
    updates = [params for sql, params in fake.log if sql.startswith("UPDATE")]
    assert updates == ([("Awesome Project", "updated", 7)] if status == 200 else [])
