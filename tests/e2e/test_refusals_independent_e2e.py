"""An independent probe: requests the AWS API references document as refused, sent with
client-side validation off to the running emulator; each must be refused with AWS's code.

Written from the AWS pages cited per probe (not from codecraft's rules or its own refusal test).
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import boto3
import botocore.config
import botocore.exceptions
import pytest

pytestmark = pytest.mark.e2e

SUFFIX = uuid.uuid4().hex[:8]
ACCOUNT = "123456789012"
TRUST_LAMBDA = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
POLICY_OK = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})


def client(emulator: dict[str, Any], service: str) -> Any:
    return boto3.client(service, endpoint_url=emulator["endpoint"], region_name="us-east-1",
                        aws_access_key_id="x", aws_secret_access_key="y",
                        config=botocore.config.Config(parameter_validation=False,
                                                      retries={"max_attempts": 1}))


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


@pytest.fixture(scope="module")
def ctx(emulator: dict[str, Any]) -> dict[str, Any]:
    """Resources some probes need to exist (created the way AWS accepts them)."""
    c: dict[str, Any] = {}
    iam = client(emulator, "iam")
    role = iam.create_role(RoleName=f"probe-role-{SUFFIX}", AssumeRolePolicyDocument=TRUST_LAMBDA)["Role"]
    c["role"], c["role_arn"] = role["RoleName"], role["Arn"]
    pol = iam.create_policy(PolicyName=f"probe-pol-{SUFFIX}", PolicyDocument=POLICY_OK)["Policy"]
    iam.attach_role_policy(RoleName=c["role"], PolicyArn=pol["Arn"])
    c["policy_arn"] = pol["Arn"]
    lam = client(emulator, "lambda")
    c["function"] = f"probe-fn-{SUFFIX}"
    lam.create_function(FunctionName=c["function"], Runtime="python3.12", Role=c["role_arn"],
                        Handler="app.handler", Code={"ZipFile": _zip()}, Timeout=30)
    lam.add_permission(FunctionName=c["function"], StatementId="s3-invoke", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com")
    sqs = client(emulator, "sqs")
    c["queue_url"] = sqs.create_queue(QueueName=f"probe-q-{SUFFIX}")["QueueUrl"]
    c["queue_arn"] = sqs.get_queue_attributes(QueueUrl=c["queue_url"], AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    s3 = client(emulator, "s3")
    c["bucket"] = f"probe-bucket-{SUFFIX}"
    s3.create_bucket(Bucket=c["bucket"])
    s3.put_object(Bucket=c["bucket"], Key="k.txt", Body=b"x")
    ddb = client(emulator, "dynamodb")
    c["table"] = f"probe-table-{SUFFIX}"
    ddb.create_table(TableName=c["table"], BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    sns = client(emulator, "sns")
    c["topic_arn"] = sns.create_topic(Name=f"probe-topic-{SUFFIX}")["TopicArn"]
    apigw = client(emulator, "apigateway")
    api = apigw.create_rest_api(name=f"probe-api-{SUFFIX}")
    c["api_id"] = api["id"]
    c["root_id"] = [r for r in apigw.get_resources(restApiId=api["id"])["items"] if r["path"] == "/"][0]["id"]
    c["res_id"] = apigw.create_resource(restApiId=api["id"], parentId=c["root_id"], pathPart="orders")["id"]
    empty = apigw.create_rest_api(name=f"probe-empty-{SUFFIX}")
    c["empty_api_id"] = empty["id"]
    sm = client(emulator, "secretsmanager")
    c["secret"] = f"probe/secret-{SUFFIX}"
    sm.create_secret(Name=c["secret"], SecretString="s3cret")
    idp = client(emulator, "cognito-idp")
    c["pool_id"] = idp.create_user_pool(PoolName=f"probe-pool-{SUFFIX}")["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=c["pool_id"], Username="alice", TemporaryPassword="Passw0rd!Temp")
    logs = client(emulator, "logs")
    c["log_group"] = f"/probe/{SUFFIX}"
    logs.create_log_group(logGroupName=c["log_group"])
    ec2 = client(emulator, "ec2")
    c["vpc_id"] = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    c["sg_name"] = f"probe-sg-{SUFFIX}"
    c["sg_id"] = ec2.create_security_group(GroupName=c["sg_name"], Description="probe group",
                                           VpcId=c["vpc_id"])["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=c["sg_id"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [c["vpc_id"]]},
                                                    {"Name": "group-name", "Values": ["default"]}])
    c["default_sg_id"] = default["SecurityGroups"][0]["GroupId"]
    return c


P = Callable[[dict[str, Any]], dict[str, Any]]


def _p(d: dict[str, Any]) -> P:
    return lambda c: d


def sg_perm(**kw: Any) -> dict[str, Any]:
    perm = {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
    perm.update(kw)
    return perm


def fn(**kw: Any) -> P:
    def build(c: dict[str, Any]) -> dict[str, Any]:
        base: dict[str, Any] = {"FunctionName": f"probe-new-{SUFFIX}", "Runtime": "python3.12",
                                "Role": c["role_arn"], "Handler": "app.handler", "Code": {"ZipFile": _zip()}}
        base.update(kw)
        return base
    return build


def db(**kw: Any) -> P:
    base: dict[str, Any] = {"DBInstanceIdentifier": f"probe-db-{SUFFIX}", "DBInstanceClass": "db.t3.micro",
                            "Engine": "mysql", "MasterUsername": "admin", "MasterUserPassword": "Sup3rSecret",
                            "AllocatedStorage": 20}
    base.update(kw)
    return _p(base)


def pool(**kw: Any) -> P:
    base: dict[str, Any] = {"PoolName": f"probe-newpool-{SUFFIX}"}
    base.update(kw)
    return _p(base)


def pool_client(**kw: Any) -> P:
    def build(c: dict[str, Any]) -> dict[str, Any]:
        base: dict[str, Any] = {"UserPoolId": c["pool_id"], "ClientName": "probe-client"}
        base.update(kw)
        return base
    return build


def table(**kw: Any) -> P:
    base: dict[str, Any] = {"TableName": f"probe-newtable-{SUFFIX}", "BillingMode": "PAY_PER_REQUEST",
                            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}
    base.update(kw)
    return _p(base)


def queue_attrs(**attrs: str) -> P:
    return _p({"QueueName": f"probe-newq-{SUFFIX}", "Attributes": attrs})


SQS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html"
SQS_BATCH = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html"
SQS_SEND = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html"
SQS_RECV = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html"
SQS_SETATTR = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html"
LAMBDA = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html"
LAMBDA_RUNTIMES = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"
LAMBDA_ENV = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html"
LAMBDA_PERM = "https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html"
LAMBDA_ESM = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html"
LAMBDA_UPD = "https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html"
IAM_ROLE = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"
IAM_POLICY = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html"
IAM_PUT = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html"
IAM_DEL = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html"
IAM_DELPOL = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html"
IAM_ATTACH = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html"
S3_NAMES = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"
S3_CREATE = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html"
S3_DEL = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html"
S3_KEYS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html"
S3_TAGS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html"
S3_ERR = "https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html"
DDB = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html"
DDB_PUT = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html"
DDB_BATCH = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html"
DDB_NAMES = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html"
DDB_DEL = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html"
SNS = "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"
SNS_SUB = "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html"
SNS_PUB = "https://docs.aws.amazon.com/sns/latest/api/API_Publish.html"
SNS_ATTR = "https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html"
APIGW_RES = "https://docs.aws.amazon.com/apigateway/latest/api/API_CreateResource.html"
APIGW_METHOD = "https://docs.aws.amazon.com/apigateway/latest/api/API_PutMethod.html"
APIGW_INT = "https://docs.aws.amazon.com/apigateway/latest/api/API_PutIntegration.html"
APIGW_DEL_API = "https://docs.aws.amazon.com/apigateway/latest/api/API_DeleteRestApi.html"
APIGW_DEL_RES = "https://docs.aws.amazon.com/apigateway/latest/api/API_DeleteResource.html"
APIGW_DEL_AUTH = "https://docs.aws.amazon.com/apigateway/latest/api/API_DeleteAuthorizer.html"
APIGW_DEP = "https://docs.aws.amazon.com/apigateway/latest/api/API_CreateDeployment.html"
APIGW_STAGE = "https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html"
SM = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html"
SM_DEL = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html"
SM_PUT = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html"
RDS = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"
COG = "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html"
COG_PP = "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html"
COG_CLIENT = ("https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/"
              "API_CreateUserPoolClient.html")
COG_USER = "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html"
LOGS = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"
LOGS_RET = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html"
LOGS_DEL = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html"
EC2_SG = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"
EC2_ING = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html"
EC2_ERR = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html"
EC2_DELSG = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html"
EC2_VPCE = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html"

# (id, service, operation, params, AWS's error code, page the refusal is documented on).
# Codes are as a boto3 client sees them: SQS (JSON protocol, awsQueryCompatible) reports the
# batch errors with their query-protocol names "AWS.SimpleQueueService.*"; Lambda's Timeout
# above 900 fails its input validation (ValidationException, "Member must have value less than
# or equal to 900"); EC2's code for a missing VPC is "InvalidVpcID.NotFound" (errors-overview).
PROBES: list[tuple[str, str, str, P, str, str]] = [
    # --- SQS ---
    ("sqs-name-chars", "sqs", "create_queue", _p({"QueueName": "bad name!"}), "InvalidParameterValue", SQS),
    ("sqs-name-81", "sqs", "create_queue", _p({"QueueName": "q" * 81}), "InvalidParameterValue", SQS),
    ("sqs-fifo-suffix", "sqs", "create_queue", queue_attrs(FifoQueue="true"), "InvalidParameterValue", SQS),
    ("sqs-visibility-43201", "sqs", "create_queue", queue_attrs(VisibilityTimeout="43201"),
     "InvalidAttributeValue", SQS),
    ("sqs-retention-59", "sqs", "create_queue", queue_attrs(MessageRetentionPeriod="59"),
     "InvalidAttributeValue", SQS),
    ("sqs-retention-1209601", "sqs", "create_queue", queue_attrs(MessageRetentionPeriod="1209601"),
     "InvalidAttributeValue", SQS),
    ("sqs-delay-901", "sqs", "create_queue", queue_attrs(DelaySeconds="901"), "InvalidAttributeValue", SQS),
    ("sqs-maxsize-1023", "sqs", "create_queue", queue_attrs(MaximumMessageSize="1023"),
     "InvalidAttributeValue", SQS),
    ("sqs-wait-21", "sqs", "create_queue", queue_attrs(ReceiveMessageWaitTimeSeconds="21"),
     "InvalidAttributeValue", SQS),
    ("sqs-set-visibility-neg", "sqs", "set_queue_attributes",
     lambda c: {"QueueUrl": c["queue_url"], "Attributes": {"VisibilityTimeout": "-1"}},
     "InvalidAttributeValue", SQS_SETATTR),
    ("sqs-send-delay-901", "sqs", "send_message",
     lambda c: {"QueueUrl": c["queue_url"], "MessageBody": "x", "DelaySeconds": 901},
     "InvalidParameterValue", SQS_SEND),
    ("sqs-batch-11", "sqs", "send_message_batch",
     lambda c: {"QueueUrl": c["queue_url"], "Entries": [{"Id": f"m{i}", "MessageBody": "x"} for i in range(11)]},
     "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", SQS_BATCH),
    ("sqs-batch-dup-ids", "sqs", "send_message_batch",
     lambda c: {"QueueUrl": c["queue_url"], "Entries": [{"Id": "a", "MessageBody": "x"},
                                                        {"Id": "a", "MessageBody": "y"}]},
     "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", SQS_BATCH),
    ("sqs-batch-empty", "sqs", "send_message_batch", lambda c: {"QueueUrl": c["queue_url"], "Entries": []},
     "AWS.SimpleQueueService.EmptyBatchRequest", SQS_BATCH),
    ("sqs-receive-11", "sqs", "receive_message", lambda c: {"QueueUrl": c["queue_url"], "MaxNumberOfMessages": 11},
     "InvalidParameterValue", SQS_RECV),
    # --- Lambda ---
    ("lambda-runtime-python27", "lambda", "create_function", fn(Runtime="python2.7"),
     "InvalidParameterValueException", LAMBDA_RUNTIMES),
    ("lambda-timeout-901", "lambda", "create_function", fn(Timeout=901), "ValidationException", LAMBDA),
    ("lambda-memory-127", "lambda", "create_function", fn(MemorySize=127), "ValidationException", LAMBDA),
    ("lambda-memory-10241", "lambda", "create_function", fn(MemorySize=10241), "ValidationException", LAMBDA),
    ("lambda-env-reserved", "lambda", "create_function",
     fn(Environment={"Variables": {"AWS_REGION": "eu-west-1"}}), "InvalidParameterValueException", LAMBDA_ENV),
    ("lambda-role-not-arn", "lambda", "create_function", fn(Role="my-role"), "ValidationException", LAMBDA),
    ("lambda-name-space", "lambda", "create_function", fn(FunctionName="bad name"), "ValidationException", LAMBDA),
    ("lambda-ephemeral-511", "lambda", "create_function", fn(EphemeralStorage={"Size": 511}),
     "ValidationException", LAMBDA),
    ("lambda-handler-129", "lambda", "create_function", fn(Handler="h" * 129), "ValidationException", LAMBDA),
    ("lambda-exists", "lambda", "create_function", lambda c: fn(FunctionName=c["function"])(c),
     "ResourceConflictException", LAMBDA),
    ("lambda-update-timeout-0", "lambda", "update_function_configuration",
     lambda c: {"FunctionName": c["function"], "Timeout": 0}, "ValidationException", LAMBDA_UPD),
    ("lambda-update-timeout-901", "lambda", "update_function_configuration",
     lambda c: {"FunctionName": c["function"], "Timeout": 901}, "ValidationException", LAMBDA_UPD),
    ("lambda-permission-dup-sid", "lambda", "add_permission",
     lambda c: {"FunctionName": c["function"], "StatementId": "s3-invoke", "Action": "lambda:InvokeFunction",
                "Principal": "s3.amazonaws.com"}, "ResourceConflictException", LAMBDA_PERM),
    ("lambda-esm-sqs-batch-11", "lambda", "create_event_source_mapping",
     lambda c: {"FunctionName": c["function"], "EventSourceArn": c["queue_arn"], "BatchSize": 11},
     "InvalidParameterValueException", LAMBDA_ESM),
    # --- IAM ---
    ("iam-role-name-65", "iam", "create_role",
     _p({"RoleName": "r" * 65, "AssumeRolePolicyDocument": TRUST_LAMBDA}), "ValidationError", IAM_ROLE),
    ("iam-role-trust-not-json", "iam", "create_role",
     _p({"RoleName": f"probe-r2-{SUFFIX}", "AssumeRolePolicyDocument": "{not json"}),
     "MalformedPolicyDocument", IAM_ROLE),
    ("iam-role-session-43201", "iam", "create_role",
     _p({"RoleName": f"probe-r3-{SUFFIX}", "AssumeRolePolicyDocument": TRUST_LAMBDA, "MaxSessionDuration": 43201}),
     "ValidationError", IAM_ROLE),
    ("iam-role-path-no-slash", "iam", "create_role",
     _p({"RoleName": f"probe-r4-{SUFFIX}", "AssumeRolePolicyDocument": TRUST_LAMBDA, "Path": "service"}),
     "ValidationError", IAM_ROLE),
    ("iam-role-description-1001", "iam", "create_role",
     _p({"RoleName": f"probe-r5-{SUFFIX}", "AssumeRolePolicyDocument": TRUST_LAMBDA, "Description": "d" * 1001}),
     "ValidationError", IAM_ROLE),
    ("iam-role-exists", "iam", "create_role",
     lambda c: {"RoleName": c["role"], "AssumeRolePolicyDocument": TRUST_LAMBDA}, "EntityAlreadyExists", IAM_ROLE),
    ("iam-policy-bad-effect", "iam", "create_policy",
     _p({"PolicyName": f"probe-p2-{SUFFIX}", "PolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": [
         {"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "*"}]})}), "MalformedPolicyDocument", IAM_POLICY),
    ("iam-policy-name-space", "iam", "create_policy",
     _p({"PolicyName": "bad name", "PolicyDocument": POLICY_OK}), "ValidationError", IAM_POLICY),
    ("iam-inline-no-action", "iam", "put_role_policy",
     lambda c: {"RoleName": c["role"], "PolicyName": "inline", "PolicyDocument": json.dumps(
         {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]})},
     "MalformedPolicyDocument", IAM_PUT),
    ("iam-delete-role-attached", "iam", "delete_role", lambda c: {"RoleName": c["role"]}, "DeleteConflict", IAM_DEL),
    ("iam-delete-policy-attached", "iam", "delete_policy", lambda c: {"PolicyArn": c["policy_arn"]},
     "DeleteConflict", IAM_DELPOL),
    ("iam-attach-missing-policy", "iam", "attach_role_policy",
     lambda c: {"RoleName": c["role"], "PolicyArn": "arn:aws:iam::aws:policy/NoSuchPolicyProbe"},
     "NoSuchEntity", IAM_ATTACH),
    # --- S3 ---
    ("s3-name-upper", "s3", "create_bucket", _p({"Bucket": "Probe-Upper"}), "InvalidBucketName", S3_NAMES),
    ("s3-name-short", "s3", "create_bucket", _p({"Bucket": "ab"}), "InvalidBucketName", S3_NAMES),
    ("s3-name-ip", "s3", "create_bucket", _p({"Bucket": "192.168.5.4"}), "InvalidBucketName", S3_NAMES),
    ("s3-name-xn-prefix", "s3", "create_bucket", _p({"Bucket": f"xn--probe-{SUFFIX}"}), "InvalidBucketName",
     S3_NAMES),
    ("s3-name-s3alias", "s3", "create_bucket", _p({"Bucket": f"probe-{SUFFIX}-s3alias"}), "InvalidBucketName",
     S3_NAMES),
    ("s3-name-double-dot", "s3", "create_bucket", _p({"Bucket": "probe..dots"}), "InvalidBucketName", S3_NAMES),
    ("s3-location-us-east-1", "s3", "create_bucket",
     _p({"Bucket": f"probe-loc-{SUFFIX}", "CreateBucketConfiguration": {"LocationConstraint": "us-east-1"}}),
     "InvalidLocationConstraint", S3_CREATE),
    ("s3-delete-not-empty", "s3", "delete_bucket", lambda c: {"Bucket": c["bucket"]}, "BucketNotEmpty", S3_DEL),
    ("s3-key-1025", "s3", "put_object", lambda c: {"Bucket": c["bucket"], "Key": "k" * 1025, "Body": b"x"},
     "KeyTooLongError", S3_KEYS),
    ("s3-object-tags-11", "s3", "put_object_tagging",
     lambda c: {"Bucket": c["bucket"], "Key": "k.txt",
                "Tagging": {"TagSet": [{"Key": f"t{i}", "Value": "v"} for i in range(11)]}},
     "BadRequest", S3_TAGS),
    # --- DynamoDB ---
    ("ddb-table-name-2", "dynamodb", "create_table", table(TableName="ab"), "ValidationException", DDB_NAMES),
    ("ddb-key-not-defined", "dynamodb", "create_table",
     table(KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}]), "ValidationException", DDB),
    ("ddb-provisioned-no-throughput", "dynamodb", "create_table", table(BillingMode="PROVISIONED"),
     "ValidationException", DDB),
    ("ddb-ondemand-with-throughput", "dynamodb", "create_table",
     table(ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}), "ValidationException", DDB),
    ("ddb-unused-attribute", "dynamodb", "create_table",
     table(AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "extra", "AttributeType": "S"}]), "ValidationException", DDB),
    ("ddb-two-hash-keys", "dynamodb", "create_table",
     table(AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "S"}],
           KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "HASH"}]),
     "ValidationException", DDB),
    ("ddb-table-exists", "dynamodb", "create_table", lambda c: table(TableName=c["table"])(c),
     "ResourceInUseException", DDB),
    ("ddb-put-missing-key", "dynamodb", "put_item",
     lambda c: {"TableName": c["table"], "Item": {"other": {"S": "x"}}}, "ValidationException", DDB_PUT),
    ("ddb-put-key-type", "dynamodb", "put_item",
     lambda c: {"TableName": c["table"], "Item": {"pk": {"N": "1"}}}, "ValidationException", DDB_PUT),
    ("ddb-put-empty-key", "dynamodb", "put_item",
     lambda c: {"TableName": c["table"], "Item": {"pk": {"S": ""}}}, "ValidationException", DDB_PUT),
    ("ddb-batch-26", "dynamodb", "batch_write_item",
     lambda c: {"RequestItems": {c["table"]: [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}} for i in range(26)]}},
     "ValidationException", DDB_BATCH),
    ("ddb-delete-missing", "dynamodb", "delete_table", _p({"TableName": f"probe-missing-{SUFFIX}"}),
     "ResourceNotFoundException", DDB_DEL),
    # --- SNS ---
    ("sns-name-chars", "sns", "create_topic", _p({"Name": "bad name!"}), "InvalidParameter", SNS),
    ("sns-name-257", "sns", "create_topic", _p({"Name": "t" * 257}), "InvalidParameter", SNS),
    ("sns-fifo-suffix", "sns", "create_topic",
     _p({"Name": f"probe-fifo-{SUFFIX}", "Attributes": {"FifoTopic": "true"}}), "InvalidParameter", SNS),
    ("sns-protocol-unknown", "sns", "subscribe",
     lambda c: {"TopicArn": c["topic_arn"], "Protocol": "pigeon", "Endpoint": "x"}, "InvalidParameter", SNS_SUB),
    ("sns-sqs-endpoint-not-arn", "sns", "subscribe",
     lambda c: {"TopicArn": c["topic_arn"], "Protocol": "sqs", "Endpoint": "my-queue"}, "InvalidParameter", SNS_SUB),
    ("sns-publish-missing-topic", "sns", "publish",
     _p({"TopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:probe-missing-{SUFFIX}", "Message": "x"}), "NotFound",
     SNS_PUB),
    ("sns-attr-unknown", "sns", "set_topic_attributes",
     lambda c: {"TopicArn": c["topic_arn"], "AttributeName": "Bogus", "AttributeValue": "x"},
     "InvalidParameter", SNS_ATTR),
    # --- API Gateway (REST) ---
    ("apigw-path-part-space", "apigateway", "create_resource",
     lambda c: {"restApiId": c["api_id"], "parentId": c["root_id"], "pathPart": "bad path"},
     "BadRequestException", APIGW_RES),
    ("apigw-path-part-dup", "apigateway", "create_resource",
     lambda c: {"restApiId": c["api_id"], "parentId": c["root_id"], "pathPart": "orders"},
     "ConflictException", APIGW_RES),
    ("apigw-method-auth-type", "apigateway", "put_method",
     lambda c: {"restApiId": c["api_id"], "resourceId": c["res_id"], "httpMethod": "GET",
                "authorizationType": "BOGUS"}, "BadRequestException", APIGW_METHOD),
    ("apigw-integration-no-method", "apigateway", "put_integration",
     lambda c: {"restApiId": c["api_id"], "resourceId": c["res_id"], "httpMethod": "DELETE", "type": "MOCK"},
     "NotFoundException", APIGW_INT),
    ("apigw-delete-missing-api", "apigateway", "delete_rest_api", _p({"restApiId": "nope123456"}),
     "NotFoundException", APIGW_DEL_API),
    ("apigw-delete-missing-resource", "apigateway", "delete_resource",
     lambda c: {"restApiId": c["api_id"], "resourceId": "nope12"}, "NotFoundException", APIGW_DEL_RES),
    ("apigw-delete-missing-authorizer", "apigateway", "delete_authorizer",
     lambda c: {"restApiId": c["api_id"], "authorizerId": "nope12"}, "NotFoundException", APIGW_DEL_AUTH),
    ("apigw-deploy-no-methods", "apigateway", "create_deployment",
     lambda c: {"restApiId": c["empty_api_id"], "stageName": "prod"}, "BadRequestException", APIGW_DEP),
    ("apigw-stage-name-chars", "apigateway", "create_deployment",
     lambda c: {"restApiId": c["api_id"], "stageName": "bad stage!"}, "BadRequestException", APIGW_STAGE),
    # --- Secrets Manager ---
    ("sm-string-and-binary", "secretsmanager", "create_secret",
     _p({"Name": f"probe-both-{SUFFIX}", "SecretString": "a", "SecretBinary": b"b"}),
     "InvalidParameterException", SM),
    ("sm-exists", "secretsmanager", "create_secret", lambda c: {"Name": c["secret"], "SecretString": "x"},
     "ResourceExistsException", SM),
    ("sm-recovery-6", "secretsmanager", "delete_secret",
     lambda c: {"SecretId": c["secret"], "RecoveryWindowInDays": 6}, "InvalidParameterException", SM_DEL),
    ("sm-recovery-31", "secretsmanager", "delete_secret",
     lambda c: {"SecretId": c["secret"], "RecoveryWindowInDays": 31}, "InvalidParameterException", SM_DEL),
    ("sm-force-and-window", "secretsmanager", "delete_secret",
     lambda c: {"SecretId": c["secret"], "RecoveryWindowInDays": 7, "ForceDeleteWithoutRecovery": True},
     "InvalidParameterException", SM_DEL),
    ("sm-put-string-and-binary", "secretsmanager", "put_secret_value",
     lambda c: {"SecretId": c["secret"], "SecretString": "a", "SecretBinary": b"b"},
     "InvalidParameterException", SM_PUT),
    # --- RDS ---
    ("rds-id-starts-digit", "rds", "create_db_instance", db(DBInstanceIdentifier="1probe"),
     "InvalidParameterValue", RDS),
    ("rds-id-double-hyphen", "rds", "create_db_instance", db(DBInstanceIdentifier="probe--db"),
     "InvalidParameterValue", RDS),
    ("rds-id-trailing-hyphen", "rds", "create_db_instance", db(DBInstanceIdentifier="probe-db-"),
     "InvalidParameterValue", RDS),
    ("rds-password-7", "rds", "create_db_instance", db(MasterUserPassword="Short12"), "InvalidParameterValue", RDS),
    ("rds-password-slash", "rds", "create_db_instance", db(MasterUserPassword="Bad/Password1"),
     "InvalidParameterValue", RDS),
    ("rds-password-at", "rds", "create_db_instance", db(MasterUserPassword="Bad@Password1"),
     "InvalidParameterValue", RDS),
    ("rds-username-digit", "rds", "create_db_instance", db(MasterUsername="1admin"), "InvalidParameterValue", RDS),
    ("rds-username-17", "rds", "create_db_instance", db(MasterUsername="a" * 17), "InvalidParameterValue", RDS),
    ("rds-backup-36", "rds", "create_db_instance", db(BackupRetentionPeriod=36), "InvalidParameterValue", RDS),
    ("rds-storage-19", "rds", "create_db_instance", db(AllocatedStorage=19), "InvalidParameterValue", RDS),
    # --- Cognito user pools ---
    ("cognito-pool-name-chars", "cognito-idp", "create_user_pool", pool(PoolName="bad#name"),
     "InvalidParameterException", COG),
    ("cognito-password-min-5", "cognito-idp", "create_user_pool",
     pool(Policies={"PasswordPolicy": {"MinimumLength": 5}}), "InvalidParameterException", COG_PP),
    ("cognito-password-min-100", "cognito-idp", "create_user_pool",
     pool(Policies={"PasswordPolicy": {"MinimumLength": 100}}), "InvalidParameterException", COG_PP),
    ("cognito-temp-validity-366", "cognito-idp", "create_user_pool",
     pool(Policies={"PasswordPolicy": {"MinimumLength": 8, "TemporaryPasswordValidityDays": 366}}),
     "InvalidParameterException", COG_PP),
    ("cognito-client-auth-flow", "cognito-idp", "create_user_pool_client",
     pool_client(ExplicitAuthFlows=["BOGUS_FLOW"]), "InvalidParameterException", COG_CLIENT),
    ("cognito-client-http-callback", "cognito-idp", "create_user_pool_client",
     pool_client(CallbackURLs=["http://example.com/cb"], AllowedOAuthFlows=["code"],
                 AllowedOAuthScopes=["openid"], AllowedOAuthFlowsUserPoolClient=True,
                 SupportedIdentityProviders=["COGNITO"]), "InvalidParameterException", COG_CLIENT),
    ("cognito-client-access-25h", "cognito-idp", "create_user_pool_client",
     pool_client(AccessTokenValidity=25, TokenValidityUnits={"AccessToken": "hours"}),
     "InvalidParameterException", COG_CLIENT),
    ("cognito-user-exists", "cognito-idp", "admin_create_user",
     lambda c: {"UserPoolId": c["pool_id"], "Username": "alice"}, "UsernameExistsException", COG_USER),
    # --- CloudWatch Logs ---
    ("logs-name-chars", "logs", "create_log_group", _p({"logGroupName": "bad name!"}),
     "InvalidParameterException", LOGS),
    ("logs-name-513", "logs", "create_log_group", _p({"logGroupName": "g" * 513}), "InvalidParameterException", LOGS),
    ("logs-exists", "logs", "create_log_group", lambda c: {"logGroupName": c["log_group"]},
     "ResourceAlreadyExistsException", LOGS),
    ("logs-retention-8", "logs", "put_retention_policy",
     lambda c: {"logGroupName": c["log_group"], "retentionInDays": 8}, "InvalidParameterException", LOGS_RET),
    ("logs-delete-missing", "logs", "delete_log_group", _p({"logGroupName": f"/probe/missing-{SUFFIX}"}),
     "ResourceNotFoundException", LOGS_DEL),
    # --- EC2: security groups, VPC endpoints ---
    ("ec2-sg-name-sg-prefix", "ec2", "create_security_group",
     lambda c: {"GroupName": "sg-probe", "Description": "d", "VpcId": c["vpc_id"]}, "InvalidParameterValue", EC2_SG),
    ("ec2-sg-description-accent", "ec2", "create_security_group",
     lambda c: {"GroupName": f"probe-acc-{SUFFIX}", "Description": "caf\u00e9", "VpcId": c["vpc_id"]},
     "InvalidParameterValue", EC2_SG),
    ("ec2-sg-name-256", "ec2", "create_security_group",
     lambda c: {"GroupName": "g" * 256, "Description": "d", "VpcId": c["vpc_id"]}, "InvalidParameterValue", EC2_SG),
    ("ec2-sg-duplicate", "ec2", "create_security_group",
     lambda c: {"GroupName": c["sg_name"], "Description": "d", "VpcId": c["vpc_id"]}, "InvalidGroup.Duplicate",
     EC2_ERR),
    ("ec2-ingress-port-70000", "ec2", "authorize_security_group_ingress",
     lambda c: {"GroupId": c["sg_id"], "IpPermissions": [sg_perm(FromPort=70000, ToPort=70000)]},
     "InvalidParameterValue", EC2_ING),
    ("ec2-ingress-cidr-33", "ec2", "authorize_security_group_ingress",
     lambda c: {"GroupId": c["sg_id"], "IpPermissions": [sg_perm(IpRanges=[{"CidrIp": "10.0.0.0/33"}])]},
     "InvalidParameterValue", EC2_ING),
    ("ec2-ingress-from-gt-to", "ec2", "authorize_security_group_ingress",
     lambda c: {"GroupId": c["sg_id"], "IpPermissions": [sg_perm(FromPort=90, ToPort=80)]},
     "InvalidParameterValue", EC2_ING),
    ("ec2-ingress-duplicate", "ec2", "authorize_security_group_ingress",
     lambda c: {"GroupId": c["sg_id"], "IpPermissions": [sg_perm(FromPort=443, ToPort=443)]},
     "InvalidPermission.Duplicate", EC2_ERR),
    ("ec2-delete-default-sg", "ec2", "delete_security_group", lambda c: {"GroupId": c["default_sg_id"]},
     "CannotDelete", EC2_DELSG),
    ("ec2-vpce-bad-service", "ec2", "create_vpc_endpoint",
     lambda c: {"VpcId": c["vpc_id"], "ServiceName": "com.amazonaws.us-east-1.nosuchservice",
                "VpcEndpointType": "Interface"}, "InvalidServiceName", EC2_VPCE),
    ("ec2-vpce-missing-vpc", "ec2", "create_vpc_endpoint",
     _p({"VpcId": "vpc-0123456789abcdef0", "ServiceName": "com.amazonaws.us-east-1.s3",
         "VpcEndpointType": "Gateway"}), "InvalidVpcID.NotFound", EC2_ERR),
]

XFAIL: dict[str, str] = {}


def _params() -> list[Any]:
    out = []
    for probe in PROBES:
        marks = [pytest.mark.xfail(reason=XFAIL[probe[0]], strict=True)] if probe[0] in XFAIL else []
        out.append(pytest.param(*probe, id=probe[0], marks=marks))
    return out


def test_probes_are_distinct() -> None:
    ids = [p[0] for p in PROBES]
    assert len(ids) == len(set(ids)) and len(ids) >= 60


@pytest.mark.parametrize(("name", "service", "operation", "params", "code", "page"), _params())
def test_refused_as_aws_documents(emulator: dict[str, Any], ctx: dict[str, Any], name: str, service: str,
                                  operation: str, params: P, code: str, page: str) -> None:
    call = getattr(client(emulator, service), operation)
    with pytest.raises(botocore.exceptions.ClientError) as refused:
        call(**params(ctx))
    got = refused.value.response["Error"]["Code"]
    assert got == code, f"{name}: AWS answers {code} ({page}); the emulator answered {got}: {refused.value}"
