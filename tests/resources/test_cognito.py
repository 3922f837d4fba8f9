"""cognito.user_pool, cognito.user_pool_client and cognito.user: the app client, the pool's
deletion (domain first, protection lifted), the test user's password read from its secret."""

from __future__ import annotations

from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Observed

from .projects_outputs import POOL_ARN, POOL_ID, USER_PASSWORD, USER_SECRET_ARN
from .stubs import Harness


def test_create_user_pool_client_request(w1: Harness) -> None:
    handler, res, props, calls = w1.plan("app_client")
    w1.stub("cognito-idp").add_response("create_user_pool_client", {"UserPoolClient": {
        "UserPoolId": POOL_ID, "ClientName": "projects-cli", "ClientId": "client4abc"}}, {
        "UserPoolId": "eu-west-3_AbCdEf123",
        "ClientName": "projects-cli",
        "GenerateSecret": False,
        "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
        "PreventUserExistenceErrors": "ENABLED",
    })

    results = w1.executor().run(calls)

    w1.assert_done()
    assert handler.resolve_outputs(w1.ctx, res, props, Observed(False), results) == {
        "name": "projects-cli", "id": "client4abc", "pool": POOL_ID}


# --- cognito.user_pool: deletion ---


def test_delete_user_pool_deletes_its_domain_first(w1: Harness) -> None:
    record = {"outputs": {"name": "ProjectsUsers", "id": POOL_ID, "arn": POOL_ARN}}
    calls = handler_for("cognito.user_pool").plan_delete(record, {"domain": "my-domain", "protected": False})
    assert [c.method for c in calls] == ["delete_user_pool_domain", "delete_user_pool"]
    stub = w1.stub("cognito-idp")
    stub.add_response("delete_user_pool_domain", {}, {"Domain": "my-domain", "UserPoolId": "eu-west-3_AbCdEf123"})
    stub.add_response("delete_user_pool", {}, {"UserPoolId": "eu-west-3_AbCdEf123"})

    w1.executor().run(calls)

    w1.assert_done()
    assert w1.sent_ops() == ["DeleteUserPoolDomain", "DeleteUserPool"]


def test_delete_protected_user_pool_lifts_protection_first(w1: Harness) -> None:
    record = {"outputs": {"name": "ProjectsUsers", "id": POOL_ID, "arn": POOL_ARN}}
    calls = handler_for("cognito.user_pool").plan_delete(record, {"domain": None, "protected": True})
    stub = w1.stub("cognito-idp")
    stub.add_response("update_user_pool", {}, {"UserPoolId": "eu-west-3_AbCdEf123",
                                               "DeletionProtection": "INACTIVE"})
    stub.add_client_error("delete_user_pool", "ResourceNotFoundException", "User pool does not exist.", 400,
                          expected_params={"UserPoolId": "eu-west-3_AbCdEf123"})

    w1.executor().run(calls)  # already gone: success

    w1.assert_done()
    assert w1.sent_ops() == ["UpdateUserPool", "DeleteUserPool"]


# --- cognito.user ---


def test_create_user_password_comes_from_the_secret(w1: Harness) -> None:
    _, _, _, calls = w1.plan("test_user")
    assert [c.method for c in calls] == ["admin_create_user", "get_secret_value", "admin_set_user_password"]
    w1.stub("cognito-idp").add_response("admin_create_user", {"User": {
        "Username": "student", "UserStatus": "FORCE_CHANGE_PASSWORD", "Enabled": True}}, {
        "UserPoolId": "eu-west-3_AbCdEf123",
        "Username": "student",
        "MessageAction": "SUPPRESS",
        "UserAttributes": [],
    })
    w1.stub("secretsmanager").add_response("get_secret_value", {
        "ARN": USER_SECRET_ARN, "Name": "codecraft/workshop1/test-user-password",
        "SecretString": "Zq8#vN2!rT6^mW4*pK1+"}, {
        "SecretId": "arn:aws:secretsmanager:eu-west-3:111122223333:secret:"
                    "codecraft/workshop1/test-user-password-XyZ123",
    })
    w1.stub("cognito-idp").add_response("admin_set_user_password", {}, {
        "UserPoolId": "eu-west-3_AbCdEf123",
        "Username": "student",
        "Password": "Zq8#vN2!rT6^mW4*pK1+",
        "Permanent": True,
    })

    w1.executor().run(calls)

    w1.assert_done()
    assert w1.sent_ops() == ["AdminCreateUser", "GetSecretValue", "AdminSetUserPassword"]
    assert w1.sent_params("AdminSetUserPassword")[0]["Password"] == USER_PASSWORD
    assert USER_PASSWORD not in repr(calls)


def test_confirmed_user_needs_no_call_and_unconfirmed_user_only_gets_its_password(w1: Harness) -> None:
    _, _, _, confirmed = w1.plan("test_user", Observed(True, {"status": "CONFIRMED"}))
    _, _, _, pending = w1.plan("test_user", Observed(True, {"status": "FORCE_CHANGE_PASSWORD"}))

    assert confirmed == []
    assert [c.method for c in pending] == ["get_secret_value", "admin_set_user_password"]
