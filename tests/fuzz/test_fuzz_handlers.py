"""Bad input never crashes a Lambda handler (lambda_src/*/app.py), by property-based testing.

An API-facing handler that raises makes API Gateway answer 502 "Internal server error". Every
handler here is fed random and malformed API Gateway REST proxy events (payload format 1.0):
random text, random bytes sent base64-encoded, random JSON values, bodies that mix the expected
fields with wrong types, huge strings and numbers, SQL-looking strings, Unicode (lone surrogates
included), NaN/Infinity literals, and events that are not dicts at all. The answer must always be
a dict with an int statusCode below 500 and a JSON text body. Accepted SQL-looking and Unicode
text must be stored literally (DynamoDB item, S3 key, SQL *parameter*, never SQL text).

The handlers run in process against moto (DynamoDB, S3), or, for manage_projects, against a fake
MySQL connection that records the SQL and its parameters. Each test imports the handler under a
unique module name, with its folder and lambda_src/shared on sys.path, as Lambda would.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import os
import random
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from PIL import Image, UnidentifiedImageError

LAMBDA_SRC = Path(__file__).resolve().parents[2] / "lambda_src"
SHARED = LAMBDA_SRC / "shared"
REGION = "us-east-1"
BUCKET = "fuzz-bucket"

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),  # FUZZ_EXAMPLES=2000 for a deeper run
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)
FEW = settings(FUZZ, max_examples=max(30, FUZZ.max_examples // 2))

# --- importing a handler as Lambda does --------------------------------------------------

_TOP_LEVEL = ("app", "proxy", "mysql_conn", "stream_image")  # the names a handler's folder and shared/ provide


@pytest.fixture
def import_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], ModuleType]]:
    """Import lambda_src/<function>/app.py under a unique name, its folder and shared/ on sys.path.

    proxy / mysql_conn are imported by the handler as top-level modules: any such entry already in
    sys.modules is set aside first (so this function's copy is the one used) and put back after.
    """
    saved = {name: sys.modules.pop(name) for name in _TOP_LEVEL if name in sys.modules}

    def load(function: str) -> ModuleType:
        folder = LAMBDA_SRC / function
        monkeypatch.syspath_prepend(str(SHARED))
        monkeypatch.syspath_prepend(str(folder))
        spec = importlib.util.spec_from_file_location(f"fuzz_{function}_{uuid.uuid4().hex}", folder / "app.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    yield load
    for name in _TOP_LEVEL:
        sys.modules.pop(name, None)
    sys.modules.update(saved)


def _table(name: str, key: str) -> Any:
    table = boto3.resource("dynamodb", region_name=REGION).create_table(
        TableName=name, KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    table.wait_until_exists()
    return table


def _bucket(name: str = BUCKET) -> Any:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=name)
    return s3


# --- API Gateway REST proxy events (v1) ----------------------------------------------------


def api_event(body: Any, *, method: Any = "POST", is_base64: Any = False, path_parameters: Any = None,
              resource: str = "/fuzz") -> dict[str, Any]:
    return {
        "resource": resource,
        "path": resource,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json", "Host": "abc123.execute-api.us-east-1.amazonaws.com"},
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {"resourcePath": resource, "httpMethod": method, "stage": "prod",
                           "requestId": str(uuid.uuid4()), "accountId": "123456789012", "apiId": "abc123",
                           "identity": {"sourceIp": "203.0.113.10", "userAgent": "hypothesis"}},
        "body": body,
        "isBase64Encoded": is_base64,
    }


SQL_STRINGS = [
    "'; DROP TABLE projects; --",
    "Robert'); DROP TABLE students;--",
    "' OR '1'='1",
    "\" OR \"\"=\"",
    "1; DELETE FROM projects WHERE 1=1",
    "1 UNION SELECT username, password FROM users --",
    "admin'--",
    "%s",
    "%(name)s",
    "%s%s%s); DROP TABLE projects; --",
    "\\'; SELECT SLEEP(10); --",
    "NULL",
    "${jndi:ldap://example.com/a}",
    "{{7*7}}",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "x' AND 1=(SELECT COUNT(*) FROM projects); --",
]
VALID_UNICODE = ["Élodie Martin", "日本語のプロジェクト", "😀🚀", "a\u0301", "\u202eevil", "\ufeffbom",
                 "Ωmega", "\U0010fffd", "tab\there", "ß", "İ", "ﬁle", "\u200b"]
BAD_UNICODE = ["\ud800", "\udfff", "x\ud800y", "\udc80\udcff"]  # lone surrogates: not encodable as UTF-8
SPECIAL_TEXTS = SQL_STRINGS + VALID_UNICODE + BAD_UNICODE + ["", " ", "\x00", "\n", "\\", "\"", "null", "NaN"]

HUGE_TEXT = st.builds(lambda unit, times: unit * times,
                      st.sampled_from(["a", "😀", "\\", "'", " ", "\ud800", "é"]), st.integers(256, 300_000))
TEXTS = st.one_of(st.text(max_size=40), st.sampled_from(SPECIAL_TEXTS), HUGE_TEXT)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXTS)  # floats: NaN, +-Infinity
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8) | st.sampled_from(
        SPECIAL_TEXTS), children, max_size=4),
    max_leaves=12,
)
WRONG = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXTS,
                  st.lists(SCALARS, max_size=3), st.dictionaries(st.text(max_size=5), SCALARS, max_size=3))


def _dumps(value: Any, ascii_only: bool) -> str:
    # allow_nan (the default) writes the literals NaN / Infinity / -Infinity, which are not JSON;
    # ensure_ascii=False leaves lone surrogates raw in the text, True writes them as \ud800 escapes.
    return json.dumps(value, ensure_ascii=ascii_only)


def special_bodies(keys: list[str]) -> list[str]:
    """Hand-made JSON texts that Python's json module accepts or rejects in surprising ways."""
    huge_int = "1" * 5000  # more than the 4300 digits int() converts: ValueError, not JSONDecodeError
    bodies = ["", " ", "null", "true", "0", '""', "[]", "{}", "NaN", "Infinity", "-Infinity", "[NaN]",
              '{"a": NaN}', '{"a": -Infinity}', "1e999999", huge_int, f"[{huge_int}]", f'{{"a": {huge_int}}}',
              "[" * 5000 + "]" * 5000, "[" * 100_000, '{"a":' * 3000 + "1" + "}" * 3000,
              '{"a": "\\ud800"}', '{"\\udfff": 1}', "\ufeff{}", '{"a": 1} trailing', "{'a': 1}", '{"a": 1,}',
              '{"a": 1, "a": 2}', '{"__proto__": {"x": 1}}', "\x00", '"\\u0000"']
    for key in keys:
        bodies += [f'{{"{key}": NaN}}', f'{{"{key}": Infinity}}', f'{{"{key}": {huge_int}}}',
                   f'{{"{key}": -{huge_int}}}', f'{{"{key}": 1e400}}', f'{{"{key}": "\\ud800"}}',
                   f'{{"{key}": {"[" * 3000}{"]" * 3000}}}', json.dumps({key: "'; DROP TABLE projects; --"}),
                   json.dumps({key: "x" * 1_000_000})]
    return bodies


@st.composite
def api_events(draw: st.DrawFn, fields: dict[str, st.SearchStrategy[Any]], methods: tuple[Any, ...] = ("POST",),
               path_parameters: st.SearchStrategy[Any] = st.none()) -> dict[str, Any]:
    """A REST proxy event whose body is any of the malformed kinds above."""
    keys = list(fields)
    mixed = st.fixed_dictionaries({}, optional={k: st.one_of(good, WRONG) for k, good in fields.items()}).flatmap(
        lambda known: st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3).map(lambda junk: {**junk, **known}))
    utf8_json = st.builds(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass"), JSON_VALUES)
    base64_body = st.one_of(
        st.binary().map(lambda raw: base64.b64encode(raw).decode()),
        utf8_json.map(lambda raw: base64.b64encode(raw).decode()),
        mixed.map(lambda d: base64.b64encode(json.dumps(d).encode()).decode()),
        st.text(max_size=30),  # not base64 at all
    )
    body, is_base64 = draw(st.one_of(
        st.tuples(st.text(), st.booleans()),
        st.tuples(st.builds(_dumps, JSON_VALUES, st.booleans()), st.just(False)),
        st.tuples(st.builds(_dumps, mixed, st.booleans()), st.just(False)),
        st.tuples(st.sampled_from(special_bodies(keys)), st.just(False)),
        st.tuples(base64_body, st.just(True)),
        st.tuples(WRONG | JSON_VALUES, st.booleans() | WRONG),  # a body that is not text, odd flags
    ))
    method = draw(st.sampled_from(methods) | st.sampled_from([None, "PUT", "DELETE", "get", "", 1, ["POST"]]))
    event = api_event(body, method=method, is_base64=is_base64, path_parameters=draw(path_parameters))
    if draw(st.booleans()):  # API Gateway never sends this, but a test console or a bad integration might
        event.update(draw(st.dictionaries(st.sampled_from(["headers", "requestContext", "queryStringParameters",
                                                            "pathParameters", "httpMethod", "body"]), WRONG,
                                          max_size=2)))
    return event


NOT_DICT_EVENTS = st.one_of(st.none(), st.integers(), st.text(max_size=10), st.lists(SCALARS, max_size=3),
                            st.binary(max_size=10), st.floats(), st.just(["Records"]))
RANDOM_DICT_EVENTS = st.dictionaries(st.text(max_size=12).filter(lambda k: k != "Records"), JSON_VALUES, max_size=5)


def assert_answer(resp: Any) -> dict[str, Any] | list[Any] | Any:
    """What API Gateway needs from a proxy integration, with no server error."""
    assert isinstance(resp, dict), resp
    status = resp.get("statusCode")
    assert type(status) is int and 200 <= status < 500, status
    assert isinstance(resp.get("body"), str), resp
    resp["body"].encode("utf-8")  # API Gateway sends it as UTF-8
    return json.loads(resp["body"])


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


HUGE_INT_BODY = '{"file_name": ' + "1" * 5000 + "}"  # int() refuses > 4300 digits: ValueError
PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==")
SAFE_NAMES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._ -]{0,30}[A-Za-z0-9]", fullmatch=True).filter(lambda n: ".." not in n)
PROJECT_IDS = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)

# --- process_order ---------------------------------------------------------------------------

ORDER_FIELDS = {
    "order_id": st.text(max_size=20) | st.integers() | st.sampled_from(SQL_STRINGS),
    "product": TEXTS,
    "price": st.floats() | st.integers() | st.decimals(allow_nan=False).map(float),
    "quantity": st.integers(),
}


@pytest.fixture
def process_order(lambda_aws: None, monkeypatch: pytest.MonkeyPatch, import_handler: Callable[[str], ModuleType]) -> Any:
    table = _table("Orders", "order_id")
    sns = boto3.client("sns", region_name=REGION)
    topic_arn = sns.create_topic(Name="OrderNotifications")["TopicArn"]
    monkeypatch.setenv("TABLE_NAME", "Orders")
    monkeypatch.setenv("TOPIC_ARN", topic_arn)  # read at import: set first
    return SimpleNamespace(app=import_handler("process_order"), table=table)


@FUZZ
@example(event=api_event(HUGE_INT_BODY))
@given(event=api_events(ORDER_FIELDS) | NOT_DICT_EVENTS | RANDOM_DICT_EVENTS)
def test_process_order_never_crashes(process_order: Any, event: Any) -> None:
    assert_answer(process_order.app.lambda_handler(event, None))


@FEW
@given(product=st.sampled_from(SQL_STRINGS + VALID_UNICODE), order_id=st.sampled_from(SQL_STRINGS) | st.text(
    min_size=1, max_size=50).filter(lambda s: s.strip() and not any("\ud800" <= c <= "\udfff" for c in s)))
def test_process_order_stores_text_literally(process_order: Any, product: str, order_id: str) -> None:
    resp = process_order.app.lambda_handler(api_event(json.dumps({"order_id": order_id, "product": product})), None)

    assert assert_answer(resp) == {"message": "Order processed", "order_id": order_id.strip()}
    item = process_order.table.get_item(Key={"order_id": order_id.strip()})["Item"]
    assert item["product"] == product


# --- upload_file -------------------------------------------------------------------------------

UPLOAD_FIELDS = {
    "file_content": st.binary(max_size=64).map(b64) | st.text(max_size=20),
    "file_name": SAFE_NAMES | TEXTS,
    "project_id": PROJECT_IDS | TEXTS | st.integers(),
    "file_type": st.sampled_from(["pdf", "PNG", "jpg", "txt", "md", "zip", "json", "exe", ""]) | TEXTS,
}


@pytest.fixture
def upload_file(lambda_aws: None, monkeypatch: pytest.MonkeyPatch, import_handler: Callable[[str], ModuleType]) -> Any:
    s3 = _bucket()
    table = _table("FileMetadata", "fileID")
    monkeypatch.setenv("BUCKET_NAME", BUCKET)
    monkeypatch.setenv("TABLE_NAME", "FileMetadata")
    return SimpleNamespace(app=import_handler("upload_file"), s3=s3, table=table)


@FUZZ
@example(event=api_event(HUGE_INT_BODY))
@given(event=api_events(UPLOAD_FIELDS) | NOT_DICT_EVENTS | RANDOM_DICT_EVENTS)
def test_upload_file_never_crashes(upload_file: Any, event: Any) -> None:
    assert_answer(upload_file.app.lambda_handler(event, None))


@FEW
@example(file_name="'; DROP TABLE projects; --", project_id="p1", content=b"x")
@example(file_name="Robert-- DROP TABLE files", project_id="DROP-TABLE", content=b"x")
@example(file_name="Élodie.pdf", project_id="p1", content=b"x")
@given(file_name=st.sampled_from(SQL_STRINGS + VALID_UNICODE) | SAFE_NAMES, project_id=PROJECT_IDS,
       content=st.binary(min_size=1, max_size=256))
def test_upload_file_stores_names_literally(upload_file: Any, file_name: str, project_id: str, content: bytes) -> None:
    event = api_event(json.dumps({"file_content": b64(content), "file_name": file_name, "project_id": project_id}))

    body = assert_answer(upload_file.app.lambda_handler(event, None))
    if "error" in body:  # refused (not a plain file name): nothing may be half-written
        return
    item = upload_file.table.get_item(Key={"fileID": body["fileID"]})["Item"]
    assert item["fileName"] == file_name.strip()  # the seed's attribute names (workshop 3)
    assert item["projectID"] == project_id
    assert item["s3Key"] == f"{project_id}/{file_name.strip()}"
    stored = upload_file.s3.get_object(Bucket=BUCKET, Key=item["s3Key"])["Body"].read()
    assert stored == content


def test_upload_file_refuses_sql_and_unicode_names_with_400(upload_file: Any) -> None:
    """The file-name rule is strict (ASCII plain names): refusals are 400s, nothing is written."""
    for name in ["'; DROP TABLE projects; --", "Élodie.pdf", "../x", "a\ud800"]:
        event = api_event(json.dumps({"file_content": b64(b"x"), "file_name": name, "project_id": "p"}))
        resp = upload_file.app.lambda_handler(event, None)
        assert resp["statusCode"] == 400 and "error" in assert_answer(resp)
    assert upload_file.table.scan()["Items"] == []


# --- image_api -------------------------------------------------------------------------------------


def _image_bytes() -> st.SearchStrategy[bytes]:
    magic = st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*",
                             b"RIFF\x00\x00\x00\x00WEBP"])
    return st.one_of(st.just(PNG_1PX), st.builds(lambda m, rest: m + rest, magic, st.binary(max_size=32)),
                     st.binary(max_size=32))


IMAGE_FIELDS = {"image": _image_bytes().map(b64) | st.text(max_size=20), "file_name": TEXTS}
IMAGE_PATHS = st.one_of(
    st.none(), st.just({}), st.fixed_dictionaries({"id": st.text(max_size=70) | WRONG}),
    st.fixed_dictionaries({"id": st.from_regex(r"[0-9a-f]{32}", fullmatch=True)}),
    st.dictionaries(st.text(max_size=5), WRONG, max_size=2), WRONG,
)


@pytest.fixture
def image_api(lambda_aws: None, monkeypatch: pytest.MonkeyPatch, import_handler: Callable[[str], ModuleType]) -> Any:
    s3 = _bucket()
    table = _table("ImageMetadata", "ImageID")
    monkeypatch.setenv("BUCKET_NAME", BUCKET)
    monkeypatch.setenv("TABLE_NAME", "ImageMetadata")
    app = import_handler("image_api")
    created = assert_answer(app.lambda_handler(api_event(json.dumps({"image": b64(PNG_1PX)})), None))
    return SimpleNamespace(app=app, s3=s3, table=table, known_id=created["ImageID"])


@FUZZ
@example(event=api_event(HUGE_INT_BODY))
@example(event=api_event(None, method="GET", path_parameters={"id": 12345}))
@example(event=api_event(None, method="GET", path_parameters=["id"]))
@example(event=api_event(None, method="GET", path_parameters="id"))
@given(event=api_events(IMAGE_FIELDS, ("POST", "GET"), IMAGE_PATHS) | NOT_DICT_EVENTS | RANDOM_DICT_EVENTS)
def test_image_api_never_crashes(image_api: Any, event: Any) -> None:
    assert_answer(image_api.app.lambda_handler(event, None))


def test_image_api_get_known_image(image_api: Any) -> None:
    event = api_event(None, method="GET", path_parameters={"id": image_api.known_id})
    resp = image_api.app.lambda_handler(event, None)
    assert resp["statusCode"] == 200
    assert assert_answer(resp)["ImageID"] == image_api.known_id


@FEW
@given(file_name=st.sampled_from(SQL_STRINGS + VALID_UNICODE) | st.text(min_size=1, max_size=255))
def test_image_api_stores_file_name_literally(image_api: Any, file_name: str) -> None:
    event = api_event(json.dumps({"image": b64(PNG_1PX), "file_name": file_name}))

    resp = image_api.app.lambda_handler(event, None)
    body = assert_answer(resp)
    valid = bool(file_name.strip()) and not any("\ud800" <= c <= "\udfff" for c in file_name)
    assert resp["statusCode"] == (201 if valid else 400), body
    if valid:
        item = image_api.table.get_item(Key={"ImageID": body["ImageID"]})["Item"]
        assert item["file_name"] == file_name.strip()
        got = assert_answer(image_api.app.lambda_handler(
            api_event(None, method="GET", path_parameters={"id": body["ImageID"]}), None))
        assert got["file_name"] == file_name.strip()


# --- add_job ---------------------------------------------------------------------------------------

JOB_FIELDS = {"job_type": st.sampled_from(["table", "file", "TABLE", "", "x"]), "payload": JSON_VALUES}
JOB_PATHS = st.one_of(
    st.none(), st.just({}), st.fixed_dictionaries({"job_id": st.text(max_size=70) | WRONG}),
    st.fixed_dictionaries({"job_id": st.from_regex(r"[0-9a-f]{32}", fullmatch=True)}),
    st.dictionaries(st.text(max_size=5), WRONG, max_size=2), WRONG,
)


@pytest.fixture
def add_job(lambda_aws: None, monkeypatch: pytest.MonkeyPatch, import_handler: Callable[[str], ModuleType]) -> Any:
    table = _table("Jobs", "job_id")
    monkeypatch.setenv("JOBS_TABLE", "Jobs")
    return SimpleNamespace(app=import_handler("add_job"), table=table)


def _nested_payload(depth: int) -> str:
    return '{"job_type": "table", "payload": ' + "[" * depth + "]" * depth + "}"


@FUZZ
@example(event=api_event(HUGE_INT_BODY))
@example(event=api_event(None, method="GET", path_parameters={"job_id": 7}))
@example(event=api_event(None, method="GET", path_parameters=[]))
@example(event=api_event(None, method="GET", path_parameters=["job_id"]))
@example(event=api_event('{"job_type": "table", "payload": "\\ud800"}'))
@given(event=api_events(JOB_FIELDS, ("POST", "GET"), JOB_PATHS) | NOT_DICT_EVENTS | RANDOM_DICT_EVENTS)
def test_add_job_never_crashes(add_job: Any, event: Any) -> None:
    assert_answer(add_job.app.lambda_handler(event, None))


def test_add_job_deeply_nested_payload_never_crashes(add_job: Any) -> None:
    """json.loads and json.dumps share the recursion limit: a payload nested just below what
    json.loads accepts overflows when create() encodes it again. Every depth must answer."""
    for depth in range(850, 1010, 2):
        assert_answer(add_job.app.lambda_handler(api_event(_nested_payload(depth)), None))


@FEW
@given(payload=JSON_VALUES)
def test_add_job_stores_payload_literally(add_job: Any, payload: Any) -> None:
    text = json.dumps({"job_type": "file", "payload": payload})
    resp = add_job.app.lambda_handler(api_event(text), None)
    body = assert_answer(resp)
    if resp["statusCode"] != 202:
        return  # NaN/Infinity, lone surrogates, > 64 KB: refused with a JSON error
    item = add_job.table.get_item(Key={"job_id": body["job_id"]})["Item"]
    assert item["status"] == "pending"
    assert item["payload"] == json.dumps(json.loads(text)["payload"], ensure_ascii=False)
    got = assert_answer(add_job.app.lambda_handler(
        api_event(None, method="GET", path_parameters={"job_id": body["job_id"]}), None))
    assert got["payload"] == item["payload"]


# --- manage_projects (MySQL faked) -----------------------------------------------------------------


class FakeCursor:
    """A pymysql DictCursor look-alike: records (sql, params); every project exists."""

    def __init__(self, log: list[tuple[str, Any]]) -> None:
        self.log = log
        self.lastrowid = 1

    def __enter__(self) -> FakeCursor:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def execute(self, sql: str, params: Any = None) -> int:
        self.log.append((sql, params))
        return 1

    def fetchone(self) -> dict[str, Any]:
        return {"id": 1, "name": "n", "description": None, "created_at": None, "updated_at": None}


class FakeConnection:
    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []

    def cursor(self) -> FakeCursor:
        return FakeCursor(self.log)


PROJECT_FIELDS = {
    "action": st.sampled_from(["create", "update", "delete", "CREATE", ""]),
    "id": st.integers() | st.integers(1, 10),
    "name": TEXTS,
    "description": TEXTS,
}


@pytest.fixture
def manage_projects(monkeypatch: pytest.MonkeyPatch, import_handler: Callable[[str], ModuleType]) -> Any:
    app = import_handler("manage_projects")
    fake = FakeConnection()
    notified: list[tuple[str, Any]] = []
    monkeypatch.setattr(app.mysql_conn, "connection", lambda: fake)
    monkeypatch.setattr(app, "notify", lambda kind, project: notified.append((kind, project)))
    # the parameterised statements a normal create and update send: the only SQL texts allowed
    for body in ({"action": "create", "name": "baseline"}, {"action": "update", "id": 1, "name": "baseline"}):
        assert_answer(app.lambda_handler(api_event(json.dumps(body)), None))
    statements = {sql for sql, _ in fake.log}
    fake.log.clear()
    notified.clear()
    return SimpleNamespace(app=app, fake=fake, notified=notified, statements=statements)


@FUZZ
@example(event=api_event('{"action": ["create"]}'))
@example(event=api_event('{"action": {"create": 1}}'))
@example(event=api_event('{"action": "update", "id": ' + "1" * 5000 + "}"))
@given(event=api_events(PROJECT_FIELDS) | NOT_DICT_EVENTS | RANDOM_DICT_EVENTS)
def test_manage_projects_never_crashes(manage_projects: Any, event: Any) -> None:
    assert_answer(manage_projects.app.lambda_handler(event, None))
    assert {sql for sql, _ in manage_projects.fake.log} <= manage_projects.statements


@FUZZ
@example(name="'; DROP TABLE projects; --", description="%s); DROP TABLE projects; --", action="create")
@example(name="Robert'); DROP TABLE students;--", description=None, action="update")
@given(name=st.sampled_from(SQL_STRINGS + VALID_UNICODE) | st.text(min_size=1, max_size=255),
       description=st.none() | st.sampled_from(SQL_STRINGS + VALID_UNICODE) | st.text(min_size=1, max_size=300),
       action=st.sampled_from(["create", "update"]))
def test_manage_projects_sends_text_as_sql_parameters(manage_projects: Any, name: str, description: str | None,
                                                      action: str) -> None:
    fake = manage_projects.fake
    fake.log.clear()
    body = {"action": action, "id": 1, "name": name, "description": description}
    resp = manage_projects.app.lambda_handler(api_event(json.dumps(body)), None)

    assert_answer(resp)
    if resp["statusCode"] == 400:
        def bad(value: str | None) -> bool:
            return value is not None and (not value.strip() or any("\ud800" <= c <= "\udfff" for c in value))
        assert bad(name) or bad(description) or len(description or "") > 2000
        assert fake.log == []
        return
    assert resp["statusCode"] == (201 if action == "create" else 200)
    for sql, params in fake.log:
        assert sql in manage_projects.statements  # never built from the input
        assert "DROP" not in sql and "Robert" not in sql
    writes = [params for sql, params in fake.log if sql.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert len(writes) == 1
    assert name.strip() in writes[0]
    assert (description.strip() if description else None) in writes[0]
    assert [kind for kind, _ in manage_projects.notified[-1:]] == [f"project_{action}d"]


def test_manage_projects_sqs_batch_is_only_logged(manage_projects: Any) -> None:
    event = {"Records": [{"eventSource": "aws:sqs", "body": "'; DROP TABLE projects; --"}]}
    assert manage_projects.app.lambda_handler(event, None) == {"batchItemFailures": []}
    assert manage_projects.fake.log == [] and manage_projects.notified == []


# --- job_worker (DynamoDB stream) ------------------------------------------------------------------


@pytest.fixture
def job_worker(lambda_aws: None, monkeypatch: pytest.MonkeyPatch, import_handler: Callable[[str], ModuleType]) -> Any:
    jobs = _table("Jobs", "job_id")
    results = _table("Results", "job_id")
    s3 = _bucket("fuzz-results")
    monkeypatch.setenv("JOBS_TABLE", "Jobs")
    monkeypatch.setenv("RESULTS_TABLE", "Results")
    monkeypatch.setenv("RESULTS_BUCKET", "fuzz-results")
    return SimpleNamespace(app=import_handler("job_worker"), jobs=jobs, results=results, s3=s3)


# DynamoDB attribute values as a stream record carries them (JSON: numbers as text, B as base64)
ATTRIBUTE_VALUES = st.recursive(
    st.one_of(
        st.builds(lambda s: {"S": s}, st.text(max_size=20)),
        st.builds(lambda n: {"N": str(n)}, st.integers() | st.decimals(allow_nan=False, allow_infinity=False)),
        st.builds(lambda b: {"BOOL": b}, st.booleans()),
        st.just({"NULL": True}),
        st.builds(lambda b: {"B": b64(b)}, st.binary(max_size=8)),
        st.builds(lambda s: {"SS": sorted(s)}, st.sets(st.text(max_size=5), min_size=1, max_size=3)),
    ),
    lambda children: st.builds(lambda items: {"L": items}, st.lists(children, max_size=3))
    | st.builds(lambda m: {"M": m}, st.dictionaries(st.text(max_size=5), children, max_size=3)),
    max_leaves=8,
)
MALFORMED_VALUES = st.one_of(WRONG, st.just({}), st.just({"N": "not a number"}), st.just({"X": 1}),
                             st.just({"S": "a", "N": "1"}), st.just({"M": 5}), st.just({"L": 5}))


@st.composite
def ignorable_records(draw: st.DrawFn) -> dict[str, Any]:
    """A stream record the worker must skip: not an INSERT, not pending, or an unknown job_type."""
    image = draw(st.dictionaries(st.text(max_size=8).filter(lambda k: k not in ("status", "job_type")),
                                 ATTRIBUTE_VALUES | MALFORMED_VALUES, max_size=4))
    status = draw(st.one_of(st.none(), ATTRIBUTE_VALUES, MALFORMED_VALUES,
                            st.sampled_from(["pending", "done", "PENDING", ""]).map(lambda s: {"S": s})))
    job_type = draw(st.one_of(st.none(), ATTRIBUTE_VALUES, MALFORMED_VALUES,
                              st.sampled_from(["table", "file", "email", ""]).map(lambda s: {"S": s})))
    if status is not None:
        image["status"] = status
    if job_type is not None:
        image["job_type"] = job_type
    event_name = draw(st.sampled_from(["INSERT", "MODIFY", "REMOVE", "insert", ""]) | st.text(max_size=8) | WRONG)
    if event_name == "INSERT":  # then it must be a job the worker does not do
        assume(status != {"S": "pending"} or job_type not in ({"S": "table"}, {"S": "file"}))
    dynamodb = draw(st.one_of(st.just({"NewImage": image, "Keys": {"job_id": {"S": "j"}}}), st.just({}),
                              st.fixed_dictionaries({"NewImage": WRONG}), st.none() if event_name != "INSERT"
                              else st.just({})))
    record = {"eventID": uuid.uuid4().hex, "eventName": event_name, "eventSource": "aws:dynamodb",
              "awsRegion": REGION, "dynamodb": dynamodb}
    return record


@FUZZ
@example(records=[{"eventName": "INSERT", "dynamodb": {"NewImage": {
    "status": {"S": "done"}, "job_type": {"S": "table"}, "blob": {"B": "aGVsbG8="}}}}])
@example(records=[{"eventName": "INSERT", "dynamodb": {"NewImage": {"status": "pending", "job_type": "email"}}}])
@given(records=st.lists(ignorable_records(), max_size=4))
def test_job_worker_skips_records_it_should_ignore(job_worker: Any, records: list[dict[str, Any]]) -> None:
    assert job_worker.app.lambda_handler({"Records": records}, None) == {"done": 0}
    assert job_worker.results.scan()["Items"] == []
    assert job_worker.s3.list_objects_v2(Bucket="fuzz-results").get("KeyCount", 0) == 0


def test_job_worker_still_does_a_pending_job(job_worker: Any) -> None:
    job_worker.jobs.put_item(Item={"job_id": "j1", "job_type": "table", "status": "pending", "payload": "{}"})
    record = {"eventName": "INSERT", "dynamodb": {"NewImage": {
        "job_id": {"S": "j1"}, "job_type": {"S": "table"}, "status": {"S": "pending"}, "payload": {"S": "{}"}}}}
    assert job_worker.app.lambda_handler({"Records": [record]}, None) == {"done": 1}
    assert job_worker.jobs.get_item(Key={"job_id": "j1"})["Item"]["status"] == "done"


# --- image_resize.to_thumbnail -----------------------------------------------------------------------

#: what ImageResize's handle() catches (and records as "failed" instead of raising)
RESIZE_CAUGHT = (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError)

MODE_FORMATS = [("RGBA", "PNG"), ("RGBA", "TIFF"), ("RGBA", "WEBP"), ("P", "PNG"), ("P", "GIF"), ("P", "BMP"),
                ("L", "PNG"), ("L", "JPEG"), ("L", "GIF"), ("RGB", "PNG"), ("RGB", "JPEG"), ("RGB", "BMP"),
                ("RGB", "WEBP"), ("CMYK", "JPEG"), ("CMYK", "TIFF"), ("I;16", "PNG"), ("I;16", "TIFF"),
                ("1", "PNG"), ("1", "BMP"), ("1", "TIFF"), ("LA", "PNG")]


def make_image(mode: str, fmt: str, size: tuple[int, int], seed: int, transparency: bool = False) -> bytes:
    blank = Image.new(mode, size)
    pixels = random.Random(seed).randbytes(len(blank.tobytes()))
    image = Image.frombytes(mode, size, pixels)
    if mode == "P":
        image.putpalette(random.Random(seed + 1).randbytes(768))
    out = io.BytesIO()
    extra = {"transparency": 0} if transparency and mode == "P" and fmt in ("PNG", "GIF") else {}
    image.save(out, fmt, **extra)
    return out.getvalue()


@pytest.fixture
def image_resize(monkeypatch: pytest.MonkeyPatch, import_handler: Callable[[str], ModuleType]) -> ModuleType:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)  # to_thumbnail sets it globally
    monkeypatch.setenv("TABLE_NAME", "ImageMetadata")
    return import_handler("image_resize")


def _check_thumbnail(thumb: bytes) -> None:
    with Image.open(io.BytesIO(thumb)) as out:
        assert out.format == "JPEG"
        assert out.size == (128, 128)
        assert out.mode == "RGB"


@st.composite
def damaged_images(draw: st.DrawFn) -> bytes:
    """A real small image, truncated and/or with a few bytes overwritten (headers included)."""
    mode, fmt = draw(st.sampled_from(MODE_FORMATS))
    data = bytearray(make_image(mode, fmt, (draw(st.integers(1, 40)), draw(st.integers(1, 40))), draw(st.integers(0, 99))))
    for _ in range(draw(st.integers(0, 4))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(0, len(data)))])


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")  # Pillow on damaged files
@settings(FUZZ, max_examples=max(80, FUZZ.max_examples))
@example(data=b"")
@example(data=PNG_1PX[:20])
@given(data=st.binary(max_size=512) | damaged_images())
def test_to_thumbnail_random_bytes_fail_only_as_handle_expects(image_resize: ModuleType, data: bytes) -> None:
    try:
        thumb, facts = image_resize.to_thumbnail(data)
    except RESIZE_CAUGHT:
        return
    _check_thumbnail(thumb)
    assert isinstance(facts, dict) and facts["width"] >= 1 and facts["height"] >= 1


@FEW
@given(mode_format=st.sampled_from(MODE_FORMATS), width=st.integers(1, 400), height=st.integers(1, 400),
       seed=st.integers(0, 2**16), transparency=st.booleans())
def test_to_thumbnail_real_images_become_128px_rgb_jpeg(image_resize: ModuleType, mode_format: tuple[str, str],
                                                        width: int, height: int, seed: int, transparency: bool) -> None:
    mode, fmt = mode_format
    thumb, facts = image_resize.to_thumbnail(make_image(mode, fmt, (width, height), seed, transparency))

    _check_thumbnail(thumb)
    assert (facts["width"], facts["height"]) == (width, height)
    assert facts["format"] == fmt
