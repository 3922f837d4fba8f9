"""Issue 12's acceptance, as a student following seed 004 word for word in the console.

The build (``build_seed004``): the seed's names where it gives them (Orders, order_id,
OrderNotifications, OrderProcessingQueue, ProcessOrder), the console's defaults everywhere else
(role ``ProcessOrder-role-…``, handler ``lambda_function.lambda_handler``, a 3 s timeout), the
seed's own variables ``DYNAMODB_TABLE`` / ``SNS_TOPIC`` and its code, and an API and stage whose
names are not codecraft's. Expectations come from the seed and from what AWS does:

- the seed's code hands ``json.loads`` floats to DynamoDB, which boto3 refuses with
  ``TypeError: Float types are not supported. Use Decimal types instead.`` (boto3's
  TypeSerializer): verify fails and names that cause and the ``Decimal`` fix;
- with only that fix, every criterion of the seed's assessment table holds: 100, whatever the
  incidental names;
- a role without ``sns:Publish``: Lambda's AccessDenied names the action; the report names it and
  the role;
- probes leave nothing behind in the table or the queue.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import Cli, aws
from .test_handbuilt_e2e import build_seed004, seed_code

pytestmark = pytest.mark.e2e
WORKSHOP = "anycompany-orders"


@pytest.fixture(scope="module")
def built(emulator: dict[str, Any]) -> dict[str, str]:
    return build_seed004(emulator, api_name="BoutiqueAPI", stage="test", decimal_fix=False)


def _verify(cli: Cli, *extra: str) -> tuple[int, dict[str, Any]]:
    proc = cli("verify", WORKSHOP, "--grade", "--json", *extra)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def _causes(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [cause for check in report["checks"] for cause in check.get("causes", [])]


def _no_probe_left(emulator: dict[str, Any], url: str) -> None:
    items = aws(emulator, "dynamodb").scan(TableName="Orders")["Items"]
    assert not [i for i in items if "probe-" in json.dumps(i)], items
    sqs = aws(emulator, "sqs")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
    assert not [m for m in got if "probe-" in m["Body"]], got


def _redeploy(emulator: dict[str, Any], code: str) -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("lambda_function.py", code)
    lam = aws(emulator, "lambda")
    lam.update_function_code(FunctionName="ProcessOrder", ZipFile=buf.getvalue())
    lam.get_waiter("function_updated_v2").wait(FunctionName="ProcessOrder")


def test_the_seeds_code_fails_and_the_report_names_the_float_cause(cli: Cli, emulator: dict[str, Any],
                                                                    built: dict[str, str]) -> None:
    code, report = _verify(cli)
    assert code == 1
    causes = _causes(report)
    floats = [c for c in causes if "Float types are not supported" in c["evidence"] or "Decimal" in c["message"]]
    assert floats, causes
    assert "Decimal" in floats[0]["fix"]
    # "Lambda exécute bien le traitement: Logs CloudWatch OK": a run that crashed is not OK
    logged = [c for c in report["checks"] if c["check"] == "lambda_logged"]
    assert logged and not logged[0]["ok"], logged
    # ... and its cause is the probe's own run (the float), not the last error of the run
    assert any("Decimal" in c["fix"] for c in logged[0].get("causes", [])), logged
    _no_probe_left(emulator, built["queue_url"])


def test_with_only_the_decimal_fix_the_student_gets_100(cli: Cli, emulator: dict[str, Any],
                                                        built: dict[str, str]) -> None:
    _redeploy(emulator, seed_code(decimal_fix=True))
    code, report = _verify(cli)
    failed = [c for c in report["checks"] if not c["ok"] and c["kind"] == "required"]
    assert code == 0 and not failed, failed
    assert report["score"] == 100
    # every incidental name is the student's, not codecraft's
    conf = aws(emulator, "lambda").get_function_configuration(FunctionName="ProcessOrder")
    assert conf["Handler"] == "lambda_function.lambda_handler" and conf["Timeout"] == 3
    assert set(conf["Environment"]["Variables"]) == {"DYNAMODB_TABLE", "SNS_TOPIC"}
    assert conf["Role"].endswith("/ProcessOrder-role-ab12cd34")
    # codecraft's extra check (400 on an order without order_id) is advice, not a failure
    kinds = {c["check"]: c["kind"] for c in report["checks"]}
    assert kinds.get("rejects_bad_order") == "advice"
    _no_probe_left(emulator, built["queue_url"])


def test_a_role_without_sns_publish_is_named_with_the_action(cli: Cli, emulator: dict[str, Any],
                                                             built: dict[str, str]) -> None:
    iam = aws(emulator, "iam")
    iam.put_role_policy(RoleName=built["role"], PolicyName="OrdersAccess", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "dynamodb:PutItem",
            "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"}]}))
    code, report = _verify(cli)
    assert code == 1
    said = [f"{c['message']} {c['fix']}" for c in _causes(report)]
    named = [s for s in said if "sns:Publish" in s and built["role"] in s]
    assert named, said
    _no_probe_left(emulator, built["queue_url"])
