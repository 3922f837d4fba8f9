"""Route matching and permission checks of the local gateway (pure functions)."""

from __future__ import annotations

from codecraft_cli.local.gateway import match_resource, permission_allows

RESOURCES = [
    {"id": "r0", "path": "/"},
    {"id": "r1", "path": "/orders"},
    {"id": "r2", "path": "/orders/{id}"},
    {"id": "r3", "path": "/orders/latest"},
    {"id": "r4", "path": "/files/{proxy+}"},
]


def test_exact_then_parameter_then_greedy_paths() -> None:
    assert match_resource(RESOURCES, "/orders") == (RESOURCES[1], {})
    assert match_resource(RESOURCES, "/orders/latest") == (RESOURCES[3], {})
    assert match_resource(RESOURCES, "/orders/42") == (RESOURCES[2], {"id": "42"})
    assert match_resource(RESOURCES, "/files/a/b.txt") == (RESOURCES[4], {"proxy": "a/b.txt"})
    assert match_resource(RESOURCES, "/") == (RESOURCES[0], {})
    assert match_resource(RESOURCES, "/nothing") is None
    assert match_resource(RESOURCES, "/orders/1/2") is None


def _statement(source_arn: str | None, principal: str = "apigateway.amazonaws.com") -> dict:
    st: dict = {"Effect": "Allow", "Principal": {"Service": principal}, "Action": "lambda:InvokeFunction"}
    if source_arn:
        st["Condition"] = {"ArnLike": {"AWS:SourceArn": source_arn}}
    return st


def test_permission_must_cover_the_api_method_and_path() -> None:
    call = "arn:aws:execute-api:us-east-1:123456789012:api1/prod/POST/orders"
    assert permission_allows([_statement("arn:aws:execute-api:us-east-1:123456789012:api1/*/POST/orders")], call)
    assert not permission_allows([_statement("arn:aws:execute-api:us-east-1:123456789012:api2/*/POST/orders")], call)
    assert not permission_allows([_statement("arn:aws:execute-api:us-east-1:123456789012:api1/*/GET/orders")], call)
    assert not permission_allows([_statement(None, principal="s3.amazonaws.com")], call)
    assert not permission_allows([], call)


def test_cognito_claims_reach_the_function_as_api_gateway_renders_them() -> None:
    from codecraft_cli.local.authorizer import render_claims

    rendered = render_claims({"sub": "1b2c", "email_verified": True, "auth_time": 1680629979,
                              "exp": 1680633579, "iat": 1680629979.0, "cognito:groups": ["teachers", "admins"],
                              "token_use": "id"})
    assert rendered == {"sub": "1b2c", "email_verified": "true", "auth_time": "1680629979",
                        "exp": "Tue Apr 04 18:39:39 UTC 2023", "iat": "Tue Apr 04 17:39:39 UTC 2023",
                        "cognito:groups": "teachers,admins", "token_use": "id"}
