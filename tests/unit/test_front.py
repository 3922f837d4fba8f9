"""The refusal front (codecraft_cli/local/front.py), in process: boto3 clients whose requests go
straight into the WSGI chain (front → moto, or front → a recording stub), no server.

What boto3 must report comes from AWS: the codes of each operation's API reference, and the
error formats of each protocol as botocore's parsers read them (JSON ``__type``; REST-JSON
``x-amzn-ErrorType``; SQS's ``x-amzn-query-error``, sqs-json-faqs.html; query
``<ErrorResponse>``; EC2 ``<Response><Errors>``; S3 ``<Error>``).
"""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError

from codecraft_cli.local import moto_adapter
from codecraft_cli.local.front import RefusalFront, RequestInfo, _rest_operation
from codecraft_cli.local.rules import Refusal

TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"Service": "lambda.amazonaws.com"}}]}


class _Raw(io.BytesIO):
    def stream(self, **_: Any) -> Any:
        yield self.getvalue()


def wsgi_client(app: Any, service: str, key: str = "AKIDFRONTTEST", region: str = "us-east-1") -> Any:
    """A boto3 client (client-side validation off, as a student's SDK may be) whose requests
    are served by ``app`` in process."""
    client = boto3.client(service, region_name=region, endpoint_url="http://127.0.0.1:4566",
                          aws_access_key_id=key, aws_secret_access_key="secret",
                          config=Config(parameter_validation=False, retries={"max_attempts": 1}))

    def send(request: Any, **_: Any) -> AWSResponse:
        from werkzeug.test import EnvironBuilder, run_wsgi_app

        url = urlsplit(request.url)
        body = request.body or b""
        body = body.read() if hasattr(body, "read") else body
        body = body.encode() if isinstance(body, str) else body
        headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
        environ = EnvironBuilder(path=url.path, query_string=url.query, method=request.method, headers=headers,
                                 data=body, base_url=f"{url.scheme}://{url.netloc}").get_environ()
        environ["RAW_URI"] = url.path + ("?" + url.query if url.query else "")
        chunks, status, out = run_wsgi_app(app, environ)
        return AWSResponse(request.url, int(status.split()[0]), dict(out), _Raw(b"".join(chunks)))

    client.meta.events.register("before-send", send)
    return client


@pytest.fixture(scope="module")
def front() -> RefusalFront:
    return RefusalFront(moto_adapter.wsgi_app())


class Recorder:
    """A stand-in for moto: records what reaches it, answers 200 with an empty JSON body."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.bodies.append(environ["wsgi.input"].read())
        start_response("200 OK", [("Content-Type", "application/x-amz-json-1.0")])
        return [b"{}"]


def code_of(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as refused:
        call(**kwargs)
    return str(refused.value.response["Error"]["Code"])


# --- each protocol's refusal, as boto3 reads it ---------------------------------------------------
def test_ec2_protocol(front: RefusalFront) -> None:
    """API_CreateSecurityGroup.html: GroupDescription a-zA-Z0-9, spaces and ._-:/()#,@[]+=&;{}!$*."""
    ec2 = wsgi_client(front, "ec2")
    assert code_of(ec2.create_security_group, GroupName="web", Description="Students' web") == "InvalidParameterValue"
    assert ec2.create_security_group(GroupName="web", Description="Students web")["GroupId"].startswith("sg-")


def test_query_protocol(front: RefusalFront) -> None:
    iam = wsgi_client(front, "iam")
    assert code_of(iam.create_role, RoleName="r", AssumeRolePolicyDocument="{") == "MalformedPolicyDocument"
    assert code_of(iam.create_role, RoleName="my role", AssumeRolePolicyDocument=json.dumps(TRUST)) == "ValidationError"


def test_rest_xml_protocol(front: RefusalFront) -> None:
    """bucketnamingrules.html: lowercase letters only (the seed's CodeCraft-project-files)."""
    s3 = wsgi_client(front, "s3")
    assert code_of(s3.create_bucket, Bucket="CodeCraft-project-files") == "InvalidBucketName"
    s3.create_bucket(Bucket="codecraft-project-files")
    s3.put_object(Bucket="codecraft-project-files", Key="a b/c.txt", Body=b"kept")
    assert s3.get_object(Bucket="codecraft-project-files", Key="a b/c.txt")["Body"].read() == b"kept"
    assert code_of(s3.put_object, Bucket="codecraft-project-files", Key="k" * 1025, Body=b"x") == "KeyTooLongError"


def test_json_and_rest_json_protocols(front: RefusalFront) -> None:
    """API_CreateTable.html (ValidationException); API_CreateFunction.html (Timeout <= 900)."""
    ddb = wsgi_client(front, "dynamodb")
    assert code_of(ddb.create_table, TableName="ab", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                   BillingMode="PAY_PER_REQUEST") == "ValidationException"
    lam = wsgi_client(front, "lambda")
    with pytest.raises(ClientError) as refused:
        lam.create_function(FunctionName="f", Runtime="python3.12", Role="arn:aws:iam::123456789012:role/r",
                            Handler="a.h", Code={"ZipFile": b"x"}, Timeout=901)
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "less than or equal to 900" in refused.value.response["Error"]["Message"]


def test_sqs_queue_deleted_recently_as_boto3_reports_it(front: RefusalFront) -> None:
    """API_DeleteQueue.html: wait 60 s before re-creating a queue of the same name. SQS speaks
    JSON with query-compatible codes: boto3 reports the query code and raises the modelled class."""
    sqs = wsgi_client(front, "sqs")
    url = sqs.create_queue(QueueName="front-recreated")["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDeletedRecently) as refused:
        sqs.create_queue(QueueName="front-recreated")
    assert refused.value.response["Error"]["Code"] == "AWS.SimpleQueueService.QueueDeletedRecently"
    assert refused.value.response["Error"]["Type"] == "Sender"
    assert code_of(sqs.create_queue, QueueName="front-other", Attributes={"Visibility": "1"}) == "InvalidAttributeName"


def test_a_failed_deletion_is_not_recorded(front: RefusalFront) -> None:
    sqs = wsgi_client(front, "sqs")
    with pytest.raises(ClientError):
        sqs.delete_queue(QueueUrl="http://127.0.0.1:4566/123456789012/front-never-created")
    assert sqs.create_queue(QueueName="front-never-created")["QueueUrl"]


# --- the state the rules read from moto -----------------------------------------------------------
def test_rules_read_existing_resources(front: RefusalFront) -> None:
    """lambda-intro-execution-role.html (a role Lambda can assume), API_AddPermission.html
    (ResourceConflictException), with-sqs.html (visibility timeout >= function timeout)."""
    iam, lam, sqs = wsgi_client(front, "iam"), wsgi_client(front, "lambda"), wsgi_client(front, "sqs")
    role = iam.create_role(RoleName="front-role", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    ec2_trust = json.dumps({**TRUST, "Statement": [{**TRUST["Statement"][0], "Principal": {"Service": "ec2.amazonaws.com"}}]})
    ec2_role = iam.create_role(RoleName="front-ec2-role", AssumeRolePolicyDocument=ec2_trust)["Role"]["Arn"]
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.py", "def h(e, c):\n    return e\n")
    function = {"FunctionName": "front-fn", "Runtime": "python3.12", "Handler": "a.h",
                "Code": {"ZipFile": buffer.getvalue()}, "Timeout": 30}
    assert code_of(lam.create_function, Role=ec2_role, **function) == "InvalidParameterValueException"
    assert code_of(lam.create_function, Role=role.replace("front-role", "absent"), **function) == \
        "InvalidParameterValueException"
    lam.create_function(Role=role, **function)
    permission = {"FunctionName": "front-fn", "StatementId": "s3", "Action": "lambda:InvokeFunction",
                  "Principal": "s3.amazonaws.com"}
    lam.add_permission(**permission)
    assert code_of(lam.add_permission, **permission) == "ResourceConflictException"
    url = sqs.create_queue(QueueName="front-short", Attributes={"VisibilityTimeout": "10"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert code_of(lam.create_event_source_mapping, FunctionName="front-fn", EventSourceArn=arn) == \
        "InvalidParameterValueException"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "180"})
    assert lam.create_event_source_mapping(FunctionName="front-fn", EventSourceArn=arn)["UUID"]


def test_dynamodb_key_checked_against_the_table(front: RefusalFront) -> None:
    """API_PutItem.html: every key attribute present."""
    ddb = wsgi_client(front, "dynamodb")
    ddb.create_table(TableName="front-table", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    assert code_of(ddb.put_item, TableName="front-table", Item={"name": {"S": "x"}}) == "ValidationException"
    ddb.put_item(TableName="front-table", Item={"pk": {"S": "a"}, "name": {"S": "x"}})


# --- what the front passes on, and the authorize hook ---------------------------------------------
def test_the_authorize_hook_sees_each_request_and_may_refuse() -> None:
    seen: list[RequestInfo] = []

    def authorize(info: RequestInfo) -> Refusal | None:
        seen.append(info)
        if info.operation == "PutItem":
            return Refusal("AccessDeniedException", "User: x is not authorized to perform: dynamodb:PutItem")
        return None

    behind = Recorder()
    ddb = wsgi_client(RefusalFront(behind, authorize=authorize), "dynamodb", key="AKIDSTUDENT", region="eu-west-1")
    ddb.get_item(TableName="orders", Key={"id": {"S": "1"}})
    assert code_of(ddb.put_item, TableName="orders", Item={"id": {"S": "1"}}) == "AccessDeniedException"
    assert [(i.service, i.operation, i.access_key, i.region) for i in seen] == [
        ("dynamodb", "GetItem", "AKIDSTUDENT", "eu-west-1"), ("dynamodb", "PutItem", "AKIDSTUDENT", "eu-west-1")]
    assert seen[1].params == {"TableName": "orders", "Item": {"id": {"S": "1"}}}
    assert len(behind.bodies) == 1  # the refused request never reached the application behind


def test_what_the_front_cannot_read_goes_behind_unchanged() -> None:
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    behind = Recorder()
    front = RefusalFront(behind)
    body = b'{"TableName": "ab"}'
    for headers in ({}, {"Authorization": "AWS4-HMAC-SHA256 Credential=AK/20250101/us-east-1/nosuchservice/aws4_request",
                         "X-Amz-Target": "X.Y"},
                    {"Authorization": "AWS4-HMAC-SHA256 Credential=AK/20250101/us-east-1/dynamodb/aws4_request",
                     "X-Amz-Target": "DynamoDB_20120810.NoSuchOperation"}):
        environ = EnvironBuilder(path="/", method="POST", headers=headers, data=body,
                                 content_type="application/x-amz-json-1.0").get_environ()
        _, status, _ = run_wsgi_app(front, environ)
        assert status.startswith("200")
    assert behind.bodies == [body] * 3


def test_a_failing_rule_lets_the_request_through(monkeypatch: pytest.MonkeyPatch) -> None:
    import codecraft_cli.local.rules as rules

    def broken(*args: Any) -> None:
        raise RuntimeError("a rule's bug")

    monkeypatch.setattr(rules, "refuse", broken)
    behind = Recorder()
    wsgi_client(RefusalFront(behind), "dynamodb").get_item(TableName="ab", Key={"id": {"S": "1"}})
    assert len(behind.bodies) == 1


def test_rest_operations_are_told_apart() -> None:
    """S3 object writes share PUT /{Bucket}/{Key+}: CopyObject needs x-amz-copy-source,
    UploadPart partNumber and uploadId; the deprecated PutBucketNotification shares its URI."""
    assert _rest_operation("s3", "PUT", "/b/k", {}, {})[0] == "PutObject"  # type: ignore[index]
    assert _rest_operation("s3", "PUT", "/b/k", {}, {"x-amz-copy-source": "a/b"})[0] == "CopyObject"  # type: ignore[index]
    assert _rest_operation("s3", "PUT", "/b/k", {"partNumber": "1", "uploadId": "u"}, {})[0] == "UploadPart"  # type: ignore[index]
    assert _rest_operation("s3", "PUT", "/b", {"notification": ""}, {})[0] == \
        "PutBucketNotificationConfiguration"  # type: ignore[index]
    assert _rest_operation("s3", "PUT", "/b/k", {"tagging": ""}, {})[0] == "PutObjectTagging"  # type: ignore[index]
    assert _rest_operation("lambda", "POST", "/2015-03-31/functions/f/invocations", {}, {}) == \
        ("Invoke", {"FunctionName": "f"})


def test_uri_labels_are_read_decoded() -> None:
    """botocore 1.44 percent-encodes ':' in a URI label (a function named by its ARN): the rules
    see the ARN itself, not 'arn%3Aaws%3A...' (which fails Lambda's FunctionName pattern)."""
    arn = "arn:aws:lambda:us-east-1:123456789012:function:ProcessOrder"
    encoded = arn.replace(":", "%3A")
    assert _rest_operation("lambda", "GET", f"/2015-03-31/functions/{encoded}/policy", {}, {}) == \
        ("GetPolicy", {"FunctionName": arn})
    assert _rest_operation("s3", "PUT", "/b/uploads/a%20b.png", {}, {}) == \
        ("PutObject", {"Bucket": "b", "Key": "uploads/a b.png"})
