"""The emulator refuses what AWS refuses, with AWS's error code: a broad probe, as a student's
SDK would send it (boto3 with its client-side validation off), across the twelve services the
workshops use.

Every expected code is the one AWS documents for that request (the operation's API reference
page named in the probe's comment, its "Errors" section, or the service's "Common Errors"
page); none is taken from codecraft. Valid requests made here to build the probes' world
(a role, a function, queues, a table, an API...) must all be accepted.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

pytestmark = pytest.mark.e2e

ACCOUNT = "123456789012"
TRUST_LAMBDA = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
TRUST_EC2 = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def client(emulator: dict[str, Any], service: str) -> Any:
    return boto3.client(service, endpoint_url=emulator["endpoint"], region_name="us-east-1",
                        aws_access_key_id="x", aws_secret_access_key="y",
                        config=Config(parameter_validation=False, retries={"max_attempts": 1}))


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


@dataclass
class World:
    """What the probes refer to, built with valid requests."""

    role: str
    ec2_role: str
    function: str
    short_queue_arn: str
    short_queue_url: str
    group_id: str
    api_id: str
    root_id: str
    pool_id: str


@pytest.fixture(scope="module")
def world(emulator: dict[str, Any]) -> World:
    iam, lam, sqs = client(emulator, "iam"), client(emulator, "lambda"), client(emulator, "sqs")
    role = iam.create_role(RoleName="probe-lambda-role", AssumeRolePolicyDocument=TRUST_LAMBDA)["Role"]["Arn"]
    ec2_role = iam.create_role(RoleName="probe-ec2-role", AssumeRolePolicyDocument=TRUST_EC2)["Role"]["Arn"]
    # an SQS trigger needs these on the execution role (with-sqs.html, "Execution role permissions")
    iam.put_role_policy(RoleName="probe-lambda-role", PolicyName="sqs-trigger", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
            "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]}]}))
    lam.create_function(FunctionName="probe-fn", Runtime="python3.12", Role=role, Handler="app.handler",
                        Code={"ZipFile": zipped()}, Timeout=30)
    lam.add_permission(FunctionName="probe-fn", StatementId="s3-invoke", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com")
    short = sqs.create_queue(QueueName="probe-short-visibility", Attributes={"VisibilityTimeout": "10"})
    short_arn = sqs.get_queue_attributes(QueueUrl=short["QueueUrl"], AttributeNames=["QueueArn"])
    recreated = sqs.create_queue(QueueName="probe-recreated")["QueueUrl"]
    sqs.delete_queue(QueueUrl=recreated)
    group = client(emulator, "ec2").create_security_group(GroupName="probe-sg", Description="Probe group (valid)")
    client(emulator, "s3").create_bucket(Bucket="probe-bucket")
    client(emulator, "dynamodb").create_table(
        TableName="probe-table", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    apigw = client(emulator, "apigateway")
    api = apigw.create_rest_api(name="probe-api")["id"]
    root = next(r["id"] for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/")
    pool = client(emulator, "cognito-idp").create_user_pool(PoolName="probe-pool", DeletionProtection="ACTIVE")
    secrets = client(emulator, "secretsmanager")
    secrets.create_secret(Name="probe-scheduled", SecretString="x")
    secrets.delete_secret(SecretId="probe-scheduled", RecoveryWindowInDays=7)
    client(emulator, "logs").create_log_group(logGroupName="probe-logs")
    client(emulator, "logs").create_log_stream(logGroupName="probe-logs", logStreamName="s")
    return World(role, ec2_role, "probe-fn", short_arn["Attributes"]["QueueArn"], short["QueueUrl"],
                 group["GroupId"], api, root,
                 pool["UserPool"]["Id"])


Args = dict[str, Any] | Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Probe:
    name: str
    service: str
    operation: str  # boto3's method name
    args: Args
    code: str  # the error code AWS documents


def fn(world: World, **extra: Any) -> dict[str, Any]:
    return {"FunctionName": "probe-new", "Runtime": "python3.12", "Role": world.role, "Handler": "app.handler",
            "Code": {"ZipFile": zipped()}, **extra}


def ingress(world: World, **perm: Any) -> dict[str, Any]:
    return {"GroupId": world.group_id, "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                                                          "IpRanges": [{"CidrIp": "0.0.0.0/0"}], **perm}]}


def db(**extra: Any) -> dict[str, Any]:
    return {"DBInstanceIdentifier": "probe-db", "Engine": "mysql", "DBInstanceClass": "db.t3.micro",
            "MasterUsername": "admin", "MasterUserPassword": "Secret-123", "AllocatedStorage": 20, **extra}


def table(**extra: Any) -> dict[str, Any]:
    return {"TableName": "probe-other", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST", **extra}


TRUST_WITH_RESOURCE = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole",
     "Resource": "*"}]})
POLICY_WITH_PRINCIPAL = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]})
POLICY_NO_VENDOR = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]})
POLICY_BAD_VERSION = json.dumps({"Version": "2012-10-18", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
OVERLAP = {"LambdaFunctionConfigurations": [
    {"LambdaFunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:probe-fn", "Events": ["s3:ObjectCreated:*"],
     "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "uploads/"}]}}},
    {"LambdaFunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:probe-fn", "Events": ["s3:ObjectCreated:Put"],
     "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "uploads/images/"}]}}}]}
Q = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/probe-short-visibility"  # a URL, not the ARN SNS needs


def queue_url(world: World) -> str:
    return world.short_queue_url


PROBES = [
    # --- EC2: API_CreateSecurityGroup.html (GroupName, GroupDescription constraints: a-zA-Z0-9 and
    # ._-:/()#,@[]+=&;{}!$*, cannot start with sg-), API_IpPermission.html, errors-overview.html
    Probe("sg description with an apostrophe", "ec2", "create_security_group",
          {"GroupName": "p1", "Description": "Students' web servers"}, "InvalidParameterValue"),
    Probe("sg description not ASCII", "ec2", "create_security_group",
          {"GroupName": "p2", "Description": "Sécurité"}, "InvalidParameterValue"),
    Probe("sg name starting with sg-", "ec2", "create_security_group",
          {"GroupName": "sg-web", "Description": "web"}, "InvalidParameterValue"),
    Probe("sg name over 255 characters", "ec2", "create_security_group",
          {"GroupName": "g" * 256, "Description": "web"}, "InvalidParameterValue"),
    Probe("sg without a description", "ec2", "create_security_group", {"GroupName": "p3"}, "MissingParameter"),
    Probe("ingress port above 65535", "ec2", "authorize_security_group_ingress",
          lambda w: ingress(w, FromPort=80, ToPort=70000), "InvalidParameterValue"),
    Probe("ingress from-port above to-port", "ec2", "authorize_security_group_ingress",
          lambda w: ingress(w, FromPort=443, ToPort=80), "InvalidParameterValue"),
    Probe("ingress CIDR /33", "ec2", "authorize_security_group_ingress",
          lambda w: ingress(w, IpRanges=[{"CidrIp": "10.0.0.0/33"}]), "InvalidParameterValue"),
    Probe("ingress unknown protocol", "ec2", "authorize_security_group_ingress",
          lambda w: ingress(w, IpProtocol="http"), "InvalidParameterValue"),
    Probe("ingress rule description with an apostrophe", "ec2", "authorize_security_group_ingress",
          lambda w: ingress(w, IpRanges=[{"CidrIp": "0.0.0.0/0", "Description": "students' access"}]),
          "InvalidParameterValue"),
    Probe("ingress without a group", "ec2", "authorize_security_group_ingress",
          {"IpPermissions": [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80}]}, "MissingParameter"),
    # --- SQS: API_CreateQueue.html, API_SetQueueAttributes.html, API_SendMessage(Batch).html,
    # API_ReceiveMessage.html, API_DeleteQueue.html ("wait at least 60 seconds")
    Probe("queue name with a space", "sqs", "create_queue", {"QueueName": "my queue"}, "InvalidParameterValue"),
    Probe("queue name of 81 characters", "sqs", "create_queue", {"QueueName": "q" * 81}, "InvalidParameterValue"),
    Probe("FIFO queue without .fifo", "sqs", "create_queue",
          {"QueueName": "orders", "Attributes": {"FifoQueue": "true"}}, "InvalidParameterValue"),
    Probe("visibility timeout above 12 hours", "sqs", "create_queue",
          {"QueueName": "p-vis", "Attributes": {"VisibilityTimeout": "43201"}}, "InvalidAttributeValue"),
    Probe("retention below 60 s", "sqs", "create_queue",
          {"QueueName": "p-ret", "Attributes": {"MessageRetentionPeriod": "30"}}, "InvalidAttributeValue"),
    Probe("unknown queue attribute", "sqs", "create_queue",
          {"QueueName": "p-attr", "Attributes": {"Visibility": "30"}}, "InvalidAttributeName"),
    Probe("redrive maxReceiveCount 0", "sqs", "create_queue",
          {"QueueName": "p-redrive", "Attributes": {"RedrivePolicy": json.dumps(
              {"deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:dlq", "maxReceiveCount": 0})}},
          "InvalidParameterValue"),
    Probe("queue re-created right after deletion", "sqs", "create_queue", {"QueueName": "probe-recreated"},
          "AWS.SimpleQueueService.QueueDeletedRecently"),
    Probe("message delay above 900 s", "sqs", "send_message",
          lambda w: {"QueueUrl": queue_url(w), "MessageBody": "x", "DelaySeconds": 901}, "InvalidParameterValue"),
    Probe("message with a NUL character", "sqs", "send_message",
          lambda w: {"QueueUrl": queue_url(w), "MessageBody": "a\x00b"}, "InvalidMessageContents"),
    Probe("batch of 11 messages", "sqs", "send_message_batch",
          lambda w: {"QueueUrl": queue_url(w), "Entries": [{"Id": str(i), "MessageBody": "x"} for i in range(11)]},
          "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"),
    Probe("batch with repeated ids", "sqs", "send_message_batch",
          lambda w: {"QueueUrl": queue_url(w), "Entries": [{"Id": "a", "MessageBody": "x"}] * 2},
          "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"),
    Probe("receive 11 messages", "sqs", "receive_message",
          lambda w: {"QueueUrl": queue_url(w), "MaxNumberOfMessages": 11}, "InvalidParameterValue"),
    # --- Lambda: lambda-runtimes.html (deprecation: creation blocked), configuration-envvars.html
    # (reserved keys, 4 KB), API_CreateFunction.html (Timeout <= 900, MemorySize 128-10240),
    # lambda-intro-execution-role.html, API_AddPermission.html (ResourceConflictException),
    # with-sqs.html (visibility timeout >= function timeout), API_CreateEventSourceMapping.html
    Probe("python3.9 function", "lambda", "create_function", lambda w: fn(w, Runtime="python3.9"),
          "InvalidParameterValueException"),
    Probe("python3.7 function", "lambda", "create_function", lambda w: fn(w, Runtime="python3.7"),
          "InvalidParameterValueException"),
    Probe("reserved variable AWS_REGION", "lambda", "create_function",
          lambda w: fn(w, Environment={"Variables": {"AWS_REGION": "eu-west-1"}}), "InvalidParameterValueException"),
    Probe("environment over 4 KB", "lambda", "create_function",
          lambda w: fn(w, Environment={"Variables": {"BIG": "x" * 4200}}), "InvalidParameterValueException"),
    Probe("timeout 901 s", "lambda", "create_function", lambda w: fn(w, Timeout=901), "ValidationException"),
    Probe("64 MB of memory", "lambda", "create_function", lambda w: fn(w, MemorySize=64), "ValidationException"),
    Probe("10241 MB of memory", "lambda", "create_function", lambda w: fn(w, MemorySize=10241),
          "ValidationException"),
    Probe("unknown runtime", "lambda", "create_function", lambda w: fn(w, Runtime="python3.99"),
          "ValidationException"),
    Probe("function name of 65 characters", "lambda", "create_function", lambda w: fn(w, FunctionName="f" * 65),
          "ValidationException"),
    Probe("zip function without a handler", "lambda", "create_function",
          lambda w: {k: v for k, v in fn(w).items() if k != "Handler"}, "InvalidParameterValueException"),
    Probe("role Lambda cannot assume", "lambda", "create_function", lambda w: fn(w, Role=w.ec2_role),
          "InvalidParameterValueException"),
    Probe("timeout 0 s on update", "lambda", "update_function_configuration",
          {"FunctionName": "probe-fn", "Timeout": 0}, "ValidationException"),
    Probe("same statement id twice", "lambda", "add_permission",
          {"FunctionName": "probe-fn", "StatementId": "s3-invoke", "Action": "lambda:InvokeFunction",
           "Principal": "s3.amazonaws.com"}, "ResourceConflictException"),
    Probe("SQS trigger with visibility below the function timeout", "lambda", "create_event_source_mapping",
          lambda w: {"FunctionName": "probe-fn", "EventSourceArn": w.short_queue_arn}, "InvalidParameterValueException"),
    Probe("SQS batch of 100 without a batching window", "lambda", "create_event_source_mapping",
          lambda w: {"FunctionName": "probe-fn", "EventSourceArn": w.short_queue_arn.replace("short", "other"),
                     "BatchSize": 100}, "InvalidParameterValueException"),
    Probe("SQS trigger with a starting position", "lambda", "create_event_source_mapping",
          lambda w: {"FunctionName": "probe-fn", "EventSourceArn": w.short_queue_arn.replace("short", "other"),
                     "StartingPosition": "LATEST"}, "InvalidParameterValueException"),
    # --- IAM: reference_policies_grammar.html, id_roles_terms-and-concepts.html (trust policy),
    # reference_policies_elements_principal.html, API_CreateRole.html (RoleName pattern, 64)
    Probe("trust policy not JSON", "iam", "create_role",
          {"RoleName": "p-json", "AssumeRolePolicyDocument": "{not json"}, "MalformedPolicyDocument"),
    Probe("trust policy with a Resource", "iam", "create_role",
          {"RoleName": "p-res", "AssumeRolePolicyDocument": TRUST_WITH_RESOURCE}, "MalformedPolicyDocument"),
    Probe("identity policy with a Principal", "iam", "put_role_policy",
          {"RoleName": "probe-lambda-role", "PolicyName": "p", "PolicyDocument": POLICY_WITH_PRINCIPAL},
          "MalformedPolicyDocument"),
    Probe("action without a service prefix", "iam", "put_role_policy",
          {"RoleName": "probe-lambda-role", "PolicyName": "p", "PolicyDocument": POLICY_NO_VENDOR},
          "MalformedPolicyDocument"),
    Probe("policy version 2012-10-18", "iam", "create_policy",
          {"PolicyName": "p-version", "PolicyDocument": POLICY_BAD_VERSION}, "MalformedPolicyDocument"),
    Probe("role name with a space", "iam", "create_role",
          {"RoleName": "my role", "AssumeRolePolicyDocument": TRUST_LAMBDA}, "ValidationError"),
    Probe("role name of 65 characters", "iam", "create_role",
          {"RoleName": "r" * 65, "AssumeRolePolicyDocument": TRUST_LAMBDA}, "ValidationError"),
    Probe("attach a policy ARN that is not one", "iam", "attach_role_policy",
          {"RoleName": "probe-lambda-role", "PolicyArn": "arn:aws:iam::aws:AWSLambdaBasicExecutionRole"},
          "InvalidInput"),
    # --- S3: bucketnamingrules.html, API_CreateBucket.html, tagging, object-keys.html,
    # notification-how-to-filtering.html, API_DeleteObjects.html
    Probe("bucket CodeCraft-project-files", "s3", "create_bucket", {"Bucket": "CodeCraft-project-files"},
          "InvalidBucketName"),
    Probe("bucket name of 2 characters", "s3", "create_bucket", {"Bucket": "ab"}, "InvalidBucketName"),
    Probe("bucket name with two dots", "s3", "create_bucket", {"Bucket": "my..bucket"}, "InvalidBucketName"),
    Probe("bucket named like an IP address", "s3", "create_bucket", {"Bucket": "192.168.5.4"}, "InvalidBucketName"),
    Probe("bucket with an underscore", "s3", "create_bucket", {"Bucket": "project_files"}, "InvalidBucketName"),
    Probe("location constraint us-east-1", "s3", "create_bucket",
          {"Bucket": "probe-loc", "CreateBucketConfiguration": {"LocationConstraint": "us-east-1"}},
          "InvalidLocationConstraint"),
    Probe("bucket tag with aws: prefix", "s3", "put_bucket_tagging",
          {"Bucket": "probe-bucket", "Tagging": {"TagSet": [{"Key": "aws:owner", "Value": "me"}]}}, "InvalidTag"),
    Probe("bucket tags with the same key", "s3", "put_bucket_tagging",
          {"Bucket": "probe-bucket", "Tagging": {"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}},
          "InvalidTag"),
    Probe("object key over 1024 bytes", "s3", "put_object", {"Bucket": "probe-bucket", "Key": "k" * 1025,
                                                             "Body": b"x"}, "KeyTooLongError"),
    Probe("overlapping notification filters", "s3", "put_bucket_notification_configuration",
          {"Bucket": "probe-bucket", "NotificationConfiguration": OVERLAP}, "InvalidArgument"),
    Probe("delete 1001 objects", "s3", "delete_objects",
          {"Bucket": "probe-bucket", "Delete": {"Objects": [{"Key": f"k{i}"} for i in range(1001)]}},
          "MalformedXML"),
    # --- DynamoDB: HowItWorks.NamingRulesDataTypes.html, API_CreateTable.html, API_PutItem.html,
    # API_GetItem.html, Expressions.ExpressionAttributeValues.html, API_StreamSpecification.html
    Probe("table name of 2 characters", "dynamodb", "create_table", table(TableName="ab"), "ValidationException"),
    Probe("table name with a space", "dynamodb", "create_table", table(TableName="my table"), "ValidationException"),
    Probe("key attribute not defined", "dynamodb", "create_table",
          table(KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}]), "ValidationException"),
    Probe("on-demand table with throughput", "dynamodb", "create_table",
          table(ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}), "ValidationException"),
    Probe("provisioned table without throughput", "dynamodb", "create_table", table(BillingMode="PROVISIONED"),
          "ValidationException"),
    Probe("stream without a view type", "dynamodb", "create_table",
          table(StreamSpecification={"StreamEnabled": True}), "ValidationException"),
    Probe("item without its key", "dynamodb", "put_item",
          {"TableName": "probe-table", "Item": {"name": {"S": "x"}}}, "ValidationException"),
    Probe("item with an empty string key", "dynamodb", "put_item",
          {"TableName": "probe-table", "Item": {"pk": {"S": ""}}}, "ValidationException"),
    Probe("item with an empty string set", "dynamodb", "put_item",
          {"TableName": "probe-table", "Item": {"pk": {"S": "a"}, "tags": {"SS": []}}}, "ValidationException"),
    Probe("get with a key of the wrong name", "dynamodb", "get_item",
          {"TableName": "probe-table", "Key": {"id": {"S": "a"}}}, "ValidationException"),
    Probe("unused expression value", "dynamodb", "update_item",
          {"TableName": "probe-table", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET n = :n",
           "ExpressionAttributeValues": {":n": {"N": "1"}, ":unused": {"N": "2"}}}, "ValidationException"),
    # --- SNS: API_CreateTopic.html (Name), API_Publish.html, API_Subscribe.html
    Probe("topic name with a space", "sns", "create_topic", {"Name": "my topic"}, "InvalidParameter"),
    Probe("FIFO topic without .fifo", "sns", "create_topic", {"Name": "orders", "Attributes": {"FifoTopic": "true"}},
          "InvalidParameter"),
    Probe("empty message", "sns", "publish",
          {"TopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:probe", "Message": ""}, "InvalidParameter"),
    Probe("subject with a line break", "sns", "publish",
          {"TopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:probe", "Message": "m", "Subject": "a\nb"},
          "InvalidParameter"),
    Probe("subscription protocol ftp", "sns", "subscribe",
          {"TopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:probe", "Protocol": "ftp", "Endpoint": "ftp://x"},
          "InvalidParameter"),
    Probe("sqs subscription to a URL", "sns", "subscribe",
          {"TopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:probe", "Protocol": "sqs", "Endpoint": Q},
          "InvalidParameter"),
    # --- API Gateway: API_CreateResource.html, API_PutMethod.html, API_PutIntegration.html
    # (Lambda integrations use POST), API_CreateDeployment.html, API_CreateAuthorizer.html
    Probe("path part with a space", "apigateway", "create_resource",
          lambda w: {"restApiId": w.api_id, "parentId": w.root_id, "pathPart": "my orders"}, "BadRequestException"),
    Probe("HTTP method FETCH", "apigateway", "put_method",
          lambda w: {"restApiId": w.api_id, "resourceId": w.root_id, "httpMethod": "FETCH",
                     "authorizationType": "NONE"}, "BadRequestException"),
    Probe("Cognito authorization without an authorizer", "apigateway", "put_method",
          lambda w: {"restApiId": w.api_id, "resourceId": w.root_id, "httpMethod": "GET",
                     "authorizationType": "COGNITO_USER_POOLS"}, "BadRequestException"),
    Probe("Lambda proxy integration with GET", "apigateway", "put_integration",
          lambda w: {"restApiId": w.api_id, "resourceId": w.root_id, "httpMethod": "GET", "type": "AWS_PROXY",
                     "integrationHttpMethod": "GET",
                     "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:probe-fn/invocations"},
          "BadRequestException"),
    Probe("stage name with a space", "apigateway", "create_deployment",
          lambda w: {"restApiId": w.api_id, "stageName": "dev stage"}, "BadRequestException"),
    Probe("Cognito authorizer without a pool", "apigateway", "create_authorizer",
          lambda w: {"restApiId": w.api_id, "name": "a", "type": "COGNITO_USER_POOLS",
                     "identitySource": "method.request.header.Authorization"}, "BadRequestException"),
    # --- Secrets Manager: API_CreateSecret.html, API_DeleteSecret.html, API_GetRandomPassword.html
    Probe("secret name with a space", "secretsmanager", "create_secret", {"Name": "my secret", "SecretString": "x"},
          "InvalidParameterException"),
    Probe("secret with a string and a binary value", "secretsmanager", "create_secret",
          {"Name": "p-both", "SecretString": "x", "SecretBinary": b"y"}, "InvalidParameterException"),
    Probe("recovery window of 3 days", "secretsmanager", "delete_secret",
          {"SecretId": "probe-scheduled", "RecoveryWindowInDays": 3}, "InvalidParameterException"),
    Probe("forced deletion with a recovery window", "secretsmanager", "delete_secret",
          {"SecretId": "probe-scheduled", "RecoveryWindowInDays": 7, "ForceDeleteWithoutRecovery": True},
          "InvalidParameterException"),
    Probe("random password excluding everything", "secretsmanager", "get_random_password",
          {"ExcludeNumbers": True, "ExcludePunctuation": True, "ExcludeUppercase": True, "ExcludeLowercase": True},
          "InvalidParameterException"),
    Probe("secret name scheduled for deletion", "secretsmanager", "create_secret",
          {"Name": "probe-scheduled", "SecretString": "x"}, "InvalidRequestException"),
    # --- RDS: API_CreateDBInstance.html (identifier, MasterUsername, MasterUserPassword,
    # ManageMasterUserPassword, AllocatedStorage, BackupRetentionPeriod), API_DeleteDBInstance.html
    Probe("identifier starting with a digit", "rds", "create_db_instance", db(DBInstanceIdentifier="1db"),
          "InvalidParameterValue"),
    Probe("identifier with two hyphens", "rds", "create_db_instance", db(DBInstanceIdentifier="my--db"),
          "InvalidParameterValue"),
    Probe("master user name with a hyphen", "rds", "create_db_instance", db(MasterUsername="admin-user"),
          "InvalidParameterValue"),
    Probe("password of 5 characters", "rds", "create_db_instance", db(MasterUserPassword="short"),
          "InvalidParameterValue"),
    Probe("password with an @", "rds", "create_db_instance", db(MasterUserPassword="pass@word123"),
          "InvalidParameterValue"),
    Probe("password and a managed password", "rds", "create_db_instance", db(ManageMasterUserPassword=True),
          "InvalidParameterCombination"),
    Probe("5 GiB of gp2 storage", "rds", "create_db_instance", db(AllocatedStorage=5), "InvalidParameterValue"),
    Probe("backups kept 36 days", "rds", "create_db_instance", db(BackupRetentionPeriod=36), "InvalidParameterValue"),
    Probe("unknown engine", "rds", "create_db_instance", db(Engine="mysql8"), "InvalidParameterValue"),
    Probe("delete without a final snapshot choice", "rds", "delete_db_instance", {"DBInstanceIdentifier": "probe-db"},
          "InvalidParameterCombination"),
    # --- Cognito: API_CreateUserPool.html, API_CreateUserPoolClient.html, API_DeleteUserPool.html
    Probe("username and alias attributes", "cognito-idp", "create_user_pool",
          {"PoolName": "p", "UsernameAttributes": ["email"], "AliasAttributes": ["preferred_username"]},
          "InvalidParameterException"),
    Probe("pool name of 0 characters", "cognito-idp", "create_user_pool", {"PoolName": ""},
          "InvalidParameterException"),
    Probe("legacy and ALLOW_ auth flows", "cognito-idp", "create_user_pool_client",
          lambda w: {"UserPoolId": w.pool_id, "ClientName": "c",
                     "ExplicitAuthFlows": ["USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]},
          "InvalidParameterException"),
    Probe("callback URL over plain HTTP", "cognito-idp", "create_user_pool_client",
          lambda w: {"UserPoolId": w.pool_id, "ClientName": "c", "CallbackURLs": ["http://example.com/cb"]},
          "InvalidParameterException"),
    Probe("access token valid 2 days", "cognito-idp", "create_user_pool_client",
          lambda w: {"UserPoolId": w.pool_id, "ClientName": "c", "AccessTokenValidity": 2,
                     "TokenValidityUnits": {"AccessToken": "days"}}, "InvalidParameterException"),
    Probe("delete a protected pool", "cognito-idp", "delete_user_pool", lambda w: {"UserPoolId": w.pool_id},
          "InvalidParameterException"),
    # --- CloudWatch Logs: API_PutRetentionPolicy.html, API_CreateLogGroup.html, API_PutLogEvents.html
    Probe("retention of 2 days", "logs", "put_retention_policy", {"logGroupName": "probe-logs", "retentionInDays": 2},
          "InvalidParameterException"),
    Probe("log group under aws/", "logs", "create_log_group", {"logGroupName": "aws/mine"}, "InvalidParameterException"),
    Probe("log group name with a !", "logs", "create_log_group", {"logGroupName": "my!logs"},
          "InvalidParameterException"),
    Probe("log events out of order", "logs", "put_log_events",
          {"logGroupName": "probe-logs", "logStreamName": "s",
           "logEvents": [{"timestamp": 1_700_000_100_000, "message": "b"}, {"timestamp": 1_700_000_000_000,
                                                                            "message": "a"}]},
          "InvalidParameterException"),
]


@pytest.mark.parametrize("probe", PROBES, ids=[p.name for p in PROBES])
def test_refused_as_aws_refuses(emulator: dict[str, Any], world: World, probe: Probe) -> None:
    args = probe.args(world) if callable(probe.args) else probe.args
    with pytest.raises(ClientError) as refused:
        getattr(client(emulator, probe.service), probe.operation)(**args)
    assert refused.value.response["Error"]["Code"] == probe.code, refused.value.response["Error"]


def test_the_probe_is_broad() -> None:
    """At least 60 documented refusals over the twelve services."""
    assert len(PROBES) >= 60
    assert {p.service for p in PROBES} == {"ec2", "sqs", "lambda", "iam", "s3", "dynamodb", "sns", "apigateway",
                                           "secretsmanager", "rds", "cognito-idp", "logs"}


def test_valid_requests_still_pass(emulator: dict[str, Any], world: World) -> None:
    """The same operations, valid: accepted (and the SQS error is still catchable by class)."""
    sqs = client(emulator, "sqs")
    url = sqs.create_queue(QueueName="probe-valid", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="hello", DelaySeconds=0)
    assert sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["SentTimestamp"])["Messages"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    lam = client(emulator, "lambda")
    lam.create_event_source_mapping(FunctionName="probe-fn", EventSourceArn=arn, BatchSize=10)
    lam.add_permission(FunctionName="probe-fn", StatementId="apigw-invoke", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com")
    client(emulator, "ec2").create_security_group(GroupName="probe-valid", Description="Web servers (HTTP, SSH)")
    s3 = client(emulator, "s3")
    s3.create_bucket(Bucket="codecraft-project-files")
    s3.put_object(Bucket="codecraft-project-files", Key="uploads/a b.txt", Body=b"x")
    assert s3.get_object(Bucket="codecraft-project-files", Key="uploads/a b.txt")["Body"].read() == b"x"
    client(emulator, "dynamodb").put_item(TableName="probe-table", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    with pytest.raises(sqs.exceptions.QueueDeletedRecently):
        sqs.create_queue(QueueName="probe-recreated")
