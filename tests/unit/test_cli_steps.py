"""`show W --as cli`: plan steps as AWS CLI commands, and the workshop as a script.

Expectations come from the AWS CLI command reference (https://docs.aws.amazon.com/cli/latest/reference/),
not from codecraft: e.g. sns subscribe's synopsis names ``--notification-endpoint`` (awscli renames the
API's Endpoint), lambda create-function takes ``--zip-file fileb://my-function.zip``, booleans are
``--x | --no-x`` flags, structures are JSON (cli-usage-parameters-types.html), waiters are ``aws
<service> wait <waiter>``, the S3 API is ``aws s3api``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from codecraft_cli.engine.cli_command import as_json, command, query, raw, var, word
from codecraft_cli.engine.cli_steps import cli_script, cli_steps
from codecraft_cli.resources.plan import Call, Wait
from codecraft_cli.workshop import load_workshop


def test_sqs_create_queue_attributes_as_json_and_no_codecraft_tags() -> None:
    # aws sqs create-queue --queue-name MyQueue --attributes '{"VisibilityTimeout":"60"}' (sqs/create-queue.html)
    line = command(Call("sqs", "create_queue", {"QueueName": "X", "Attributes": {"VisibilityTimeout": "60"},
                                                "tags": {"codecraft:workshop": "w"}}))
    assert line == """aws sqs create-queue --queue-name X --attributes '{"VisibilityTimeout":"60"}'"""


def test_lambda_create_function_zip_from_a_file() -> None:
    # aws lambda create-function --function-name my-function --runtime ... --zip-file fileb://my-function.zip
    line = command(Call("lambda", "create_function", {
        "FunctionName": "ProcessOrder", "Runtime": "python3.12", "Handler": "app.lambda_handler",
        "Role": "arn:aws:iam::123456789012:role/R", "Code": {"ZipFile": b"PK..."}, "Timeout": 10,
        "Architectures": ["x86_64"]}), "ProcessOrder.zip")
    assert line.startswith("aws lambda create-function ")
    assert "--zip-file fileb://ProcessOrder.zip" in line and "--code" not in line and "PK" not in line
    for expected in ("--function-name ProcessOrder", "--runtime python3.12", "--handler app.lambda_handler",
                     "--role arn:aws:iam::123456789012:role/R", "--timeout 10", """--architectures '["x86_64"]'"""):
        assert expected in line


def test_cli_renames_and_boolean_flags() -> None:
    # sns subscribe synopsis: --notification-endpoint, [--return-subscription-arn | --no-return-subscription-arn]
    line = command(Call("sns", "subscribe", {"TopicArn": "arn:t", "Protocol": "sqs", "Endpoint": "arn:q",
                                             "ReturnSubscriptionArn": True}))
    assert line == "aws sns subscribe --topic-arn arn:t --protocol sqs --notification-endpoint arn:q " \
                   "--return-subscription-arn"
    # rds create-db-instance: [--multi-az | --no-multi-az], [--manage-master-user-password | ...]
    line = command(Call("rds", "create_db_instance", {"DBInstanceIdentifier": "db1", "MultiAZ": False,
                                                      "ManageMasterUserPassword": True}))
    assert line == "aws rds create-db-instance --db-instance-identifier db1 --no-multi-az " \
                   "--manage-master-user-password"
    # cognito-idp create-user-pool-client: [--generate-secret | --no-generate-secret]
    assert "--no-generate-secret" in command(Call("cognito-idp", "create_user_pool_client", {
        "UserPoolId": "p", "ClientName": "c", "GenerateSecret": False}))
    # apigateway create-rest-api: the API's "version" is --api-version (the CLI's --version is global)
    assert "--api-version v1" in command(Call("apigateway", "create_rest_api", {"name": "A", "version": "v1"}))
    assert command(Call("apigateway", "get_resources", {"restApiId": "abc"})) == \
        "aws apigateway get-resources --rest-api-id abc"


def test_waiters_and_s3api() -> None:
    assert command(Wait("dynamodb", "table_exists", {"TableName": "Orders"})) == \
        "aws dynamodb wait table-exists --table-name Orders"
    assert command(Wait("lambda", "function_active_v2", {"FunctionName": "F"})) == \
        "aws lambda wait function-active-v2 --function-name F"
    assert command(Wait("rds", "db_instance_available", {"DBInstanceIdentifier": "db1"})) == \
        "aws rds wait db-instance-available --db-instance-identifier db1"
    line = command(Call("s3", "put_public_access_block", {"Bucket": "b", "PublicAccessBlockConfiguration": {
        "BlockPublicAcls": True}}))
    assert line == """aws s3api put-public-access-block --bucket b --public-access-block-configuration """ \
                   """'{"BlockPublicAcls":true}'"""


def test_lambda_invoke_payload_is_raw_json_and_an_outfile() -> None:
    line = command(Call("lambda", "invoke", {"FunctionName": "F", "Payload": b'{"a": 1}'}))
    # CLI v2 reads blobs as base64 unless --cli-binary-format raw-in-base64-out; invoke needs an outfile
    assert line == """aws lambda invoke --cli-binary-format raw-in-base64-out --payload '{"a": 1}' """ \
                   """--function-name F response.json"""


def test_a_parameter_the_api_does_not_have_is_refused() -> None:
    with pytest.raises(KeyError):
        command(Call("sqs", "create_queue", {"QueueName": "X", "Nope": 1}))


def test_query_paths() -> None:
    assert query(("TopicArn",)) == "TopicArn"
    assert query(("Role", "Arn")) == "Role.Arn"
    assert query(("items", "0", "id")) == "items[0].id"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_variables_spliced_into_words_and_json_expand_in_bash() -> None:
    value = {"Variables": {"TOPIC_ARN": var("TOPIC"), "TABLE": "Orders"}, "Ids": raw("SUBNETS"),
             "Policy": json.dumps({"Resource": var("TOPIC") + ":*"})}  # a JSON text inside JSON
    arn = word(f"arn:aws:sns:{var('REGION')}:x")
    assert arn == '"arn:aws:sns:${REGION}:x"'
    script = (f"TOPIC='arn:aws:sns:eu-west-3:1:T'; REGION=eu-west-3; SUBNETS='[\"s-1\", \"s-2\"]'; "
              f"printf '%s\\n' {as_json(value)} {arn}")
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.splitlines()
    got = json.loads(out[0])
    assert got["Variables"] == {"TOPIC_ARN": "arn:aws:sns:eu-west-3:1:T", "TABLE": "Orders"}
    assert got["Ids"] == ["s-1", "s-2"]
    assert json.loads(got["Policy"]) == {"Resource": "arn:aws:sns:eu-west-3:1:T:*"}
    assert out[1] == "arn:aws:sns:eu-west-3:x"


def _script(workshop: str, lang: str = "en", **kw: object) -> str:
    return cli_script(load_workshop(workshop), lang, **kw)  # type: ignore[arg-type]


def test_orders_script_captures_values_for_later_steps() -> None:
    script = _script("anycompany-orders")
    assert "NOTIFICATIONS_ARN=$(aws sns create-topic --name OrderNotifications --query TopicArn --output text)" \
        in script
    assert "ORDERS_API_ID=$(aws apigateway create-rest-api --name OrdersAPI" in script
    assert "aws dynamodb wait table-exists --table-name Orders" in script
    assert re.search(r"python3 -m zipfile -c ProcessOrder\.zip \S+/lambda_src/process_order/app\.py", script)
    assert "--zip-file fileb://ProcessOrder.zip" in script
    assert "codecraft:workshop" not in script  # what a student builds is not codecraft's


@pytest.mark.parametrize("workshop", ["anycompany-orders", "workshop1", "workshop2", "image-pipeline",
                                      "job-events"])
def test_every_variable_is_set_before_it_is_read(workshop: str) -> None:
    script = _script(workshop)
    if shutil.which("bash"):
        subprocess.run(["bash", "-n"], input=script, text=True, check=True)
    defined = {"REGION", "ACCOUNT_ID", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION"}
    if workshop == "workshop2":  # workshop1's script sets these first (the header says so)
        w1 = cli_steps(load_workshop("workshop1"))
        defined |= set().union(*(s.defines for s in w1))
    for line in script.splitlines():
        if line.startswith("#"):
            continue
        body = line.split("=", 1)[1] if re.match(r"^[A-Z_0-9]+=", line) else line
        for name in re.findall(r"\$\{?([A-Z_][A-Z0-9_]*)", body):
            assert name in defined, f"{workshop}: {name} read before it is set: {line[:160]}"
        m = re.match(r"^([A-Z_0-9]+)=", line) or re.match(r"^read -r ([A-Z_0-9 ]+) <<<", line)
        if m:
            defined |= set(m.group(1).split())


def test_secrets_stay_managed_and_in_variables() -> None:
    script = _script("workshop1")
    assert "--manage-master-user-password" in script and "--master-user-password" not in script
    # the test user's password: generated into a variable, never written in the script
    assert re.search(r"--secret-string \"\$\{[A-Z_]+\}\"", script)
    assert re.search(r"--password \"\$\{[A-Z_]+\}\"", script)


def test_french_texts_and_typography(request: pytest.FixtureRequest) -> None:
    from codecraft_cli.i18n import set_lang

    set_lang("fr")  # the process speaks French (main() sets it from --lang)
    request.addfinalizer(lambda: set_lang("en"))
    script = _script("anycompany-orders", "fr")
    # French typography: a no-break space before the colon
    assert "# ── Étape 1\u00a0: Créer la table DynamoDB Orders" in script
    assert "Sur l'émulateur\u00a0: d'abord eval \"$(codecraft local env)\"" in script
    assert "Step 1" not in script


def test_student_names_and_one_step_with_earlier_values() -> None:
    script = _script("anycompany-orders", student="bob", only_step="api",
                     known={"process_order": {"name": "bob-ProcessOrder",
                                              "arn": "arn:aws:lambda:us-east-1:1:function:bob-ProcessOrder"}})
    assert "Step 5: Expose the function" in script and "Step 4" not in script
    assert "PROCESS_ORDER_NAME=bob-ProcessOrder" in script
    assert "PROCESS_ORDER_ARN=arn:aws:lambda:us-east-1:1:function:bob-ProcessOrder" in script
    assert "--name bob-OrdersAPI" in script
    assert "set -e" not in script  # pasted into an interactive shell: an error must not close it


class _State:
    def __init__(self, resources: dict[str, dict[str, object]]) -> None:
        self.resources = resources
        self.steps: dict[str, str] = {}


class _Ctx:
    def __init__(self, is_local: bool, lang: str) -> None:
        self.workshop = load_workshop("anycompany-orders")
        self.is_local, self.lang, self.student = is_local, lang, None


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_step_by_step_by_hand_on_the_emulator_points_to_the_cli(lang: str, request: pytest.FixtureRequest) -> None:
    from rich.console import Console

    from codecraft_cli.cli.stepper import StepByStep
    from codecraft_cli.i18n import set_lang

    set_lang(lang)  # the process speaks the context's language (main() sets it)
    request.addfinalizer(lambda: set_lang("en"))

    topic = "arn:aws:sns:us-east-1:123456789012:OrderNotifications"
    # every earlier resource known from the state file: no look-up needed
    state = _State({r.id: {"outputs": {"arn": topic} if r.id == "notifications" else {"name": r.id}}
                    for r in load_workshop("anycompany-orders").resources})
    out = Console(record=True, width=100)
    prompts: list[str] = []
    stepper = StepByStep(_Ctx(True, lang), state, out, lambda p: prompts.append(p) or "q",  # type: ignore[arg-type]
                         lambda: None)
    queue_step = next(s for s in stepper.ctx.workshop.steps if s.id == "queue")
    assert stepper._by_hand(queue_step) is False  # q: quit
    shown = out.export_text()
    assert 'eval "$(codecraft local env)"' in shown and "codecraft aws" in shown
    assert "codecraft show anycompany-orders --as cli --step queue" in shown
    assert f"NOTIFICATIONS_ARN={topic}" in shown  # the earlier step's value, filled in
    assert "aws sqs create-queue --queue-name OrderProcessingQueue" in shown
    assert ("Pas de console sur l'émulateur" if lang == "fr" else "No console on the emulator") in shown
    assert "AWS CLI" in prompts[0] and "console (the click-path" not in prompts[0]


def test_step_by_step_by_hand_on_aws_keeps_the_console() -> None:
    from rich.console import Console

    from codecraft_cli.cli.stepper import StepByStep

    out = Console(record=True, width=100)
    prompts: list[str] = []
    stepper = StepByStep(_Ctx(False, "en"), _State({}), out, lambda p: prompts.append(p) or "q",  # type: ignore[arg-type]
                         lambda: None)
    assert stepper._by_hand(stepper.ctx.workshop.steps[0]) is False
    assert out.export_text() == "" and prompts[0].startswith("Do it in the console now")


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is needed")
@pytest.mark.parametrize("region, expected", [("us-east-1", []),
                                              ("eu-west-3", ["--create-bucket-configuration",
                                                             "LocationConstraint=eu-west-3"])])
def test_create_bucket_says_the_region_except_in_us_east_1(region: str, expected: list[str]) -> None:
    """S3 CreateBucket (API reference): us-east-1 refuses a LocationConstraint
    (InvalidLocationConstraint), every other region needs one."""
    script = _script("workshop3")
    preamble = next(line for line in script.splitlines() if line.startswith("BUCKET_CONFIG="))
    create = next(line for line in script.splitlines() if line.startswith("aws s3api create-bucket"))
    shell = (f'set -euo pipefail; REGION={region}; aws() {{ printf "%s\\n" "$@"; }}; {preamble}; {create}')
    said = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, check=True).stdout.splitlines()
    assert said[:2] == ["s3api", "create-bucket"] and said[2:2 + len(expected)] == expected
    assert said[2 + len(expected)] == "--bucket"
