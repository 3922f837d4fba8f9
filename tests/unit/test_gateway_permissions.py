"""The local gateway honours any valid Lambda permission, as API Gateway does on AWS.

What AWS documents:
- Lambda developer guide, "Using resource-based policies in Lambda" and "Invoking a Lambda function
  using an Amazon API Gateway endpoint" (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html):
  the permission the console adds is a statement with its own id, principal apigateway.amazonaws.com,
  ``StringEquals aws:SourceAccount`` and ``ArnLike aws:SourceArn arn:aws:execute-api:R:A:api/*/GET/``;
  a permission without SourceArn lets any API invoke the function.
- Lambda API reference, AddPermission: ``StatementId`` is any id the caller chooses (the console,
  Terraform, CloudFormation each pick their own); ``SourceArn`` is matched with ``ArnLike``.
- API Gateway developer guide, "IAM policy examples for API execution permissions"
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-iam-policy-examples-for-api-execution.html):
  an execute-api ARN is ``api-id/stage/METHOD/resource-path`` and ``*`` stands for any stage, any
  method or any path (``api/*/POST/orders``, ``api/*/*``, ``api/*``).
"""

from __future__ import annotations

from typing import Any

import pytest

from codecraft_cli.local.gateway import permission_allows

ACCOUNT = "123456789012"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:ProcessOrder"
CALL = f"arn:aws:execute-api:us-east-1:{ACCOUNT}:api1/dev/POST/orders"  # POST /orders on stage dev


def statement(source: str | None, sid: str = "4f6c1d0e-9b2a-4c1e-8f3d-2a7b5c9e1d40", account: str | None = None,
              effect: str = "Allow", condition: str = "ArnLike") -> dict[str, Any]:
    st: dict[str, Any] = {"Sid": sid, "Effect": effect, "Principal": {"Service": "apigateway.amazonaws.com"},
                          "Action": "lambda:InvokeFunction", "Resource": FUNCTION}
    if source is not None:
        st.setdefault("Condition", {})[condition] = {"AWS:SourceArn": f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{source}"}
    if account is not None:
        st.setdefault("Condition", {})["StringEquals"] = {"AWS:SourceAccount": account}
    return st


@pytest.mark.parametrize("source", ["api1/*/POST/orders", "api1/*/*", "api1/*", "api1/dev/POST/orders",
                                    "api1/*/*/*", "api1/dev/*/orders", "api1/*/POST/*", None],
                         ids=["console_any_stage", "any_stage_any_method", "whole_api", "exact", "terraform_triple",
                              "any_method", "any_path", "no_source_arn"])
@pytest.mark.parametrize("sid", ["4f6c1d0e-9b2a-4c1e-8f3d-2a7b5c9e1d40", "AllowExecutionFromAPIGateway",
                                 "terraform-20250101120000000000000001"])
def test_any_statement_id_and_any_source_arn_form_aws_accepts(source: str | None, sid: str) -> None:
    assert permission_allows([statement(source, sid)], CALL, FUNCTION)


def test_the_consoles_statement_with_its_source_account() -> None:
    assert permission_allows([statement("api1/*/POST/orders", account=ACCOUNT)], CALL, FUNCTION)
    assert not permission_allows([statement("api1/*/POST/orders", account="111122223333")], CALL, FUNCTION)


def test_the_root_resource_and_a_path_parameter() -> None:
    root = f"arn:aws:execute-api:us-east-1:{ACCOUNT}:api1/dev/GET/"
    assert permission_allows([statement("api1/*/GET/")], root, FUNCTION)  # the developer guide's example
    item = f"arn:aws:execute-api:us-east-1:{ACCOUNT}:api1/dev/GET/orders/42"
    assert permission_allows([statement("api1/*/GET/orders/*")], item, FUNCTION)


@pytest.mark.parametrize("source", ["api2/*/POST/orders", "api1/prod/POST/orders", "api1/*/GET/orders",
                                    "api1/*/POST/users"],
                         ids=["another_api", "another_stage", "another_method", "another_path"])
def test_a_permission_for_something_else_is_not_enough(source: str) -> None:
    assert not permission_allows([statement(source)], CALL, FUNCTION)


def test_another_principal_or_an_explicit_deny() -> None:
    other = {**statement(None), "Principal": {"Service": "s3.amazonaws.com"}}
    assert not permission_allows([other], CALL, FUNCTION)
    assert not permission_allows([statement(None), statement("api1/*", effect="Deny")], CALL, FUNCTION)
    assert not permission_allows([], CALL, FUNCTION)
