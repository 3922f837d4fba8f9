"""The catalogue of mistakes: one log line as Lambda writes it → the cause and its fix.

The error lines are built as Lambda's Python runtime writes them (aws-lambda-python-runtime-
interface-client, awslambdaric/bootstrap.py ``log_error``: ``[ERROR] Type: message``, then
``Traceback (most recent call last):`` and the frames, joined by ``\\r`` in ONE event, leading
spaces as U+00A0; "AWS Lambda function errors in Python",
https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html). The messages are the
services' own: botocore's ``An error occurred (CODE) when calling the OP operation: MESSAGE``,
IAM's "User: ... is not authorized to perform: ACTION on resource: ARN" ("Access denied error
message examples", https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html),
Lambda's ``Task timed out after 3.00 seconds`` and ``Runtime exited with error: signal: killed``
("Troubleshoot invocation issues in Lambda"), PyMySQL's ``(2003, "Can't connect to MySQL server
on ...")`` (MySQL client error codes 1045, 1049, 1146, 2003).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from codecraft_cli.engine.diagnosis import Cause, Function, log_cause
from codecraft_cli.engine.diagnosis_catalogue import CATALOGUE
from codecraft_cli.engine.diagnosis_found import FOUND

ROLE = "arn:aws:iam::123456789012:role/service-role/ProcessOrder-role-ab12cd34"
CONFIG = {"FunctionName": "ProcessOrder", "Role": ROLE, "Handler": "lambda_function.lambda_handler",
          "Timeout": 3, "MemorySize": 128,
          "Environment": {"Variables": {"DYNAMODB_TABLE": "Orders", "SNS_TOPIC": "arn:aws:sns:us-east-1:1:X"}}}


def runtime_error(error_type: str, message: str, frames: list[tuple[str, int, str, str]] | None = None) -> str:
    """One log event as the runtime's ``log_error`` writes it."""
    lines = [f"[ERROR] {error_type}: {message}", "Traceback (most recent call last):"]
    for path, line, func, code in frames or []:
        lines += [f'\u00a0\u00a0File "{path}", line {line}, in {func}', "\u00a0" * 4 + code]
    return "\r".join(lines)


def client_error(code: str, operation: str, message: str, line: int = 17) -> str:
    return runtime_error("ClientError", f"An error occurred ({code}) when calling the {operation} operation: {message}",
                         [("/var/task/lambda_function.py", line, "lambda_handler", "do_it()"),
                          ("/var/lang/lib/python3.12/site-packages/botocore/client.py", 1023, "_make_api_call",
                           "raise error_class(parsed_response, operation_name)")])


def invocation(*events: str) -> list[str]:
    """An invocation's events as FilterLogEvents returns them, split into lines as the diagnosis reads them."""
    rid = "8f5e1f5c-6d3b-4a53-9d3c-2b1f0c2b7a11"
    out = [f"START RequestId: {rid} Version: $LATEST", *events, f"END RequestId: {rid}",
           f"REPORT RequestId: {rid}\tDuration: 120.00 ms\tBilled Duration: 121 ms\tMemory Size: 128 MB"]
    return [part.replace("\u00a0", " ") for e in out for part in re.split(r"[\r\n]", e) if part.strip()]


def diagnose_lines(events: list[str], lang: str = "en", config: dict[str, Any] | None = None) -> Cause | None:
    return log_cause(Function("ProcessOrder", CONFIG if config is None else config, invocation(*events)), lang)


FLOAT = runtime_error("TypeError", "Float types are not supported. Use Decimal types instead.", [
    ("/var/task/lambda_function.py", 17, "lambda_handler", "table.put_item(Item=order_data)"),
    ("/var/lang/lib/python3.12/site-packages/boto3/resources/factory.py", 581, "do_action",
     "response = action(self, *args, **kwargs)"),
    ("/var/lang/lib/python3.12/site-packages/boto3/dynamodb/types.py", 153, "_serialize_n",
     "raise TypeError('Float types are not supported. Use Decimal types instead.')")])
DENIED = client_error("AuthorizationError", "Publish",
                      "User: arn:aws:sts::123456789012:assumed-role/ProcessOrder-role-ab12cd34/ProcessOrder is not "
                      "authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:123456789012:"
                      "OrderNotifications because no identity-based policy allows the SNS:Publish action", 21)

# (log events, expected code, words the message or the fix must hold)
CASES: list[tuple[list[str], str, list[str]]] = [
    ([FLOAT], "float-to-dynamodb", ["parse_float=Decimal", "lambda_function.py, line 17"]),
    ([DENIED], "access-denied", ["sns:Publish", "ProcessOrder-role-ab12cd34",
                                 "arn:aws:sns:us-east-1:123456789012:OrderNotifications", "Add permissions"]),
    ([client_error("AccessDeniedException", "PutItem",
                   "User: arn:aws:sts::123456789012:assumed-role/OrdersRole/ProcessOrder is not authorized to "
                   "perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/Orders "
                   "because no identity-based policy allows the dynamodb:PutItem action")],
     "access-denied", ["dynamodb:PutItem", "OrdersRole", "table/Orders"]),
    ([client_error("AccessDenied", "SendMessage",
                   "User: arn:aws:sts::123456789012:assumed-role/OrdersRole/ProcessOrder is not authorized to "
                   "perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:123456789012:OrderProcessingQueue "
                   "because no identity-based policy allows the sqs:sendmessage action")],
     "access-denied", ["sqs:SendMessage", "OrderProcessingQueue"]),
    ([client_error("AccessDenied", "PutObject", "Access Denied")], "s3-access-denied", ["s3:PutObject"]),
    ([runtime_error("KeyError", "'body'", [("/var/task/lambda_function.py", 14, "lambda_handler",
                                            "order_data = json.loads(event['body'])")])],
     "keyerror-body", ["proxy integration", "test event", "line 14"]),
    ([runtime_error("KeyError", "'TABLE_NAME'", [
        ("/var/lang/lib/python3.12/importlib/__init__.py", 90, "import_module", "return _bootstrap._gcd_import()"),
        ("/var/task/lambda_function.py", 8, "<module>", "TABLE_NAME = os.environ['TABLE_NAME']"),
        ("<frozen os>", 714, "__getitem__", "")])],
     "missing-env-var", ["TABLE_NAME", "Environment variables", "line 8"]),
    ([runtime_error("KeyError", "'Records'", [("/var/task/lambda_function.py", 5, "lambda_handler",
                                               "for record in event['Records']:")])],
     "keyerror-records", ["Records", "trigger"]),
    ([runtime_error("KeyError", "'order_id'", [("/var/task/lambda_function.py", 20, "lambda_handler",
                                                "order_data['order_id']")])], "keyerror-field", ["order_id"]),
    (["[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'app'\r"
      "Traceback (most recent call last):"], "handler-file", ["app.py", "Runtime settings", "lambda_function.lambda_handler"]),
    (["[ERROR] Runtime.ImportModuleError: Unable to import module 'lambda_function': No module named 'pymysql'\r"
      "Traceback (most recent call last):"], "missing-dependency", ["pymysql", "layer"]),
    (["[ERROR] Runtime.ImportModuleError: Unable to import module 'lambda_function': cannot import name 'x' "
      "from 'y' (/var/task/y.py)\rTraceback (most recent call last):"], "import-error", ["cannot import name"]),
    (["[ERROR] Runtime.HandlerNotFound: Handler 'lambda_handler' missing on module 'lambda_function'\r"
      "Traceback (most recent call last):"], "handler-function", ["lambda_function.py", "lambda_handler"]),
    (["[ERROR] Runtime.UserCodeSyntaxError: Syntax error in module 'lambda_function': invalid syntax "
      "(lambda_function.py, line 12)\rTraceback (most recent call last):\r\u00a0\u00a0File "
      "\"/var/task/lambda_function.py\" Line 12\r\u00a0\u00a0\u00a0\u00a0def lambda_handler(event context):"],
     "syntax-error", ["invalid syntax"]),
    (["[ERROR] Runtime.MalformedHandlerName: Bad handler 'lambda_function': not enough values to unpack "
      "(expected 2, got 1)\rTraceback (most recent call last):"], "handler-malformed", ["file.function"]),
    (["2026-11-29T10:00:03.012Z 8f5e1f5c-6d3b-4a53-9d3c-2b1f0c2b7a11 Task timed out after 3.00 seconds"],
     "timeout", ["3.00 s", "Timeout"]),
    (["RequestId: 8f5e1f5c-6d3b-4a53-9d3c-2b1f0c2b7a11 Error: Runtime exited with error: signal: killed",
      "Runtime.ExitError"], "out-of-memory", ["128 MB", "Memory"]),
    (["RequestId: 8f5e1f5c Error: Runtime exited with error: exit status 1", "Runtime.ExitError"],
     "runtime-exit", ["sys.exit"]),
    (["[ERROR] Runtime.MarshalError: Unable to marshal response: Object of type Decimal is not JSON serializable\r"
      "Traceback (most recent call last):"], "decimal-not-serializable", ["default=str"]),
    ([runtime_error("TypeError", "Object of type Decimal is not JSON serializable", [
        ("/var/task/lambda_function.py", 30, "lambda_handler", "'body': json.dumps(item)")])],
     "decimal-not-serializable", ["line 30"]),
    (["[ERROR] Runtime.MarshalError: Unable to marshal response: Object of type set is not JSON serializable\r"
      "Traceback (most recent call last):"], "marshal-error", ["JSON"]),
    ([client_error("ResourceNotFoundException", "PutItem", "Requested resource not found")],
     "table-not-found", ["Environment variables"]),
    ([client_error("ValidationException", "PutItem",
                   "One or more parameter values were invalid: Missing the key order_id in the item")],
     "dynamodb-key-missing", ["order_id", "Partition key"]),
    ([client_error("ValidationException", "PutItem", "One or more parameter values were invalid: Type mismatch "
                                                     "for key order_id expected: S actual: N")],
     "dynamodb-key-type", ["order_id", "S"]),
    ([client_error("NotFound", "Publish", "Topic does not exist")], "topic-not-found", ["ARN"]),
    ([client_error("InvalidParameter", "Publish", "Invalid parameter: TopicArn")], "topic-arn-invalid", ["TopicArn"]),
    ([client_error("AWS.SimpleQueueService.NonExistentQueue", "SendMessage",
                   "The specified queue does not exist.")], "queue-not-found", ["URL"]),
    ([runtime_error("JSONDecodeError", "Expecting value: line 1 column 1 (char 0)", [
        ("/var/task/lambda_function.py", 14, "lambda_handler", "json.loads(event['body'])")])],
     "json-decode", ["Expecting value", "400"]),
    ([runtime_error("TypeError", "the JSON object must be str, bytes or bytearray, not NoneType")],
     "json-loads-none", ["None"]),
    ([runtime_error("TypeError", "the JSON object must be str, bytes or bytearray, not dict")],
     "json-loads-dict", ["dict"]),
    ([runtime_error("OperationalError", "(2003, \"Can't connect to MySQL server on 'mydb.abc.us-east-1.rds."
                                        "amazonaws.com' (timed out)\")")], "mysql-unreachable", ["3306", "mydb"]),
    ([runtime_error("OperationalError", "(1045, \"Access denied for user 'admin'@'10.0.1.5' (using password: YES)\")")],
     "mysql-access-denied", ["admin"]),
    ([runtime_error("OperationalError", "(1049, \"Unknown database 'projets'\")")], "mysql-unknown-database",
     ["projets"]),
    ([runtime_error("ProgrammingError", "(1146, \"Table 'projets.projects' doesn't exist\")")],
     "mysql-table-missing", ["projets.projects"]),
    ([runtime_error("OperationalError", "(2003, \"Can't connect to MySQL server on 'db' ([SSL: "
                                        "CERTIFICATE_VERIFY_FAILED] certificate verify failed)\")")],
     "mysql-unreachable", ["db"]),
    ([runtime_error("SSLError", "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed "
                                "certificate in certificate chain (_ssl.c:1006)")], "mysql-tls", ["global-bundle.pem"]),
    ([client_error("NoSuchBucket", "PutObject", "The specified bucket does not exist")], "s3-no-such-bucket",
     ["lower case"]),
    ([client_error("NoSuchKey", "GetObject", "The specified key does not exist.")], "s3-no-such-key",
     ["unquote_plus"]),
    ([client_error("ResourceNotFoundException", "GetSecretValue",
                   "Secrets Manager can't find the specified secret.")], "secret-not-found", ["ARN"]),
    ([client_error("TooManyRequestsException", "Invoke", "Rate Exceeded.")], "throttled", ["Concurrency"]),
    ([runtime_error("ConnectTimeoutError", "Connect timeout on endpoint URL: \"https://sqs.us-east-1.amazonaws.com/\"")],
     "endpoint-unreachable", ["https://sqs.us-east-1.amazonaws.com/", "Endpoints"]),
    ([runtime_error("Error", "Incorrect padding")], "base64-padding", ["base64"]),
    ([runtime_error("OSError", "cannot write mode RGBA as JPEG")], "jpeg-rgba", ["convert('RGB')"]),
    ([runtime_error("TypeError", "'NoneType' object is not subscriptable", [
        ("/var/task/lambda_function.py", 11, "lambda_handler", "project_id = event['queryStringParameters']['id']")])],
     "none-subscript", ["queryStringParameters", "line 11"]),
    ([runtime_error("OSError", "[Errno 30] Read-only file system: '/var/task/out.jpg'")], "read-only-fs",
     ["/var/task/out.jpg", "/tmp"]),
    (["[ERROR] Runtime.ImportModuleError: Unable to import module 'lambda_function': cannot import name '_imaging' "
      "from 'PIL' (/var/task/PIL/__init__.py)\rTraceback (most recent call last):"], "wrong-platform-build",
     ["PIL", "manylinux2014_x86_64"]),
    ([client_error("MessageRejected", "SendEmail", "Email address is not verified. The following identities failed "
                                                   "the check in region US-EAST-1: client@example.com")],
     "ses-unverified", ["client@example.com", "Verified identities"]),
    ([client_error("InvalidBucketName", "CreateBucket", "The specified bucket is not valid.")],
     "s3-invalid-bucket-name", ["lower case"]),
    ([client_error("ValidationException", "GetItem", "The provided key element does not match the schema")],
     "dynamodb-key-schema", ["Overview"]),
    ([runtime_error("ParamValidationError", "Parameter validation failed:"),
      "Invalid type for parameter Item.price, value: 999.99, type: <class 'float'>, valid types: <class 'dict'>"],
     "dynamodb-client-untyped", ["Item.price", "boto3.resource"]),
    ([client_error("UnrecognizedClientException", "PutItem", "The security token included in the request is "
                                                             "invalid.")], "invalid-credentials", ["execution role"]),
    ([runtime_error("EndpointConnectionError", "Could not connect to the endpoint URL: "
                                               "\"https://dynamodb.eu-west-33.amazonaws.com/\"")],
     "endpoint-connect", ["eu-west-33", "region"]),
    ([runtime_error("RuntimeError", "'cryptography' package is required for sha256_password or "
                                    "caching_sha2_password auth methods")], "mysql-cryptography", ["TLS"]),
    ([runtime_error("NameError", "name 'tabel' is not defined", [
        ("/var/task/lambda_function.py", 19, "lambda_handler", "tabel.put_item(Item=order_data)")])],
     "code-error", ["NameError", "name 'tabel' is not defined", "lambda_function.py, line 19"]),
]


@pytest.mark.parametrize(("events", "code", "words"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_a_log_line_names_its_cause_and_fix(events: list[str], code: str, words: list[str]) -> None:
    found = diagnose_lines(events)
    assert found is not None and found.code == code, found
    said = found.message + " " + found.fix
    for word in words:
        assert word in said, (word, said)
    assert found.evidence and "?" not in found.message.replace("?)", ""), found


def _french(message_id: str) -> str:
    """The French of a catalogue text (its English id), from the catalogs."""
    from codecraft_cli.engine.diagnosis_found import speaking
    from codecraft_cli.i18n import _

    with speaking("fr"):
        return _(message_id)


def test_every_log_entry_of_the_catalogue_has_a_case_and_both_languages() -> None:
    tested = {code for _, code, _ in CASES}
    for entry in CATALOGUE:
        assert entry["message"] and entry["fix"]
        assert _french(entry["message"]) != entry["message"] and _french(entry["fix"]) != entry["fix"], entry["code"]
        if entry.get("source", "log") == "log":
            assert entry["code"] in tested, entry["code"]
    for code, entry in FOUND.items():
        assert _french(entry["message"]) != entry["message"] and _french(entry["fix"]) != entry["fix"], code


def test_french_texts_follow_french_typography() -> None:
    """A space before : ; ! ? in French (not inside code or URLs)."""
    texts = [_french(e[k]) for e in [*CATALOGUE, *FOUND.values()] for k in ("message", "fix")]
    for value in texts:
        prose = re.sub(r"Content-Type: \S+|\S*=\S*|\S*[/'\"(\[{][^\s]*|https?://\S+|\w+:\w+|\{[^}]*\}", "", value)
        assert not re.search(r"\w[;!?]|\w: ", prose), value


def test_the_float_cause_in_french_names_the_console_and_the_line() -> None:
    found = diagnose_lines([FLOAT], "fr")
    assert found is not None
    assert found.message == ("La fonction passe des nombres à virgule (float) à DynamoDB, qui exige des Decimal "
                             "(lambda_function.py, ligne 17).")
    assert "json.loads(event['body'], parse_float=Decimal)" in found.fix


def test_access_denied_in_french_names_the_role_and_the_console_path() -> None:
    found = diagnose_lines([DENIED], "fr")
    assert found is not None
    assert found.message == ("Le rôle ProcessOrder-role-ab12cd34 n'autorise pas sns:Publish sur "
                             "arn:aws:sns:us-east-1:123456789012:OrderNotifications.")
    assert found.fix.startswith("IAM › Rôles › ProcessOrder-role-ab12cd34 › Ajouter des autorisations")


def test_a_keyerror_on_a_variable_the_function_has_is_not_a_missing_variable() -> None:
    """KeyError 'DYNAMODB_TABLE' while the environment has it: a field of the data, not the configuration."""
    found = diagnose_lines([runtime_error("KeyError", "'DYNAMODB_TABLE'", [
        ("/var/task/lambda_function.py", 9, "lambda_handler", "item['DYNAMODB_TABLE']")])])
    assert found is not None and found.code == "keyerror-field"


def test_the_last_error_of_the_run_wins() -> None:
    lines = invocation(FLOAT) + invocation(DENIED)
    found = log_cause(Function("ProcessOrder", CONFIG, lines), "en")
    assert found is not None and found.code == "access-denied"


def test_an_error_logged_line_by_line_still_gives_the_students_line() -> None:
    """Other runtimes or a print of the traceback: the frames in events of their own."""
    events = ["[ERROR] TypeError: Float types are not supported. Use Decimal types instead.",
              "Traceback (most recent call last):",
              '  File "/var/task/app.py", line 23, in handler', "    table.put_item(Item=order)"]
    found = diagnose_lines(events)
    assert found is not None and "app.py, line 23" in found.message


def test_a_log_without_error_says_nothing() -> None:
    assert diagnose_lines(["received order 12345", "[INFO]\t2026-11-29T10:00:00.000Z\tid\tdone"]) is None


def test_the_json_log_format_reads_as_the_text_one() -> None:
    """A function whose log format is JSON ("Configuring advanced logging controls"): the runtime's
    error record (awslambdaric log_error, JSON format) and the platform.start event."""
    from codecraft_cli.engine.diagnosis import as_text

    start = json.dumps({"time": "2026-11-29T10:00:00.000Z", "type": "platform.start",
                        "record": {"requestId": "r1", "version": "$LATEST"}})
    error = json.dumps({"timestamp": "2026-11-29T10:00:00Z", "log_level": "ERROR",
                        "errorMessage": "Float types are not supported. Use Decimal types instead.",
                        "errorType": "TypeError", "requestId": "r1", "stackTrace": [
                            '  File "/var/task/lambda_function.py", line 17, in lambda_handler\n'
                            '    table.put_item(Item=order_data)\n']})
    lines = [part for e in (start, error) for part in as_text(e).split("\n") if part.strip()]
    assert lines[0] == "START RequestId: r1 Version: $LATEST"
    found = log_cause(Function("ProcessOrder", CONFIG, lines), "en")
    assert found is not None and found.code == "float-to-dynamodb" and "line 17" in found.message


def test_without_the_configuration_the_tracebacks_os_environ_tells_a_variable() -> None:
    line = runtime_error("KeyError", "'DYNAMODB_TABLE'", [
        ("/var/task/lambda_function.py", 9, "<module>", "TABLE_NAME = os.environ['DYNAMODB_TABLE']")])
    found = diagnose_lines([line], config={})
    assert found is not None and found.code == "missing-env-var"


@pytest.mark.parametrize("kind, params", [("alarm_state", {"alarm": "errors_alarm", "state": "ALARM"}),
                                          ("metric", {"function": "demo_function", "metric": "Errors"}),
                                          ("trace", {"function": "demo_function"}),
                                          ("invoke", {"function": "demo_function", "expect_error": True})])
def test_a_monitoring_check_is_not_blamed_on_the_error_it_provoked(kind: str, params: dict[str, Any]) -> None:
    """workshop4 makes MonitoringDemo fail on purpose: an alarm that does not fire is its settings'
    fault, not the function's. The function's log is not even read (the state has no client)."""
    from types import SimpleNamespace

    from codecraft_cli.engine import diagnosis
    from codecraft_cli.workshop.model import CheckSpec

    class NoClient:
        lang = "en"
        is_local = True

        def client(self, service: str) -> Any:
            raise AssertionError(f"the diagnosis read {service}")

    state = SimpleNamespace(ctx=NoClient(), lang="en", outputs={}, responses={})
    check = CheckSpec(id="x", type=kind, step="test", title={"en": "x"}, params=params)
    assert diagnosis._diagnose(state, check) == []  # type: ignore[arg-type]
