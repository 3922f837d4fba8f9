"""Lambda: what the API refuses beyond botocore's model."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from .base import Params, Refusal, State, at_most, number, rule, text, validation

INVALID = "InvalidParameterValueException"
FUNCTION_WRITES = ("CreateFunction", "UpdateFunctionConfiguration")

# (deprecation, block function create, block function update), from the runtime tables of
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html ("Supported runtimes" and
# "Deprecated runtimes") and the per-language pages (lambda-python.html: python3.10/3.11
# deprecated Jun 30, 2026, create blocked Jul 31, 2026, update blocked Aug 31, 2026). For the
# runtimes deprecated before 2025 the table's blocking dates are all in the past.
RUNTIMES: dict[str, tuple[date, date, date]] = {
    "python3.14": (date(2029, 6, 30), date(2029, 7, 31), date(2029, 8, 31)),
    "python3.13": (date(2029, 6, 30), date(2029, 7, 31), date(2029, 8, 31)),
    "python3.12": (date(2028, 10, 31), date(2028, 11, 30), date(2029, 1, 10)),
    "python3.11": (date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31)),
    "python3.10": (date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31)),
    "python3.9": (date(2025, 12, 15), date(2026, 6, 1), date(2026, 7, 1)),
    "python3.8": (date(2024, 10, 14), date(2026, 6, 1), date(2026, 7, 1)),
    "python3.7": (date(2023, 12, 4), date(2024, 1, 9), date(2026, 6, 1)),
    "python3.6": (date(2022, 7, 18), date(2022, 7, 18), date(2022, 8, 29)),
    "python2.7": (date(2021, 7, 15), date(2021, 7, 15), date(2022, 5, 30)),
    "nodejs24.x": (date(2028, 4, 30), date(2028, 6, 1), date(2028, 7, 1)),
    "nodejs22.x": (date(2027, 4, 30), date(2027, 6, 1), date(2027, 7, 1)),
    "nodejs20.x": (date(2026, 4, 30), date(2026, 6, 1), date(2026, 7, 1)),
    "nodejs18.x": (date(2025, 9, 1), date(2026, 6, 1), date(2026, 7, 1)),
    "nodejs16.x": (date(2024, 6, 12), date(2026, 6, 1), date(2026, 7, 1)),
    "nodejs14.x": (date(2023, 12, 4), date(2024, 1, 9), date(2026, 6, 1)),
    "nodejs12.x": (date(2023, 3, 31), date(2023, 3, 31), date(2023, 4, 30)),
    "nodejs10.x": (date(2021, 7, 30), date(2021, 7, 30), date(2022, 2, 14)),
    "nodejs8.10": (date(2020, 3, 6), date(2020, 1, 6), date(2020, 3, 6)),
    "nodejs6.10": (date(2019, 8, 12), date(2019, 8, 12), date(2019, 8, 12)),
    "nodejs4.3": (date(2020, 3, 5), date(2020, 3, 5), date(2020, 3, 5)),
    "nodejs4.3-edge": (date(2020, 3, 5), date(2019, 3, 31), date(2019, 4, 30)),
    "nodejs": (date(2016, 10, 31), date(2016, 10, 31), date(2016, 10, 31)),
    "java25": (date(2029, 6, 30), date(2029, 7, 31), date(2029, 8, 31)),
    "java21": (date(2029, 6, 30), date(2029, 7, 31), date(2029, 8, 31)),
    "java17": (date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31)),
    "java11": (date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31)),
    "java8.al2": (date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31)),
    "java8": (date(2024, 1, 8), date(2024, 2, 8), date(2026, 6, 1)),
    "dotnet10": (date(2028, 11, 14), date(2028, 12, 14), date(2029, 1, 15)),
    "dotnet8": (date(2026, 11, 10), date(2026, 12, 10), date(2027, 1, 11)),
    "dotnet6": (date(2024, 12, 20), date(2026, 6, 1), date(2026, 7, 1)),
    "dotnetcore3.1": (date(2023, 4, 3), date(2023, 4, 3), date(2023, 5, 3)),
    "dotnetcore2.1": (date(2022, 1, 5), date(2022, 1, 5), date(2022, 4, 13)),
    "dotnetcore2.0": (date(2019, 5, 30), date(2019, 4, 30), date(2019, 5, 30)),
    "dotnetcore1.0": (date(2019, 7, 30), date(2019, 6, 27), date(2019, 7, 31)),
    "ruby4.0": (date(2029, 3, 31), date(2029, 4, 30), date(2029, 5, 31)),
    "ruby3.4": (date(2028, 3, 31), date(2028, 4, 30), date(2028, 5, 31)),
    "ruby3.3": (date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31)),
    "ruby3.2": (date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)),
    "ruby2.7": (date(2023, 12, 7), date(2024, 1, 9), date(2026, 6, 1)),
    "ruby2.5": (date(2021, 7, 30), date(2021, 7, 30), date(2022, 3, 31)),
    "go1.x": (date(2024, 1, 8), date(2024, 2, 8), date(2026, 6, 1)),
    "provided": (date(2024, 1, 8), date(2024, 2, 8), date(2026, 6, 1)),
    "provided.al2": (date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31)),
    "provided.al2023": (date(2029, 6, 30), date(2029, 7, 31), date(2029, 8, 31)),
}
RECOMMENDED = {"python": "python3.13", "nodejs": "nodejs22.x", "java": "java21", "dotnet": "dotnet8",
               "ruby": "ruby3.4", "go": "provided.al2023", "provided": "provided.al2023"}


def _runtime_refusal(runtime: str, today: date, creating: bool) -> Refusal | None:
    dates = RUNTIMES.get(runtime)
    if dates is None or today < (dates[1] if creating else dates[2]):
        return None
    family = next((f for f in RECOMMENDED if runtime.startswith(f)), "provided")
    return Refusal(INVALID, f"The runtime parameter of {runtime} is no longer supported for creating or "
                            f"updating AWS Lambda functions. We recommend you use the new runtime "
                            f"({RECOMMENDED[family]}) while creating or updating functions.")


@rule("lambda", "CreateFunction")
def runtime_create_blocked(params: Params, state: State) -> Refusal | None:
    """Runtime deprecation blocks creation on the documented date (table above)."""
    runtime = text(params.get("Runtime"))
    return _runtime_refusal(runtime, state.now().date(), True) if runtime else None


@rule("lambda", "UpdateFunctionConfiguration")
def runtime_change_blocked(params: Params, state: State) -> Refusal | None:
    """Changing a function to a runtime past its "block function update" date."""
    runtime = text(params.get("Runtime"))
    return _runtime_refusal(runtime, state.now().date(), False) if runtime else None


@rule("lambda", "UpdateFunctionCode", "UpdateFunctionConfiguration")
def runtime_update_blocked(params: Params, state: State) -> Refusal | None:
    """An existing function on a runtime past its "block function update" date cannot be
    updated (lambda-runtimes.html#runtime-deprecation-levels)."""
    if params.get("Runtime") is not None:
        return None
    name = text(params.get("FunctionName"))
    runtime = state.function_runtime(name) if name else None
    return _runtime_refusal(runtime, state.now().date(), False) if runtime else None


@rule("lambda", "CreateFunction")
def zip_needs_runtime_and_handler(params: Params, state: State) -> Refusal | None:
    """CreateFunction: "Runtime – Required if the deployment package is a .zip file archive";
    same for Handler (API_CreateFunction.html)."""
    if params.get("PackageType", "Zip") != "Zip":
        return None
    if params.get("Runtime") is None or params.get("Handler") is None:
        return Refusal(INVALID, "Runtime and Handler are mandatory parameters for functions created "
                                "with deployment packages.")
    return None


def _zip_too_large(zipped: Any, operation: str) -> Refusal | None:
    """Deployment package (.zip) uploaded directly: 50 MB (gettingstarted-limits.html)."""
    if isinstance(zipped, bytes) and len(zipped) > 50 * 1024 * 1024:
        return Refusal("RequestEntityTooLargeException",
                       f"Request must be smaller than 69905067 bytes for the {operation} operation", 413)
    return None


@rule("lambda", "CreateFunction")
def zip_upload_size(params: Params, state: State) -> Refusal | None:
    code = params.get("Code")
    return _zip_too_large(code.get("ZipFile") if isinstance(code, dict) else None, "CreateFunction")


@rule("lambda", "UpdateFunctionCode")
def code_update_size(params: Params, state: State) -> Refusal | None:
    return _zip_too_large(params.get("ZipFile"), "UpdateFunctionCode")


@rule("lambda", "CreateFunction")
def function_name_length(params: Params, state: State) -> Refusal | None:
    """"If you specify only the function name, it is limited to 64 characters in length"
    (API_CreateFunction.html, FunctionName)."""
    name = text(params.get("FunctionName"))
    if name and ":" not in name and len(name) > 64:
        return validation("ValidationException", name, "functionName", at_most(64, length=True))
    return None


@rule("lambda", *FUNCTION_WRITES)
def timeout_range(params: Params, state: State) -> Refusal | None:
    """Timeout: "The maximum allowed value is 900 seconds" (API_CreateFunction.html;
    gettingstarted-limits.html: function timeout 900 seconds)."""
    timeout = number(params.get("Timeout"))
    if timeout is not None and timeout > 900:
        return validation("ValidationException", timeout, "timeout", at_most(900))
    return None


@rule("lambda", *FUNCTION_WRITES)
def memory_range(params: Params, state: State) -> Refusal | None:
    """MemorySize: 128 MB to 10,240 MB (configuration-memory.html); the model's 32768 is for
    Lambda Managed Instances, which the workshops do not use."""
    memory = number(params.get("MemorySize"))
    if memory is not None and memory > 10240 and "CapacityProviderConfig" not in params:
        return validation("ValidationException", memory, "memorySize", at_most(10240))
    return None


# configuration-envvars.html#configuration-envvars-runtime ("Defined runtime environment
# variables": "The following environment variables are reserved ... cannot be set").
RESERVED_ENV = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
})


def _variables(params: Params) -> dict[str, str] | None:
    env = params.get("Environment")
    variables = env.get("Variables") if isinstance(env, dict) else None
    return variables if isinstance(variables, dict) else None


@rule("lambda", *FUNCTION_WRITES)
def no_reserved_environment_keys(params: Params, state: State) -> Refusal | None:
    variables = _variables(params) or {}
    used = sorted(k for k in variables if k in RESERVED_ENV or k.startswith("AWS_LAMBDA_"))
    if used:
        return Refusal(INVALID, "Lambda was unable to configure your environment variables because the "
                                "environment variables you have provided contains reserved keys that are "
                                f"currently not supported for modification. Reserved keys used in this "
                                f"request: {', '.join(used)}")
    return None


@rule("lambda", *FUNCTION_WRITES)
def environment_size(params: Params, state: State) -> Refusal | None:
    """"The total size of all environment variables doesn't exceed 4 KB"
    (configuration-envvars.html, gettingstarted-limits.html)."""
    variables = _variables(params)
    if not variables:
        return None
    measured = json.dumps(variables, separators=(",", ":"), ensure_ascii=False)
    if len(measured.encode()) > 4096:
        return Refusal(INVALID, "Lambda was unable to configure your environment variables because the "
                                "environment variables you have provided exceeded the 4KB limit. "
                                f"String measured: {measured}")
    return None


@rule("lambda", *FUNCTION_WRITES)
def role_assumable_by_lambda(params: Params, state: State) -> Refusal | None:
    """The execution role must trust lambda.amazonaws.com (lambda-intro-execution-role.html)."""
    role = text(params.get("Role"))
    if role and state.role_trusts(role, "lambda.amazonaws.com") is False:
        return Refusal(INVALID, "The role defined for the function cannot be assumed by Lambda.")
    return None


@rule("lambda", "AddPermission")
def statement_id_unique(params: Params, state: State) -> Refusal | None:
    """AddPermission with a StatementId already in the policy: ResourceConflictException
    (API_AddPermission.html, Errors)."""
    name, sid = text(params.get("FunctionName")), text(params.get("StatementId"))
    if not name or not sid:
        return None
    used = state.policy_statement_ids(name, text(params.get("Qualifier")))
    if used is not None and sid in used:
        return Refusal("ResourceConflictException", "The statement id (" + sid + ") provided already exists. "
                       "Please specify a different statement id, or remove the existing statement.", 409)
    return None


def _source(arn: str | None) -> str:
    parts = (arn or "").split(":")
    return parts[2] if len(parts) > 5 else ""


@rule("lambda", "CreateEventSourceMapping")
def sqs_visibility_covers_timeout(params: Params, state: State) -> Refusal | None:
    """"set the source queue's visibility timeout to at least six times the timeout that you
    configure on your function"; a visibility timeout below the function timeout is refused
    (with-sqs.html, services-sqs-configure.html)."""
    arn = text(params.get("EventSourceArn"))
    function = text(params.get("FunctionName"))
    if _source(arn) != "sqs" or not arn or not function:
        return None
    visibility, timeout = state.queue_visibility_timeout(arn), state.function_timeout(function)
    if visibility is not None and timeout is not None and visibility < timeout:
        return Refusal(INVALID, f"Queue visibility timeout: {visibility} seconds is less than Function "
                                f"timeout: {timeout} seconds")
    return None


@rule("lambda", "CreateEventSourceMapping", "UpdateEventSourceMapping")
def batch_size_per_source(params: Params, state: State) -> Refusal | None:
    """BatchSize maximums per source (API_CreateEventSourceMapping.html, BatchSize): SQS 10,000
    (FIFO 10), and above 10 for SQS needs MaximumBatchingWindowInSeconds of at least 1."""
    arn = text(params.get("EventSourceArn"))
    size = number(params.get("BatchSize"))
    if size is None or _source(arn) != "sqs" or not arn:
        return None
    if arn.endswith(".fifo") and size > 10:
        return Refusal(INVALID, "Invalid batch size for FIFO queue. BatchSize must be between 1 and 10.")
    window = number(params.get("MaximumBatchingWindowInSeconds"))
    if size > 10 and not window:
        return Refusal(INVALID, "Maximum batch window in seconds must be greater than 0 if maximum batch "
                                "size is greater than 10")
    return None


@rule("lambda", "CreateEventSourceMapping")
def starting_position_per_source(params: Params, state: State) -> Refusal | None:
    """StartingPosition: required for Kinesis, DynamoDB Streams and MSK; not for SQS
    (API_CreateEventSourceMapping.html, StartingPosition)."""
    source = _source(text(params.get("EventSourceArn")))
    position = params.get("StartingPosition")
    if source in ("kinesis", "dynamodb", "kafka") and position is None:
        return Refusal(INVALID, "1 validation error detected: Value null at 'startingPosition' failed to "
                                "satisfy constraint: Member must not be null")
    if source == "sqs" and position is not None:
        return Refusal(INVALID, "Unsupported starting position for SQS event source.")
    return None


@rule("lambda", "Invoke")
def invoke_payload_size(params: Params, state: State) -> Refusal | None:
    """Invocation payload: 6 MB synchronous, 1 MB asynchronous (gettingstarted-limits.html)."""
    payload = params.get("Payload")
    if not isinstance(payload, bytes | str):
        return None
    size = len(payload.encode() if isinstance(payload, str) else payload)
    if params.get("InvocationType") == "Event":
        limit, operation = 1024 * 1024, "InvokeAsync"
    else:
        limit, operation = 6 * 1024 * 1024, "Invoke"
    if size > limit:
        return Refusal("RequestEntityTooLargeException",
                       f"{size} byte payload is too large for the {operation} operation (maximum {limit} bytes)",
                       413)
    return None
