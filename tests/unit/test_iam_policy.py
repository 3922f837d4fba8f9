"""IAM's evaluation logic, from the IAM user guide: "Policy evaluation logic", "IAM JSON policy
elements" (Action, NotAction, Resource, NotResource, Principal, Condition) and "Condition operators"."""

from __future__ import annotations

import json

from codecraft_cli.local.iam.conditions import conditions_hold
from codecraft_cli.local.iam.policy import Decision, evaluate
from codecraft_cli.local.iam.resource_policies import lambda_permission_allows, queue_accepts_topic

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"


def allow(action: object, resource: object = "*", **extra: object) -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource, **extra}]}


def deny(action: object, resource: object = "*", **extra: object) -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": action, "Resource": resource, **extra}]}


def test_nothing_allows_by_default_an_allow_allows_and_an_explicit_deny_wins() -> None:
    assert evaluate([], "dynamodb:PutItem", TABLE) is Decision.IMPLICIT_DENY
    assert evaluate([allow("dynamodb:PutItem", TABLE)], "dynamodb:PutItem", TABLE) is Decision.ALLOW
    both = [allow("dynamodb:*", "*"), deny("dynamodb:PutItem", TABLE)]
    assert evaluate(both, "dynamodb:PutItem", TABLE) is Decision.EXPLICIT_DENY
    assert evaluate(both, "dynamodb:GetItem", TABLE) is Decision.ALLOW


def test_actions_match_case_insensitively_with_wildcards_and_notaction_inverts() -> None:
    assert evaluate([allow("DynamoDB:putitem", TABLE)], "dynamodb:PutItem", TABLE).allowed
    assert evaluate([allow("dynamodb:*Item", TABLE)], "dynamodb:PutItem", TABLE).allowed
    assert evaluate([allow("dynamodb:?etItem", TABLE)], "dynamodb:GetItem", TABLE).allowed
    assert not evaluate([allow("dynamodb:GetItem", TABLE)], "dynamodb:PutItem", TABLE).allowed
    not_put = {"Statement": [{"Effect": "Allow", "NotAction": "dynamodb:PutItem", "Resource": "*"}]}
    assert evaluate([not_put], "dynamodb:GetItem", TABLE).allowed
    assert not evaluate([not_put], "dynamodb:PutItem", TABLE).allowed


def test_resources_match_case_sensitively_with_wildcards_and_notresource_inverts() -> None:
    assert evaluate([allow("s3:PutObject", "arn:aws:s3:::files/*")], "s3:PutObject", "arn:aws:s3:::files/a/b.txt").allowed
    # the bucket is not an object of the bucket: s3:PutObject on "bucket" alone allows no key
    assert not evaluate([allow("s3:PutObject", "arn:aws:s3:::files")], "s3:PutObject", "arn:aws:s3:::files/a").allowed
    assert not evaluate([allow("dynamodb:PutItem", TABLE.lower())], "dynamodb:PutItem", TABLE).allowed
    assert evaluate([allow("logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/F:*")],
                    "logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/F:log-stream:s").allowed
    not_table = {"Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "NotResource": TABLE}]}
    assert not evaluate([not_table], "dynamodb:PutItem", TABLE).allowed
    assert evaluate([not_table], "dynamodb:PutItem", TABLE + "2").allowed
    assert evaluate([allow(["sns:Publish", "dynamodb:PutItem"], ["arn:x", TABLE])], "dynamodb:PutItem", TABLE).allowed


def test_a_policy_as_json_text_and_a_single_statement_object_are_read() -> None:
    text = json.dumps({"Statement": {"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}})
    assert evaluate([text], "sns:Publish", "arn:aws:sns:us-east-1:123456789012:T").allowed


def test_condition_keys_are_case_insensitive_values_any_of_and_blocks_all_of() -> None:
    ctx = {"aws:SourceArn": "arn:aws:s3:::images", "aws:SourceAccount": "123456789012"}
    assert conditions_hold({"ArnLike": {"AWS:SourceArn": ["arn:aws:s3:::other", "arn:aws:s3:::images"]}}, ctx)
    assert conditions_hold({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::images"},
                            "StringEquals": {"aws:SourceAccount": "123456789012"}}, ctx)
    assert not conditions_hold({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::images"},
                                "StringEquals": {"aws:SourceAccount": "999999999999"}}, ctx)
    assert not conditions_hold({"StringEquals": {"aws:SourceArn": "ARN:AWS:S3:::IMAGES"}}, ctx)
    assert conditions_hold({"StringEqualsIgnoreCase": {"aws:SourceArn": "ARN:AWS:S3:::IMAGES"}}, ctx)
    assert conditions_hold({"StringLike": {"aws:SourceArn": "arn:aws:s3:::im*"}}, ctx)


def test_a_missing_key_fails_positive_operators_and_passes_negated_and_ifexists_ones() -> None:
    assert not conditions_hold({"StringEquals": {"aws:SourceAccount": "1"}}, {})
    assert conditions_hold({"StringNotEquals": {"aws:SourceAccount": "1"}}, {})
    assert conditions_hold({"StringEqualsIfExists": {"aws:SourceAccount": "1"}}, {})
    assert not conditions_hold({"StringEqualsIfExists": {"aws:SourceAccount": "1"}}, {"aws:SourceAccount": "2"})
    assert conditions_hold({"Null": {"aws:SourceArn": "true"}}, {})
    assert not conditions_hold({"Null": {"aws:SourceArn": "false"}}, {})


def test_arnlike_matches_each_of_the_six_parts_and_the_resource_keeps_its_slashes() -> None:
    api = "arn:aws:execute-api:us-east-1:123456789012:abc/prod/POST/orders"
    for pattern in ("arn:aws:execute-api:us-east-1:123456789012:abc/*/POST/orders",
                    "arn:aws:execute-api:us-east-1:123456789012:abc/*/*", "arn:aws:execute-api:us-east-1:123456789012:abc/*",
                    "arn:aws:execute-api:*:*:abc/*"):
        assert conditions_hold({"ArnLike": {"aws:SourceArn": pattern}}, {"aws:SourceArn": api}), pattern
    assert not conditions_hold({"ArnLike": {"aws:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc/*/GET/orders"}},
                               {"aws:SourceArn": api})
    assert not conditions_hold({"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::b"}}, {"aws:SourceArn": "arn:aws:s3::b"})


def test_numeric_bool_and_ip_operators() -> None:
    assert conditions_hold({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "7"})
    assert not conditions_hold({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "11"})
    assert conditions_hold({"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "true"})
    assert conditions_hold({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "10.1.2.3"})
    assert conditions_hold({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "192.168.0.1"})


def test_a_deny_unless_secure_transport_statement_only_denies_plain_http() -> None:
    policies = [allow("sqs:*"), deny("sqs:*", "*", Condition={"Bool": {"aws:SecureTransport": "false"}})]
    assert evaluate(policies, "sqs:SendMessage", "arn:q", {"aws:SecureTransport": "true"}).allowed
    assert evaluate(policies, "sqs:SendMessage", "arn:q", {"aws:SecureTransport": "false"}) is Decision.EXPLICIT_DENY


def test_a_resource_policy_names_its_principal() -> None:
    statement = {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction",
                 "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F",
                 "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::images"},
                               "StringEquals": {"AWS:SourceAccount": "123456789012"}}}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    fn = "arn:aws:lambda:us-east-1:123456789012:function:F"
    assert lambda_permission_allows(policy, "s3.amazonaws.com", "arn:aws:s3:::images", "123456789012", fn)
    assert not lambda_permission_allows(policy, "sns.amazonaws.com", "arn:aws:s3:::images", "123456789012", fn)
    assert not lambda_permission_allows(policy, "s3.amazonaws.com", "arn:aws:s3:::other", "123456789012", fn)
    assert not lambda_permission_allows(policy, "s3.amazonaws.com", "arn:aws:s3:::images", "999999999999", fn)
    assert not lambda_permission_allows(policy, "s3.amazonaws.com", "arn:aws:s3:::images", "123456789012", fn + "2")
    assert not lambda_permission_allows(None, "s3.amazonaws.com", "arn:aws:s3:::images")
    no_source = json.dumps({"Statement": [{**statement, "Condition": {}}]})  # any bucket may invoke it
    assert lambda_permission_allows(no_source, "s3.amazonaws.com", "arn:aws:s3:::other", "123456789012", fn)


def test_the_queue_policy_lets_exactly_its_topics_send() -> None:
    queue = "arn:aws:sqs:us-east-1:123456789012:Q"
    topic = "arn:aws:sns:us-east-1:123456789012:T"
    policy = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                             "Action": "sqs:SendMessage", "Resource": queue,
                             "Condition": {"ArnEquals": {"aws:SourceArn": [topic]}}}]}
    assert queue_accepts_topic(json.dumps(policy), queue, topic)
    assert not queue_accepts_topic(json.dumps(policy), queue, topic + "2")
    assert not queue_accepts_topic(None, queue, topic)
    assert not queue_accepts_topic(json.dumps(policy), queue + "2", topic)
