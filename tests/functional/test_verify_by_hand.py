"""verify on resources built by hand (console-like, untagged, found by prescribed names), and the
console fix it gives for typical mistakes. moto in-process; resource checks only (the end-to-end
checks need the emulator's gateway and are covered by the e2e tests)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from codecraft_cli.aws.clients import Clients, Target
from codecraft_cli.engine.verifier import run_checks
from codecraft_cli.engine.context import DeployContext
from codecraft_cli.workshop import load_workshop

W = load_workshop("anycompany-orders")
REGION = "us-east-1"


@pytest.fixture()
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def verify(student: str | None = None) -> dict[str, object]:
    ctx = DeployContext(W, Target("aws", REGION), Clients(Target("aws", REGION)), student)
    return {r.check: r for r in run_checks(ctx, wait_seconds=0, by_hand=True) if "." not in r.check and r.step != "test"}


def build_by_hand(runtime: str = "python3.12", fifo: bool = False, deploy: bool = True,
                  subscribe: bool = True, prefix: str = "") -> None:
    """What a student does in the console: no tags, console defaults, its own statement ids."""
    ddb, sns, sqs, iam = (boto3.client(s, region_name=REGION) for s in ("dynamodb", "sns", "sqs", "iam"))
    lam, apigw, logs = (boto3.client(s, region_name=REGION) for s in ("lambda", "apigateway", "logs"))
    ddb.create_table(TableName=f"{prefix}Orders", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}])
    topic = sns.create_topic(Name=f"{prefix}OrderNotifications")["TopicArn"]
    name = f"{prefix}OrderProcessingQueue" + (".fifo" if fifo else "")
    url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"} if fifo else {})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    if subscribe:
        # SQS console › Subscribe to Amazon SNS topic: the subscription and the queue policy
        # letting the topic send ("Subscribing an Amazon SQS queue to an Amazon SNS topic")
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Sid": f"topic-subscription-{topic}", "Effect": "Allow", "Principal": {"AWS": "*"},
                "Action": "SQS:SendMessage", "Resource": arn, "Condition": {"ArnLike": {"aws:SourceArn": topic}}}]})})
        sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True)
        sns.set_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"], AttributeName="RawMessageDelivery",
                                        AttributeValue="true")
    role = iam.create_role(RoleName=f"{prefix}ProcessOrderRole", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as zf:
        zf.writestr("app.py", "def lambda_handler(e, c):\n    return {'statusCode': 200, 'body': '{}'}\n")
    fn = lam.create_function(FunctionName=f"{prefix}ProcessOrder", Runtime=runtime, Role=role,
                             Handler="app.lambda_handler", Code={"ZipFile": code.getvalue()}, Timeout=10,
                             Environment={"Variables": {"TABLE_NAME": f"{prefix}Orders", "TOPIC_ARN": topic}})
    logs.create_log_group(logGroupName=f"/aws/lambda/{prefix}ProcessOrder")
    api = apigw.create_rest_api(name=f"{prefix}OrdersAPI")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    orders = apigw.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
    apigw.put_method(restApiId=api, resourceId=orders, httpMethod="POST", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=orders, httpMethod="POST", type="AWS_PROXY",
                          integrationHttpMethod="POST",
                          uri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{fn['FunctionArn']}/invocations")
    lam.add_permission(FunctionName=f"{prefix}ProcessOrder", StatementId="console-generated-1234",
                       Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:{REGION}:123456789012:{api}/*/POST/orders")
    if deploy:
        apigw.create_deployment(restApiId=api, stageName="prod")


def test_a_workshop_built_entirely_by_hand_passes_its_resource_checks(aws: None) -> None:
    build_by_hand()
    results = verify()
    assert all(r.ok for r in results.values()), {k: (r.detail, r.fix) for k, r in results.items() if not r.ok}
    assert len(results) == 11


def test_each_students_resources_are_found_under_their_prefix(aws: None) -> None:
    build_by_hand(prefix="bob-")
    assert all(r.ok for r in verify("bob").values())
    assert not any(r.ok for k, r in verify("alice").items() if k in ("orders_table", "process_order"))


def test_a_fifo_queue_is_reported_with_the_console_fix(aws: None) -> None:
    build_by_hand(fifo=True, subscribe=False)
    queue = verify()["processing_queue"]
    assert not queue.ok and queue.step == "queue"
    assert queue.fix == "SQS: the queue must be Standard, not FIFO: create a Standard queue named OrderProcessingQueue"


def test_a_wrong_runtime_is_reported_with_the_console_fix(aws: None) -> None:
    build_by_hand(runtime="python3.11")
    function = verify()["process_order"]
    assert not function.ok and function.step == "function"
    assert "Lambda › Functions › ProcessOrder › Code › Runtime settings › Edit: choose Python 3.12" in function.fix


def test_a_missing_subscription_is_reported_with_the_console_fix(aws: None) -> None:
    build_by_hand(subscribe=False)
    subscription = verify()["queue_subscription"]
    assert not subscription.ok
    assert subscription.fix == ("SNS › Topics › the topic › Create subscription: protocol sqs, "
                                "endpoint OrderProcessingQueue")


def test_an_undeployed_stage_is_reported_with_the_console_fix(aws: None) -> None:
    build_by_hand(deploy=False)
    stage = verify()["stage"]
    assert not stage.ok and stage.step == "api"
    assert stage.fix == "API Gateway: the stage is not deployed: Deploy API › New stage › prod"


def test_a_missing_stream_trigger_is_reported_with_the_console_fix(aws: None) -> None:
    from codecraft_cli.engine.deploy import Deployer
    from codecraft_cli.engine.executor import Executor
    from codecraft_cli.engine.session import state_for

    jobs = load_workshop("job-events")
    ctx = DeployContext(jobs, Target("aws", REGION), Clients(Target("aws", REGION)))
    Deployer(ctx, state_for(ctx), Executor(ctx, sleep=lambda s: None)).setup()
    client = boto3.client("lambda", region_name=REGION)
    (esm,) = client.list_event_source_mappings(FunctionName="Worker")["EventSourceMappings"]
    client.delete_event_source_mapping(UUID=esm["UUID"])
    (trigger,) = [r for r in run_checks(ctx, wait_seconds=0, by_hand=True) if r.check == "stream_trigger"]
    assert not trigger.ok and trigger.fix == "Lambda › Worker › Add trigger › DynamoDB: Jobs"
