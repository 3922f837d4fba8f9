"""secretsmanager.secret: the generated password stored, never in a plan or an output; deletion."""

from __future__ import annotations

from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Observed

from .projects_outputs import RANDOM_PASSWORD, USER_SECRET_ARN
from .stubs import Harness


def test_create_secret_stores_the_generated_password(w1: Harness) -> None:
    handler, res, props, calls = w1.plan("test_user_password")
    stub = w1.stub("secretsmanager")
    stub.add_response("get_random_password", {"RandomPassword": "Hb7!kL3#xQ9^sD2*fJ5+"}, {
        "PasswordLength": 20,
        "ExcludeCharacters": "\"'\\/@`$%&;<>|{}[]()",
        "RequireEachIncludedType": True,
    })
    stub.add_response("create_secret", {"ARN": USER_SECRET_ARN, "Name": "codecraft/workshop1/test-user-password"}, {
        "Name": "codecraft/workshop1/test-user-password",
        "Description": "codecraft: password of the test user 'student' (workshop1)",
        "SecretString": "Hb7!kL3#xQ9^sD2*fJ5+",
        "Tags": [
            {"Key": "codecraft:workshop", "Value": "workshop1"},
            {"Key": "codecraft:student", "Value": "-"},
            {"Key": "codecraft:deployment", "Value": "workshop1"},
        ],
    })

    results = w1.executor().run(calls)

    w1.assert_done()
    assert w1.sent_params("CreateSecret")[0]["SecretString"] == RANDOM_PASSWORD
    assert RANDOM_PASSWORD not in repr(calls)
    outputs = handler.resolve_outputs(w1.ctx, res, props, Observed(False), results)
    assert outputs == {"name": "codecraft/workshop1/test-user-password", "arn": USER_SECRET_ARN}
    assert RANDOM_PASSWORD not in repr(outputs)


def test_delete_secret_request(w1: Harness) -> None:
    calls = handler_for("secretsmanager.secret").plan_delete(
        {"outputs": {"name": "codecraft/workshop1/test-user-password", "arn": USER_SECRET_ARN}})
    w1.stub("secretsmanager").add_response("delete_secret", {"ARN": USER_SECRET_ARN}, {
        "SecretId": "arn:aws:secretsmanager:eu-west-3:111122223333:secret:"
                    "codecraft/workshop1/test-user-password-XyZ123",
        "ForceDeleteWithoutRecovery": True,
    })

    w1.executor().run(calls)

    w1.assert_done()
