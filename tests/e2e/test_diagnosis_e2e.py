"""Diagnosis on the emulator: seed 004 built by hand (the console's way, ``build_seed004``) with real
mistakes, invoked, and the cause read from the evidence as a teacher would.

- ``verify --json`` names the cause of a failed check: the seed's code passes floats to DynamoDB
  (boto3: "Float types are not supported. Use Decimal types instead.") → the ``Decimal`` /
  ``parse_float`` fix and the student's line; with that fixed, a role without ``sns:Publish``
  → the action, the topic and the role by name;
- the function's own log (as Lambda's Python runtime writes it: one ``[ERROR]`` event, the
  traceback's frames under ``/var/task``) read back and diagnosed after each further mistake: an
  environment variable removed, the handler naming another file, a timeout too short;
- as on Lambda, logs are sent with the execution role's permissions: the console's default role
  (basic execution policy) leaves ``/aws/lambda/<name>``; a role without the logs actions leaves
  nothing, and the diagnosis says which actions the role lacks
  (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from types import SimpleNamespace
from typing import Any

import pytest

from codecraft_cli.engine.diagnosis import Function, diagnose, log_cause, read_lines
from codecraft_cli.engine.probes import RunState
from codecraft_cli.workshop.model import CheckSpec

from .conftest import Cli, aws
from .test_handbuilt_e2e import build_seed004, seed_code

pytestmark = pytest.mark.e2e
ACCOUNT = "123456789012"


def _causes(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [cause for check in report["checks"] if not check["ok"] for cause in check.get("causes", [])]


def _verify(cli: Cli) -> dict[str, Any]:
    proc = cli("verify", "anycompany-orders", "--json", timeout=300)
    assert proc.returncode == 1, (proc.returncode, proc.stderr, proc.stdout[-2000:])
    return dict(json.loads(proc.stdout))


def _zip(code: str, name: str = "lambda_function.py") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, code)
    return buf.getvalue()


def _invoke_and_read(emulator: dict[str, Any], name: str, event: dict[str, Any]) -> Function:
    """Invoke the function, then read its log since then as the diagnosis does."""
    since = int(time.time() * 1000) - 1
    lam = aws(emulator, "lambda")
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    lam.invoke(FunctionName=name, Payload=json.dumps(event).encode())
    config = lam.get_function_configuration(FunctionName=name)
    return Function(name, config, read_lines(aws(emulator, "logs"), f"/aws/lambda/{name}", since))


ORDER = {"body": json.dumps({"order_id": "e2e-1", "product": "Laptop", "price": 999.99})}


@pytest.fixture(scope="module")
def built(emulator: dict[str, Any]) -> dict[str, str]:
    # the seed's code word for word (floats) and a role the student forgot to give sns:Publish
    return build_seed004(emulator, decimal_fix=False, sns_publish=False)


def test_verify_names_the_float_then_the_missing_sns_publish(cli: Cli, emulator: dict[str, Any],
                                                            built: dict[str, str]) -> None:
    causes = _causes(_verify(cli))
    floats = [c for c in causes if c["code"] == "float-to-dynamodb"]
    assert floats, causes
    assert "parse_float=Decimal" in floats[0]["fix"]
    assert "lambda_function.py, line 17" in floats[0]["message"]  # the seed's table.put_item line
    assert floats[0]["evidence"].startswith("[ERROR] TypeError: Float types are not supported.")
    # the console's default role left the function's log group (created on the first invocation)
    groups = aws(emulator, "logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/ProcessOrder")["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/aws/lambda/ProcessOrder"]

    aws(emulator, "lambda").update_function_code(FunctionName="ProcessOrder",
                                                 ZipFile=_zip(seed_code(decimal_fix=True)))
    aws(emulator, "lambda").get_waiter("function_updated_v2").wait(FunctionName="ProcessOrder")
    causes = _causes(_verify(cli))
    denied = [c for c in causes if c["code"] == "access-denied"]
    assert denied, causes
    assert denied[0]["message"] == (f"The role {built['role']} does not allow sns:Publish on {built['topic_arn']}.")
    assert denied[0]["fix"].startswith(f"IAM › Roles › {built['role']} › Add permissions")
    assert not [c for c in causes if c["code"] == "float-to-dynamodb"]  # this run's evidence only


def test_a_removed_variable_a_wrong_handler_and_a_short_timeout(emulator: dict[str, Any],
                                                                built: dict[str, str]) -> None:
    lam = aws(emulator, "lambda")
    lam.update_function_configuration(FunctionName="ProcessOrder",
                                      Environment={"Variables": {"SNS_TOPIC": built["topic_arn"]}})
    found = log_cause(_invoke_and_read(emulator, "ProcessOrder", ORDER), "fr")
    assert found is not None and found.code == "missing-env-var", found
    assert "DYNAMODB_TABLE" in found.message and "lambda_function.py, ligne 9" in found.message
    assert "Variables d'environnement" in found.fix

    lam.update_function_configuration(FunctionName="ProcessOrder", Handler="app.lambda_handler",
                                      Environment={"Variables": {"DYNAMODB_TABLE": "Orders",
                                                                 "SNS_TOPIC": built["topic_arn"]}})
    found = log_cause(_invoke_and_read(emulator, "ProcessOrder", ORDER), "en")
    assert found is not None and found.code == "handler-file", found
    assert found.evidence == ("[ERROR] Runtime.ImportModuleError: Unable to import module 'app': "
                              "No module named 'app'")

    lam.update_function_configuration(FunctionName="ProcessOrder", Handler="lambda_function.lambda_handler",
                                      Timeout=1)
    lam.get_waiter("function_updated_v2").wait(FunctionName="ProcessOrder")
    lam.update_function_code(FunctionName="ProcessOrder", ZipFile=_zip(
        "import time\ndef lambda_handler(event, context):\n    time.sleep(3)\n    return {'statusCode': 200}\n"))
    found = log_cause(_invoke_and_read(emulator, "ProcessOrder", ORDER), "en")
    assert found is not None and found.code == "timeout", found
    assert "1.00 s" in found.message and "Timeout" in found.fix


def test_a_role_without_the_logs_actions_leaves_no_log_and_is_named(emulator: dict[str, Any]) -> None:
    iam, lam = aws(emulator, "iam"), aws(emulator, "lambda")
    role = iam.create_role(RoleName="NoLogsRole", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    lam.create_function(FunctionName="NoLogs", Runtime="python3.12", Role=role, Handler="lambda_function.lambda_handler",
                        Code={"ZipFile": _zip("def lambda_handler(event, context):\n    print('hello')\n")})
    lam.get_waiter("function_active_v2").wait(FunctionName="NoLogs")
    fn = _invoke_and_read(emulator, "NoLogs", {})
    assert fn.lines is None  # no group: the role may not create it
    clients = {s: aws(emulator, s) for s in ("logs", "lambda", "iam")}
    ctx = SimpleNamespace(lang="en", region="us-east-1", is_local=True, client=lambda s: clients[s],
                          workshop=SimpleNamespace(resources=[SimpleNamespace(id="fn", type="lambda.function")]))
    run = RunState(ctx, {"fn": {"name": "NoLogs"}})  # type: ignore[arg-type]
    causes = diagnose(run, CheckSpec("ran", "log_events", "s", {}, {"function": "fn"}))
    assert [c.code for c in causes] == ["no-log-group"], causes
    assert causes[0].message == ("The function NoLogs left no log: its role NoLogsRole does not allow "
                                 "logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents.")
    # the console's default: the AWS managed basic execution policy attached → the group appears
    iam.attach_role_policy(RoleName="NoLogsRole",
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    fn = _invoke_and_read(emulator, "NoLogs", {})
    assert fn.lines is not None and "hello" in fn.lines, fn.lines
