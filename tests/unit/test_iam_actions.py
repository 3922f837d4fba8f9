"""Which IAM action and resource each request needs (Service Authorization Reference, one page per
service), and the error each service answers a denied call with (IAM user guide, "Access denied
error message examples"; each service's error codes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codecraft_cli.local.iam.actions import Target, Where, targets
from codecraft_cli.local.iam.authorize import Call, Session, decide

W = Where("us-east-1", "123456789012",
          lambda s: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf" if s in ("db", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db") else None)
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"


def one(service: str, operation: str, **params: Any) -> tuple[str, str]:
    found = targets(service, operation, params, W)
    assert len(found) == 1, found
    return found[0].action, found[0].resource


def test_dynamodb_item_calls_need_their_action_on_the_table() -> None:
    for op in ("PutItem", "GetItem", "UpdateItem", "DeleteItem", "Query", "Scan", "DescribeTable"):
        assert one("dynamodb", op, TableName="Orders") == (f"dynamodb:{op}", TABLE)
    assert one("dynamodb", "Query", TableName="Orders", IndexName="by_user") == ("dynamodb:Query", TABLE + "/index/by_user")
    assert one("dynamodb", "GetItem", TableName=TABLE) == ("dynamodb:GetItem", TABLE)
    batch = targets("dynamodb", "BatchWriteItem", {"RequestItems": {"Orders": [], "Users": []}}, W)
    assert batch == [Target("dynamodb:BatchWriteItem", TABLE),
                     Target("dynamodb:BatchWriteItem", "arn:aws:dynamodb:us-east-1:123456789012:table/Users")]
    transact = targets("dynamodb", "TransactWriteItems", {"TransactItems": [{"Put": {"TableName": "Orders"}},
                                                                             {"Update": {"TableName": "Orders"}}]}, W)
    assert [t.action for t in transact] == ["dynamodb:PutItem", "dynamodb:UpdateItem"]


def test_sns_sqs_s3_secrets_logs_lambda_rds() -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:OrderNotifications"
    assert one("sns", "Publish", TopicArn=topic) == ("sns:Publish", topic)
    url = "http://127.0.0.1:5000/123456789012/OrderQueue"
    queue = "arn:aws:sqs:us-east-1:123456789012:OrderQueue"
    for op, action in (("SendMessage", "sqs:SendMessage"), ("ReceiveMessage", "sqs:ReceiveMessage"),
                       ("DeleteMessage", "sqs:DeleteMessage"), ("GetQueueAttributes", "sqs:GetQueueAttributes"),
                       ("SendMessageBatch", "sqs:SendMessage"), ("DeleteMessageBatch", "sqs:DeleteMessage")):
        assert one("sqs", op, QueueUrl=url) == (action, queue)
    assert one("sqs", "SendMessage", QueueUrl="https://sqs.us-east-1.amazonaws.com/123456789012/OrderQueue")[1] == queue
    assert one("sqs", "GetQueueUrl", QueueName="OrderQueue") == ("sqs:GetQueueUrl", queue)
    assert one("s3", "PutObject", Bucket="files", Key="a/b.txt") == ("s3:PutObject", "arn:aws:s3:::files/a/b.txt")
    assert one("s3", "GetObject", Bucket="files", Key="k") == ("s3:GetObject", "arn:aws:s3:::files/k")
    assert one("s3", "HeadObject", Bucket="files", Key="k") == ("s3:GetObject", "arn:aws:s3:::files/k")
    assert one("s3", "DeleteObject", Bucket="files", Key="k") == ("s3:DeleteObject", "arn:aws:s3:::files/k")
    assert one("s3", "ListObjectsV2", Bucket="files") == ("s3:ListBucket", "arn:aws:s3:::files")
    copy = targets("s3", "CopyObject", {"Bucket": "dst", "Key": "k2", "CopySource": "src/k1"}, W)
    assert [(t.action, t.resource) for t in copy] == [("s3:GetObject", "arn:aws:s3:::src/k1"),
                                                      ("s3:PutObject", "arn:aws:s3:::dst/k2")]
    full = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
    assert one("secretsmanager", "GetSecretValue", SecretId="db") == ("secretsmanager:GetSecretValue", full)
    partial = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"
    assert one("secretsmanager", "GetSecretValue", SecretId=partial) == ("secretsmanager:GetSecretValue", full)
    group = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/F"
    assert one("logs", "PutLogEvents", logGroupName="/aws/lambda/F", logStreamName="s") == (
        "logs:PutLogEvents", group + ":log-stream:s")
    fn = "arn:aws:lambda:us-east-1:123456789012:function:F"
    assert one("lambda", "Invoke", FunctionName="F") == ("lambda:InvokeFunction", fn)
    assert one("lambda", "Invoke", FunctionName=fn + ":prod") == ("lambda:InvokeFunction", fn)
    assert one("lambda", "Invoke", FunctionName="F:prod") == ("lambda:InvokeFunction", fn)
    assert one("rds", "DescribeDBInstances") == ("rds:DescribeDBInstances", "*")
    assert one("rds", "DescribeDBInstances", DBInstanceIdentifier="db1") == (
        "rds:DescribeDBInstances", "arn:aws:rds:us-east-1:123456789012:db:db1")


def test_get_caller_identity_needs_no_permission_and_unknown_operations_need_their_name_on_star() -> None:
    assert targets("sts", "GetCallerIdentity", {}, W) == []
    assert one("kinesis", "PutRecord", StreamName="s") == ("kinesis:PutRecord", "*")


class Facts:
    def __init__(self, policies: Sequence[Any]) -> None:
        self.policies = policies

    def session(self, access_key_id: str) -> Session | None:
        if access_key_id != "ASIAFUNCTION":
            return None
        return Session("arn:aws:iam::123456789012:role/ProcessOrderRole",
                       "arn:aws:sts::123456789012:assumed-role/ProcessOrderRole/ProcessOrder")

    def role_policies(self, role_arn: str) -> Sequence[Any]:
        return self.policies

    def secret_arn(self, region: str, secret_id: str) -> str | None:
        return W.secret_arn(secret_id)


def call(service: str, operation: str, key: str = "ASIAFUNCTION", **params: Any) -> Call:
    return Call(service, operation, params, "us-east-1", key)


ORDERS_ROLE = [{"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": [TABLE]}]}]
ME = "arn:aws:sts::123456789012:assumed-role/ProcessOrderRole/ProcessOrder"


def test_a_denied_call_is_the_services_own_error_naming_the_action_and_resource() -> None:
    facts = Facts(ORDERS_ROLE)
    assert decide(call("dynamodb", "PutItem", TableName="Orders"), facts) is None
    refused = decide(call("dynamodb", "DeleteItem", TableName="Orders"), facts)
    assert refused is not None and (refused.code, refused.status) == ("AccessDeniedException", 400)
    assert refused.message == (f"User: {ME} is not authorized to perform: dynamodb:DeleteItem on resource: {TABLE} "
                               "because no identity-based policy allows the dynamodb:DeleteItem action")
    sns = decide(call("sns", "Publish", TopicArn="arn:aws:sns:us-east-1:123456789012:T"), facts)
    assert sns is not None and (sns.code, sns.status) == ("AuthorizationError", 403)
    assert "perform: SNS:Publish on resource: arn:aws:sns:us-east-1:123456789012:T because no identity-based " \
           "policy allows the SNS:Publish action" in sns.message
    sqs = decide(call("sqs", "SendMessage", QueueUrl="http://h/123456789012/Q"), facts)
    assert sqs is not None and (sqs.code, sqs.status) == ("AccessDenied", 403)
    assert "perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:123456789012:Q" in sqs.message
    s3 = decide(call("s3", "PutObject", Bucket="b", Key="k"), facts)
    assert s3 is not None and (s3.code, s3.status) == ("AccessDenied", 403)
    assert 'on resource: "arn:aws:s3:::b/k" because' in s3.message
    secret = decide(call("secretsmanager", "GetSecretValue", SecretId="db"), facts)
    assert secret is not None and secret.code == "AccessDeniedException"
    assert "perform: secretsmanager:GetSecretValue on resource: db because" in secret.message
    listing = decide(call("secretsmanager", "ListSecrets"), facts)
    assert listing is not None and listing.message.endswith(
        "is not authorized to perform: secretsmanager:ListSecrets because no identity-based policy allows the "
        "secretsmanager:ListSecrets action")


def test_an_explicit_deny_says_so_and_the_accounts_own_keys_are_never_refused() -> None:
    facts = Facts(ORDERS_ROLE + [{"Statement": [{"Effect": "Deny", "Action": "dynamodb:*", "Resource": "*"}]}])
    refused = decide(call("dynamodb", "PutItem", TableName="Orders"), facts)
    assert refused is not None and refused.message.endswith("with an explicit deny in an identity-based policy")
    assert decide(call("dynamodb", "DeleteTable", key="AKIAADMIN", TableName="Orders"), Facts([])) is None
    assert decide(call("sts", "GetCallerIdentity"), Facts([])) is None


def test_an_event_source_mapping_needs_a_role_that_can_read_the_source() -> None:
    from codecraft_cli.local.iam.mappings import mapping_refusal

    queue = "arn:aws:sqs:us-east-1:123456789012:Q"
    reader = [{"Statement": [{"Effect": "Allow", "Resource": queue,
                              "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]}]}]
    assert mapping_refusal(queue, reader) is None
    refused = mapping_refusal(queue, [{"Statement": [{"Effect": "Allow", "Resource": queue,
                                                      "Action": "sqs:ReceiveMessage"}]}])
    assert refused is not None and refused.code == "InvalidParameterValueException"
    assert refused.message == "The function execution role does not have permissions to call DeleteMessage on SQS"
    stream = "arn:aws:dynamodb:us-east-1:123456789012:table/Jobs/stream/2026-01-01T00:00:00.000"
    assert mapping_refusal(stream, [{"Statement": [{"Effect": "Allow", "Resource": stream, "Action": [
        "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams"]}]}]) is None
    refused = mapping_refusal(stream, [])
    assert refused is not None and refused.message.startswith(f"Cannot access stream {stream}.")
