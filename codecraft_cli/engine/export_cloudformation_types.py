"""Each handler's plan as CloudFormation resources (export_cloudformation.py's translators).

A plan's API parameters become the properties of the matching resource type, as AWS's
CloudFormation resource reference names them
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html);
codecraft's ownership tags become each resource's ``Tags``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from ..i18n import _, text
from ..resources.base import Call, Step
from ..workshop.model import REF_RE, ResourceSpec
from .export_cloudformation_refs import Template, logical_id


def _calls(plan: list[Step], method: str) -> list[dict[str, Any]]:
    return [dict(c.params) for c in plan if isinstance(c, Call) and c.method == method]


def _one(plan: list[Step], method: str) -> dict[str, Any]:
    found = _calls(plan, method)
    return found[0] if found else {}


def _upper(value: Any) -> Any:
    """API Gateway's lowerCamel members as CloudFormation's UpperCamel properties."""
    if isinstance(value, Mapping):
        return {k[:1].upper() + k[1:]: _upper(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_upper(v) for v in value]
    return value


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _table(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "create_table")
    props = {k: v for k, v in p.items() if k not in ("Tags", "StreamSpecification")}
    if p.get("StreamSpecification", {}).get("StreamEnabled"):
        props["StreamSpecification"] = {"StreamViewType": p["StreamSpecification"]["StreamViewType"]}
    tpl.add(logical_id(res.id), "AWS::DynamoDB::Table", {**props, "Tags": tpl.tags()},
            DeletionPolicy="Delete", UpdateReplacePolicy="Delete")


def _topic(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "create_topic")
    tpl.add(logical_id(res.id), "AWS::SNS::Topic", {"TopicName": p["Name"], "Tags": tpl.tags()})


SQS_INTEGERS = ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "MaximumMessageSize",
                "ReceiveMessageWaitTimeSeconds", "KmsDataKeyReusePeriodSeconds")


def _queue(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "create_queue")
    logical = logical_id(res.id)
    props: dict[str, Any] = {"QueueName": p["QueueName"]}
    policy = None
    for name, value in (p.get("Attributes") or {}).items():
        if name == "Policy":
            policy = _json(value)
        elif name in ("RedrivePolicy", "RedriveAllowPolicy"):
            props[name] = _json(value)
        elif name in SQS_INTEGERS:
            props[name] = int(value)
        else:
            props[name] = value
    tpl.add(logical, "AWS::SQS::Queue", {**props, "Tags": tpl.tags()})
    if policy is not None:  # AWS::SQS::QueuePolicy: Queues (URLs) and PolicyDocument
        for statement in policy.get("Statement", []):
            statement["Resource"] = {"Fn::GetAtt": [logical, "Arn"]}
        tpl.add(logical + "Policy", "AWS::SQS::QueuePolicy",
                {"Queues": [{"Ref": logical}], "PolicyDocument": policy})


def _subscription(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "subscribe")
    props = {k: v for k, v in p.items() if k in ("TopicArn", "Protocol", "Endpoint")}
    for name, value in (p.get("Attributes") or {}).items():
        props[name] = value == "true" if name == "RawMessageDelivery" else _json(value)
    tpl.add(logical_id(res.id), "AWS::SNS::Subscription", props)


def _log_group(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p, retention = _one(plan, "create_log_group"), _one(plan, "put_retention_policy")
    props: dict[str, Any] = {"LogGroupName": p["logGroupName"], "Tags": tpl.tags()}
    if retention:
        props["RetentionInDays"] = retention["retentionInDays"]
    tpl.add(logical_id(res.id), "AWS::Logs::LogGroup", props, DeletionPolicy="Delete",
            UpdateReplacePolicy="Delete")


def _role(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "create_role")
    props: dict[str, Any] = {"RoleName": p["RoleName"], "AssumeRolePolicyDocument": _json(p["AssumeRolePolicyDocument"])}
    if p.get("Description"):
        props["Description"] = p["Description"]
    inline = [{"PolicyName": c["PolicyName"], "PolicyDocument": _json(c["PolicyDocument"])}
              for c in _calls(plan, "put_role_policy")]
    if inline:
        props["Policies"] = inline
    managed = [c["PolicyArn"] for c in _calls(plan, "attach_role_policy")]
    if managed:
        props["ManagedPolicyArns"] = managed
    tpl.add(logical_id(res.id), "AWS::IAM::Role", {**props, "Tags": tpl.tags()})


def _function(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "create_function")
    artifact = tpl.build(str(res.properties["source"]))
    key = f"lambda/{p['FunctionName']}-{artifact.code_sha256[:8].replace('/', '_').replace('+', '-')}.zip"
    tpl.files[key] = artifact.zip_bytes
    props = {k: v for k, v in p.items() if k not in ("Code", "Tags", "Publish")}
    props["Code"] = {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": key}
    # its log group first: the stack creates it with its retention before Lambda writes to it
    groups = [logical_id(r.id) for r in tpl.workshop.resources
              if r.type == "logs.log_group" and r.properties.get("function") in (res.name, res.id)]
    tpl.add(logical_id(res.id), "AWS::Lambda::Function", {**props, "Tags": tpl.tags()}, DependsOn=groups)


def _permission(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "add_permission")
    props = {k: v for k, v in p.items() if k not in ("StatementId", "RevisionId")}
    tpl.add(logical_id(res.id), "AWS::Lambda::Permission", props)


def _mapping(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "create_event_source_mapping")
    tpl.add(logical_id(res.id), "AWS::Lambda::EventSourceMapping", {k: v for k, v in p.items() if k != "Tags"})


def _bucket(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    block = _one(plan, "put_public_access_block").get("PublicAccessBlockConfiguration")
    props: dict[str, Any] = {"BucketName": tpl.bucket_name(res), "Tags": tpl.tags()}
    if block:
        props["PublicAccessBlockConfiguration"] = block
    lifecycle = _one(plan, "put_bucket_lifecycle_configuration")
    if lifecycle:  # glacier_after_days (resources/s3_lifecycle.py), as AWS::S3::Bucket's Rule names it
        props["LifecycleConfiguration"] = {
            "TransitionDefaultMinimumObjectSize": lifecycle["TransitionDefaultMinimumObjectSize"],
            "Rules": [{"Id": r["ID"], "Status": r["Status"], "Prefix": r["Filter"]["Prefix"],
                       "Transitions": [{"StorageClass": t["StorageClass"], "TransitionInDays": t["Days"]}
                                       for t in r["Transitions"]]}
                      for r in lifecycle["LifecycleConfiguration"]["Rules"]]}
    tpl.add(logical_id(res.id), "AWS::S3::Bucket", props, DeletionPolicy="Delete", UpdateReplacePolicy="Delete")


def _table_stream(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    """A stack changes only its own resources: the stream of another stack's table is turned on
    there (StreamSpecification) or in the console, and its ARN given as a parameter."""
    view = (_one(plan, "update_table").get("StreamSpecification") or {}).get("StreamViewType", "NEW_IMAGE")
    tpl.parameters[logical_id(res.id)] = {"Type": "String", "Description": (
        "The ARN of the stream of {table} (DynamoDB › Tables › {table} › Exports and streams › Turn on: {view})"
        .format(table=_ref_id(str(res.properties["table"])), view=view))}
    tpl.notes.append(_("Before the stack: turn on the stream of the table ({view}) and pass its ARN as the "
                       "parameter {parameter}.").format(view=view, parameter=logical_id(res.id)))


def _notification(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    """AWS::S3::Bucket's NotificationConfiguration (one event per entry); the bucket waits for
    the functions' permissions (S3 checks it can invoke them when the configuration is set)."""
    bucket = logical_id(_ref_id(str(res.properties["bucket"])))
    body = tpl.resources[bucket]
    config = _one(plan, "put_bucket_notification_configuration")["NotificationConfiguration"]
    entries = body["Properties"].setdefault("NotificationConfiguration", {}).setdefault("LambdaConfigurations", [])
    for item in config.get("LambdaFunctionConfigurations", []):
        rules = item.get("Filter", {}).get("Key", {}).get("FilterRules", [])
        for event in item["Events"]:
            entry: dict[str, Any] = {"Event": event, "Function": tpl.cfn(item["LambdaFunctionArn"])}
            if rules:
                entry["Filter"] = {"S3Key": {"Rules": rules}}
            entries.append(entry)
    function = _ref_id(str(res.properties["function"]))
    needs = [logical_id(r.id) for r in tpl.workshop.resources if r.type == "lambda.permission"
             and _ref_id(str(r.properties.get("function", ""))) == function]
    body["DependsOn"] = sorted(set(body.get("DependsOn", [])) | set(needs))


def _ref_id(value: str) -> str:
    m = REF_RE.search(value)
    return m.group(2) if m else value


def _rest_api(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _upper({k: v for k, v in _one(plan, "create_rest_api").items() if k != "tags"})
    tpl.add(logical_id(res.id), "AWS::ApiGateway::RestApi", {**p, "Tags": tpl.tags()})


def _route(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    api_text = str(res.properties["api"])
    api = tpl.cfn(tpl.marked(api_text))
    m = REF_RE.fullmatch(api_text)
    external = bool(m and m.group(1) and m.group(1) != tpl.workshop.id)
    parent: Any = ({"Ref": tpl.external(m.group(1), m.group(2), "root_id")} if external and m
                   else {"Fn::GetAtt": [logical_id(_ref_id(api_text)), "RootResourceId"]})
    path = ""
    api_logical = logical_id(m.group(1) or "", _ref_id(api_text)) if m else "Api"
    for call in _calls(plan, "create_resource"):
        path += "/" + call["pathPart"]
        name = api_logical + "Resource" + logical_id(path.replace("{", "").replace("}", "") or "root")
        if name not in tpl.resources:
            tpl.add(name, "AWS::ApiGateway::Resource", {"RestApiId": api, "ParentId": parent,
                                                       "PathPart": call["pathPart"]})
        parent = {"Ref": name}
    method = _upper(_one(plan, "put_method"))
    integration = _upper(_one(plan, "put_integration"))
    props = {"RestApiId": api, "ResourceId": parent, "HttpMethod": method["HttpMethod"],
             "AuthorizationType": method["AuthorizationType"],
             "Integration": {k: v for k, v in integration.items() if k not in ("RestApiId", "ResourceId", "HttpMethod")}}
    if method.get("AuthorizerId"):
        props["AuthorizerId"] = method["AuthorizerId"]
    tpl.add(logical_id(res.id), "AWS::ApiGateway::Method", props)


def _authorizer(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    tpl.add(logical_id(res.id), "AWS::ApiGateway::Authorizer", _upper(_one(plan, "create_authorizer")))


def _deployment(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    """A deployment after its methods and their permissions (a method whose function may not
    be invoked answers 500); its stage, or the prerequisite's stage updated (``shared_stage``)."""
    p = _one(plan, "create_deployment")
    routes = {_ref_id(str(r)) for r in res.properties.get("routes", [])}
    permissions = [r.id for r in tpl.workshop.resources if r.type == "lambda.permission"
                   and _ref_id(str(r.properties.get("source_arn", ""))) in routes]
    needs = sorted(logical_id(x) for x in routes | set(permissions))
    logical = logical_id(res.id)
    api = p["restApiId"]
    props: dict[str, Any] = {"RestApiId": api, "Description": p.get("description", "")}
    if res.properties.get("shared_stage"):
        props["StageName"] = p["stageName"]
        tpl.add(logical + "Deployment", "AWS::ApiGateway::Deployment", props, DependsOn=needs)
        return
    tpl.add(logical + "Deployment", "AWS::ApiGateway::Deployment", props, DependsOn=needs)
    tpl.add(logical, "AWS::ApiGateway::Stage", {"RestApiId": api, "StageName": p["stageName"],
                                                "DeploymentId": {"Ref": logical + "Deployment"}, "Tags": tpl.tags()})
    tpl.outputs[logical_id(res.id, "invoke_url")] = {
        "Description": "The stage's invoke URL",
        "Value": tpl.cfn(tpl.marked(f"https://${{{_ref_id(str(res.properties['api']))}.id}}.execute-api."
                                    "${AWS::Region}.${AWS::URLSuffix}/" + str(p["stageName"])))}


def _security_group(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "create_security_group")
    props: dict[str, Any] = {"GroupName": p["GroupName"], "GroupDescription": p["Description"], "VpcId": p["VpcId"]}
    ingress = []
    for call in _calls(plan, "authorize_security_group_ingress"):
        for perm in call["IpPermissions"]:
            for pair in perm.get("UserIdGroupPairs", []):
                ingress.append({"IpProtocol": perm["IpProtocol"], "FromPort": perm["FromPort"],
                                "ToPort": perm["ToPort"], "SourceSecurityGroupId": pair["GroupId"]})
            for cidr in perm.get("IpRanges", []):
                ingress.append({"IpProtocol": perm["IpProtocol"], "FromPort": perm["FromPort"],
                                "ToPort": perm["ToPort"], "CidrIp": cidr["CidrIp"]})
    if ingress:
        props["SecurityGroupIngress"] = ingress
    name = {t["Key"]: t["Value"] for s in p.get("TagSpecifications", []) for t in s["Tags"]}.get("Name")
    tpl.add(logical_id(res.id), "AWS::EC2::SecurityGroup", {**props, "Tags": tpl.tags({"Name": name} if name else None)})


def _endpoint(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "create_vpc_endpoint")
    props = {k: v for k, v in p.items() if k != "TagSpecifications"}
    tpl.add(logical_id(res.id), "AWS::EC2::VPCEndpoint", props)


RDS_RENAMES = {"VpcSecurityGroupIds": "VPCSecurityGroups"}


def _db(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "create_db_instance")
    props = {RDS_RENAMES.get(k, k): v for k, v in p.items() if k != "Tags"}
    props["AllocatedStorage"] = str(props["AllocatedStorage"])  # a String in the resource reference
    # cfn-lint lists full versions only; RDS takes a major version alone and picks its default
    # minor version (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MySQL.Concepts.VersionMgmt.html)
    ignore = {"cfn-lint": {"config": {"ignore_checks": ["E3691"]}}} if str(props.get("EngineVersion", "")).count(
        ".") == 1 else None
    tpl.add(logical_id(res.id), "AWS::RDS::DBInstance", {**props, "Tags": tpl.tags()},
            DeletionPolicy="Delete", UpdateReplacePolicy="Delete", Metadata=ignore)


def _user_pool(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "create_user_pool")
    props = {("UserPoolName" if k == "PoolName" else k): v for k, v in p.items() if k != "UserPoolTags"}
    tpl.add(logical_id(res.id), "AWS::Cognito::UserPool", {**props, "UserPoolTags": tpl.ctx.tags})


def _client(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    tpl.add(logical_id(res.id), "AWS::Cognito::UserPoolClient", _one(plan, "create_user_pool_client"))


def _secret(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p, gen = _one(plan, "create_secret"), _one(plan, "get_random_password")
    props: dict[str, Any] = {"Name": p["Name"], "Tags": tpl.tags()}
    if p.get("Description"):
        props["Description"] = p["Description"]
    if gen:  # the same generator, run by Secrets Manager when the stack creates the secret
        props["GenerateSecretString"] = gen
    tpl.add(logical_id(res.id), "AWS::SecretsManager::Secret", props)


def _user(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "admin_create_user")
    tpl.add(logical_id(res.id), "AWS::Cognito::UserPoolUser", {k: v for k, v in p.items() if v != []})
    tpl.notes.append(_("Set the password of the Cognito user {user} from the secret (AWS::Cognito::UserPoolUser "
                       "cannot): aws cognito-idp admin-set-user-password --permanent.").format(user=p["Username"]))


def _schema(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    tpl.notes.append(_("Create the database's tables after the stack: invoke {function} as codecraft does "
                       "(codecraft show {workshop} --as cli).").format(
                           function=str(res.properties.get("function")), workshop=tpl.workshop.id))


def _default_vpc(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    for attr in ("vpc_id", "subnet_ids", "endpoint_subnets"):
        tpl.vpc_parameter(logical_id(res.id, attr), attr)


TRANSLATORS: dict[str, Callable[[Template, ResourceSpec, list[Step]], None]] = {
    "dynamodb.table": _table, "sns.topic": _topic, "sqs.queue": _queue, "sns.subscription": _subscription,
    "logs.log_group": _log_group, "iam.role": _role, "lambda.function": _function,
    "lambda.permission": _permission, "lambda.event_source_mapping": _mapping, "s3.bucket": _bucket,
    "s3.notification": _notification, "apigateway.rest_api": _rest_api, "apigateway.route": _route,
    "apigateway.authorizer": _authorizer, "apigateway.deployment": _deployment,
    "ec2.security_group": _security_group, "ec2.vpc_endpoint": _endpoint, "rds.db_instance": _db,
    "cognito.user_pool": _user_pool, "cognito.user_pool_client": _client, "secretsmanager.secret": _secret,
    "cognito.user": _user, "mysql.schema": _schema, "dynamodb.table_stream": _table_stream,
}


def translate(tpl: Template, res: ResourceSpec) -> None:
    if res.type == "ec2.default_vpc":
        _default_vpc(tpl, res, [])
        return
    translator = TRANSLATORS.get(res.type)
    if translator is None:
        tpl.notes.append(_("{type} ({id}) has no CloudFormation form here: create it as codecraft does.").format(
            type=res.type, id=res.id))
        return
    translator(tpl, res, tpl.plan(res))


# outputs a student needs (and the values dependent workshops' stacks take as parameters)
OUTPUTS = {"lambda.function": ("name",), "dynamodb.table": ("name",), "sqs.queue": ("url", "arn"),
           "sns.topic": ("arn",), "s3.bucket": ("name",), "cognito.user_pool": ("id", "arn"),
           "cognito.user_pool_client": ("id",), "rds.db_instance": ("address", "port", "database", "secret_arn"),
           "apigateway.rest_api": ("id", "root_id"), "apigateway.authorizer": ("id",),
           "ec2.security_group": ("id",), "secretsmanager.secret": ("arn",)}


def finish(tpl: Template) -> None:
    """Parameters (the code bucket), the outputs (names, URLs, values other stacks take)."""
    tpl.parameters = {"CodeBucket": {"Type": "String", "Description":
                                     "The S3 bucket holding the lambda/*.zip files of this export"},
                      **tpl.parameters}
    for res in tpl.workshop.resources:
        for attr in OUTPUTS.get(res.type, ()):
            tpl.outputs[logical_id(res.id, attr)] = {"Value": tpl.intrinsic(None, res.id, attr)}
        if res.type == "ec2.default_vpc":  # what a dependent workshop's stack takes as parameters
            for attr in ("vpc_id", "subnet_ids", "endpoint_subnets"):
                value = {"Ref": logical_id(res.id, attr)}
                tpl.outputs[logical_id(res.id, attr)] = {
                    "Value": value if attr == "vpc_id" else {"Fn::Join": [",", value]}}


def as_yaml(tpl: Template, lang: str) -> str:
    title = text(tpl.workshop.title, lang)
    body: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"codecraft {tpl.workshop.id}: {title}"[:1024],
        "Parameters": tpl.parameters, "Resources": tpl.resources, "Outputs": tpl.outputs,
    }
    if tpl.notes:
        body["Metadata"] = {"codecraft": {"AfterDeploy": tpl.notes}}
    head = [
        _("# {workshop}: CloudFormation template generated by codecraft export from the workshop's plans.").format(
            workshop=tpl.workshop.id),
        _("# Deploy: aws s3 cp --recursive lambda s3://BUCKET/lambda/ then"),
        "#   aws cloudformation deploy --template-file template.yaml --stack-name codecraft-{w} \\".format(
            w=tpl.workshop.id),
        "#     --capabilities CAPABILITY_NAMED_IAM --parameter-overrides CodeBucket=BUCKET",
    ]
    return "\n".join(head) + "\n" + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=120)
