"""The mistakes students make, as data: what the evidence says, the cause, the fix in the console's words.

Each entry: ``code`` (stable), ``pattern`` (a regular expression searched in one line of evidence:
a log line of the function, or ``"<status> <body>"`` of the API's answer), optional ``when`` (a
condition on the function's configuration, named in ``engine/diagnosis.py``), ``source`` ("log",
default, or "api"), and ``message``/``fix``: English message ids marked with ``N_``, translated
when a cause is told (their French is in ``locale/fr/LC_MESSAGES/verify.po``). ``{name}`` in the texts is
filled from the pattern's named groups and from the facts of the function (``{function}``,
``{role}``, ``{handler}``, ``{timeout}``, ``{memory}``, ``{file}``, ``{line}``, ``{where}``).
The first entry that matches a line wins: the specific ones come first.

The log lines are as Lambda's Python runtime writes them (``[ERROR] Type: message`` then the
traceback with ``/var/task/<file>.py`` paths, "AWS Lambda function errors in Python",
https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html; the runtime's own error
types ``Runtime.ImportModuleError``, ``Runtime.HandlerNotFound``, ``Runtime.UserCodeSyntaxError``,
``Runtime.MarshalError`` come from aws-lambda-python-runtime-interface-client's bootstrap.py);
``Task timed out after 3.00 seconds`` and ``Runtime exited with error: signal: killed``
("Troubleshoot invocation issues in Lambda",
https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html). The API answers
are API Gateway's ("Missing Authentication Token": route or method not deployed to the stage,
https://repost.aws/knowledge-center/api-gateway-authentication-token-errors; 500 "Internal server
error" when API Gateway may not invoke the function, 502 "Malformed Lambda proxy response",
https://repost.aws/knowledge-center/malformed-502-api-gateway; 401 "Unauthorized" from a Cognito
authorizer; 429 "Too Many Requests" when throttled; 504 after the 29 s integration timeout,
https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
"""

from __future__ import annotations

from ..i18n import N_
from .diagnosis_catalogue_services import SERVICES, Entry

__all__ = ["CATALOGUE", "Entry"]

_ROLE_FIX = N_("IAM › Roles › {role} › Add permissions › Create inline policy: allow {action} on {resource}.")

CATALOGUE: list[Entry] = [
    # -- DynamoDB ---------------------------------------------------------------------------
    {"code": "float-to-dynamodb",
     "pattern": r"Float types are not supported\. Use Decimal types instead",
     "message": N_("The function passes floats to DynamoDB, which requires Decimal ({where})."),
     "fix": N_("In the code (Lambda › {function} › Code): read the body with "
               "json.loads(event['body'], parse_float=Decimal) (from decimal import Decimal), then Deploy.")},
    {"code": "decimal-not-serializable",
     "pattern": r"Object of type Decimal is not JSON serializable",
     "message": N_("json.dumps is given a Decimal read from DynamoDB ({where})."),
     "fix": N_("Convert the Decimals before answering: json.dumps(item, default=str) (or int/float).")},
    {"code": "dynamodb-key-missing",
     "pattern": r"Missing the key (?P<key>\S+) in the item|One of the required keys was not given a value",
     "message": N_("The item written to DynamoDB lacks the table's partition key ({key})."),
     "fix": N_("The key's name must be the table's (DynamoDB › Tables › the table › Overview › Partition "
               "key) and be present in the request sent.")},
    {"code": "dynamodb-key-type",
     "pattern": r"Type mismatch for key (?P<key>\S+) expected: (?P<want>\w+) actual: (?P<got>\w+)",
     "message": N_("The key {key} is sent as {got}; the table expects {want}."),
     "fix": N_("Send the key in the table's type (a string for S: str(...)).")},
    {"code": "table-not-found",
     "pattern": r"ResourceNotFoundException\)?[^\n]*(?:Requested resource not found|non-existent table)",
     "message": N_("The DynamoDB table the function names does not exist (wrong name or region)."),
     "fix": N_("Lambda › {function} › Configuration › Environment variables › Edit: the table's exact name "
               "(DynamoDB › Tables), in the same region.")},
    # -- IAM ----------------------------------------------------------------------------------
    {"code": "access-denied",
     "pattern": r"(?:when calling the (?P<operation>\w+) operation: )?User: (?P<principal>\S+) is not authorized to "
                r"perform: (?P<action>[\w-]+:[\w*-]+)(?: on resource: \"?(?P<resource>[^\"\s]+)\"?)?",
     "message": N_("The role {role} does not allow {action} on {resource}."),
     "fix": _ROLE_FIX},
    {"code": "s3-access-denied",
     "pattern": r"\(AccessDenied\) when calling the (?P<operation>\w+) operation: Access Denied",
     "message": N_("S3 refuses {operation} to the role {role} (the role's or the bucket's policy)."),
     "fix": N_("IAM › Roles › {role} › Add permissions: s3:{operation} on arn:aws:s3:::<bucket>/*; check "
               "also S3 › the bucket › Permissions.")},
    # -- the event, the code ------------------------------------------------------------------
    {"code": "missing-env-var", "when": "env_lacks",
     "pattern": r"KeyError: '(?P<variable>[A-Za-z_][A-Za-z0-9_]*)'",
     "message": N_("The function reads the environment variable {variable}, which it does not have ({where})."),
     "fix": N_("Lambda › {function} › Configuration › Environment variables › Edit: add {variable} (exact "
               "name, case included).")},
    {"code": "keyerror-body",
     "pattern": r"KeyError: 'body'",
     "message": N_("The event has no body field: the Lambda proxy integration is off, or the function is "
                   "tested with the Lambda console's test event ({where})."),
     "fix": N_("API Gateway › the method › Integration request › Edit: turn on \"Lambda proxy integration\", "
               "then Deploy API; to test in the console, an \"apigateway-aws-proxy\" event with a body.")},
    {"code": "keyerror-records",
     "pattern": r"KeyError: 'Records'",
     "message": N_("The function expects a trigger's event (Records: S3, SQS, SNS, DynamoDB) and receives "
                   "another one ({where})."),
     "fix": N_("Invoke it through its trigger (Lambda › {function} › Configuration › Triggers), or test "
               "with that service's event template.")},
    {"code": "keyerror-field",
     "pattern": r"KeyError: '(?P<key>[^']+)'",
     "message": N_("The field {key} is missing from the data received ({where})."),
     "fix": N_("Through the proxy integration, the fields sent are in json.loads(event['body']), not in event; "
               "send {key}, or read it with .get('{key}') and answer 400 when it is missing.")},
    {"code": "none-subscript",
     "pattern": r"'NoneType' object is not subscriptable",
     "message": N_("The code indexes a None value ({where}): queryStringParameters or pathParameters are None "
                   "when the request has none, and .get() returns None for a missing field."),
     "fix": N_("Read (event.get('queryStringParameters') or {{}}).get('id') and answer 400 when it is missing.")},
    {"code": "read-only-fs",
     "pattern": r"\[Errno 30\] Read-only file system: '?(?P<path>[^'\s]+)",
     "message": N_("The function writes to {path}: only /tmp is writable on Lambda."),
     "fix": N_("Write under /tmp (512 MB by default, Configuration › Ephemeral storage).")},
    {"code": "json-loads-none",
     "pattern": r"the JSON object must be str, bytes or bytearray, not NoneType",
     "message": N_("json.loads is given None: the request has no body ({where})."),
     "fix": N_("Send a JSON body (POST, Content-Type: application/json); in the code, handle a missing "
               "event.get('body').")},
    {"code": "json-loads-dict",
     "pattern": r"the JSON object must be str, bytes or bytearray, not dict",
     "message": N_("json.loads is given a dict: body is already an object (a hand-written test event, or a "
                   "non-proxy integration) ({where})."),
     "fix": N_("With the proxy integration, body is a JSON string: in the test event, "
               "\"body\": \"{{\\\"order_id\\\": ...}}\".")},
    {"code": "json-decode",
     "pattern": r"JSONDecodeError: (?P<detail>.*)",
     "message": N_("The request's body is not valid JSON: {detail} ({where})."),
     "fix": N_("Send JSON (double quotes, Content-Type: application/json); in the code, answer 400 on "
               "json.JSONDecodeError.")},
    {"code": "base64-padding",
     "pattern": r"(?:binascii\.)?Error: (?:Incorrect padding|Invalid base64)",
     "message": N_("The content received is not valid base64 ({where})."),
     "fix": N_("Encode the file in base64 before sending it; read event['isBase64Encoded'] in the function.")},
    {"code": "jpeg-rgba",
     "pattern": r"cannot write mode (?P<mode>\w+) as JPEG",
     "message": N_("Pillow cannot save a {mode} image as JPEG ({where})."),
     "fix": N_("Convert before saving: image.convert('RGB').")},
    # -- the handler, the package --------------------------------------------------------------
    {"code": "handler-file", "when": "missing_is_handler_module",
     "pattern": r"Runtime\.ImportModuleError: Unable to import module '(?P<module>[^']+)': No module named "
                r"'(?P<missing>[^']+)'",
     "message": N_("The handler {handler} names the file {module}.py, which is not in the function's package."),
     "fix": N_("Lambda › {function} › Code › Runtime settings › Edit › Handler: <file without .py>.<function> "
               "(by default lambda_function.lambda_handler); in a .zip, the file at the root, not in a folder.")},
    {"code": "missing-dependency",
     "pattern": r"Runtime\.ImportModuleError: Unable to import module '(?P<module>[^']+)': No module named "
                r"'(?P<missing>[^'.]+)",
     "message": N_("The module {missing} is neither in the function's package nor in a layer."),
     "fix": N_("Add it to the .zip (pip install {missing} --target ., with --platform manylinux2014_x86_64 "
               "when compiled) or Lambda › {function} › Layers › Add a layer.")},
    {"code": "wrong-platform-build",
     "pattern": r"cannot import name '_\w+' from '(?P<package>[\w.]+)'|invalid ELF header|wrong ELF class|"
                r"GLIBC_[\d.]+' not found",
     "message": N_("A compiled package ({package}) was built for another platform than Lambda (macOS, Windows, "
                   "another Python version)."),
     "fix": N_("pip install --platform manylinux2014_x86_64 --implementation cp --python-version 3.12 "
               "--only-binary=:all: --target . <package>, then zip again.")},
    {"code": "import-error",
     "pattern": r"Runtime\.ImportModuleError: Unable to import module '(?P<module>[^']+)': (?P<detail>.*)",
     "message": N_("The module {module} does not import: {detail}."),
     "fix": N_("Fix the import in Lambda › {function} › Code, then Deploy.")},
    {"code": "handler-function",
     "pattern": r"Runtime\.HandlerNotFound: Handler '(?P<name>[^']+)' missing on module '(?P<module>[^']+)'",
     "message": N_("The file {module}.py has no function {name} (handler {handler})."),
     "fix": N_("Lambda › {function} › Code › Runtime settings › Edit › Handler: {module}.<name of the def>, "
               "or rename the function {name}.")},
    {"code": "handler-malformed",
     "pattern": r"Runtime\.MalformedHandlerName: (?P<detail>.*)",
     "message": N_("The handler {handler} is not of the form file.function."),
     "fix": N_("Lambda › {function} › Code › Runtime settings › Edit › Handler: lambda_function.lambda_handler.")},
    {"code": "syntax-error",
     "pattern": r"Runtime\.UserCodeSyntaxError: (?P<detail>.*)",
     "message": N_("Syntax error in the code: {detail}."),
     "fix": N_("Fix the line shown in Lambda › {function} › Code, then Deploy.")},
    {"code": "marshal-error",
     "pattern": r"Runtime\.MarshalError|Unable to marshal response: (?P<detail>.*)",
     "message": N_("The function's return value cannot be converted to JSON."),
     "fix": N_("Return {{'statusCode': 200, 'body': json.dumps(..., default=str)}}.")},
    # -- configuration limits --------------------------------------------------------------------
    {"code": "timeout",
     "pattern": r"Task timed out after (?P<seconds>[\d.]+) seconds",
     "message": N_("The function exceeds its timeout ({seconds} s)."),
     "fix": N_("Lambda › {function} › Configuration › General configuration › Edit › Timeout: 10 s or more "
               "(3 s by default); create clients outside the handler.")},
    {"code": "out-of-memory",
     "pattern": r"Runtime exited with error: signal: killed|Runtime\.OutOfMemory|\bMemoryError\b",
     "message": N_("The function runs out of memory ({memory} MB)."),
     "fix": N_("Lambda › {function} › Configuration › General configuration › Edit › Memory: raise it "
               "(for example 512 MB).")},
    {"code": "runtime-exit",
     "pattern": r"Runtime exited with error: exit status (?P<status>\d+)",
     "message": N_("The function's process ended (sys.exit or exit) before answering."),
     "fix": N_("Do not end the process: return an answer or raise an exception.")},
    {"code": "throttled",
     "pattern": r"TooManyRequestsException|ThrottlingException|Rate exceeded|ProvisionedThroughputExceeded",
     "message": N_("A service throttles the calls."),
     "fix": N_("Retry more slowly; check the reserved concurrency (Lambda › {function} › Configuration › "
               "Concurrency) and the account's quotas.")},
    *SERVICES,
]
