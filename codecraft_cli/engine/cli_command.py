"""One plan step (:class:`Call` / :class:`Wait`) as the AWS CLI command a student can paste.

The names follow the AWS CLI's own rules, read from botocore's service model as awscli does
(awscli/clidriver.py): the command is ``xform_name(OperationName, '-')``, each parameter
``--`` + ``xform_name(MemberName, '-')``; a boolean member is a flag (``--x`` / ``--no-x``);
structures, lists and maps are JSON; a blob is read from a file (``fileb://``); a waiter is
``aws <service> wait xform_name(WaiterName, '-')`` (awscli/customizations/waiters.py); the
``s3`` API is ``aws s3api``. Lambda's ``create-function`` takes the zip as ``--zip-file
fileb://...`` (awscli/customizations/awslambda.py). See
https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-parameters-types.html.

A value known only when the script runs (an ARN, an id) is a shell variable: inside a value it
is written ``var(NAME)`` (a private-use character pair around the name); ``raw(NAME)`` is a
variable holding a JSON list, spliced into JSON as is.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ..resources.plan import Call, Step, Wait

OPEN, CLOSE = "\ue000", "\ue001"  # a shell variable inside a value
RAW_OPEN, RAW_CLOSE = "\ue002", "\ue003"  # a variable holding a JSON list
_VAR = re.compile(f"{OPEN}([A-Za-z_][A-Za-z0-9_]*){CLOSE}")
_RAW_LIST = re.compile(f'\\[\\s*"{RAW_OPEN}([A-Za-z_][A-Za-z0-9_]*){RAW_CLOSE}"\\s*\\]')
_SAFE_IN_DOUBLE = re.compile(r'[^"\\$`!]*')
CLI_SERVICE = {"s3": "s3api"}  # awscli/customizations/s3api: the low-level S3 API
# awscli's own renames where a member's name clashes with a global option or reads badly
# (awscli/customizations/argrename.py, ARGUMENT_RENAMES): "<service>.<operation|*>.<argument>"
RENAMES = {
    "sns.subscribe.endpoint": "notification-endpoint",
    "apigateway.create-rest-api.version": "api-version",
    "ec2.*.no-egress": "ingress",
    "ec2.*.no-disable-api-termination": "enable-api-termination",
}
# parameters codecraft adds for itself (its ownership tags): a script for a student leaves them out
DROPPED = ("Tags", "tags", "UserPoolTags")


def var(name: str) -> str:
    return f"{OPEN}{name}{CLOSE}"


def raw(name: str) -> list[str]:
    return [f"{RAW_OPEN}{name}{RAW_CLOSE}"]


def _unescaped(text: str) -> str:
    """A variable inside a JSON text a handler wrote (``json.dumps`` escapes its markers)."""
    for mark in (OPEN, CLOSE, RAW_OPEN, RAW_CLOSE):
        text = text.replace(json.dumps(mark)[1:-1], mark)
    return text


def variables_in(value: Any) -> set[str]:
    """The shell variables a value uses."""
    text = _unescaped(json.dumps(_plain(value), default=str, ensure_ascii=False))
    return set(_VAR.findall(text)) | set(re.findall(f"{RAW_OPEN}(\\w+){RAW_CLOSE}", text))


def xform_name(name: str, sep: str = "_") -> str:
    """botocore's ``xform_name`` (CamelCase -> snake or kebab case), used by awscli for names."""
    from botocore import xform_name as botocore_xform

    return str(botocore_xform(name, sep))


@lru_cache(maxsize=None)
def _model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


@lru_cache(maxsize=None)
def _operation(service: str, method: str) -> Any:
    model = _model(service)
    for name in model.operation_names:
        if xform_name(name) == method:
            return model.operation_model(name)
    raise KeyError(f"{service} has no operation {method}")


@lru_cache(maxsize=None)
def _waiter(service: str, waiter: str) -> tuple[str, str]:
    """(the waiter's CLI name, the operation it polls) for a boto3 waiter name."""
    import botocore.session

    model = botocore.session.get_session().get_waiter_model(service)
    for name in model.waiter_names:
        if xform_name(name) == waiter:
            return xform_name(name, "-"), model.get_waiter(name).operation
    raise KeyError(f"{service} has no waiter {waiter}")


def word(value: str) -> str:
    """A shell word for a text that may hold variables: ``"arn:aws:sns:$REGION:..."``."""
    value = _unescaped(value)
    if not _VAR.search(value):
        return shlex.quote(value)
    literal = _VAR.sub("", value)
    if _SAFE_IN_DOUBLE.fullmatch(literal):
        return '"' + _VAR.sub(lambda m: "${" + m.group(1) + "}", value) + '"'
    return _spliced(value)


def _spliced(value: str) -> str:
    """Single quotes for the text, each variable spliced in double quotes: ``'{"a":"'"$X"'"}'``."""
    parts, last = [], 0
    for m in re.finditer(f"{_VAR.pattern}|{RAW_OPEN}(\\w+){RAW_CLOSE}", value):
        if m.start() > last:
            parts.append("'" + value[last:m.start()].replace("'", "'\\''") + "'")
        parts.append('"$' + (m.group(1) or m.group(2)) + '"')
        last = m.end()
    if last < len(value):
        parts.append("'" + value[last:].replace("'", "'\\''") + "'")
    return "".join(parts)


def as_json(value: Any) -> str:
    """A structure, list or map as JSON in single quotes (variables spliced in)."""
    text = json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))
    text = _RAW_LIST.sub(lambda m: f"{RAW_OPEN}{m.group(1)}{RAW_CLOSE}", text)
    if _VAR.search(text) or RAW_OPEN in text:
        return _spliced(text)
    return shlex.quote(text)


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return _unescaped(value)
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return str(value)


def _tag_specifications(value: Any) -> Any:
    """EC2's TagSpecifications without codecraft's own tags (its Name tag stays)."""
    kept = []
    for spec in value or []:
        tags = [t for t in spec.get("Tags", []) if not str(t.get("Key", "")).startswith("codecraft:")]
        if tags:
            kept.append({**spec, "Tags": tags})
    return kept


def _flag(where: tuple[str, str], name: str) -> str:
    for operation in (where[1], "*"):
        renamed = RENAMES.get(f"{where[0]}.{operation}.{name}")
        if renamed:
            return "--" + renamed
    return "--" + name


def _argument(where: tuple[str, str], shape: Any, name: str, value: Any, blob_file: str) -> list[str]:
    flag = _flag(where, xform_name(name, "-"))
    kind = shape.type_name
    if kind == "boolean":
        return [flag if value else _flag(where, "no-" + xform_name(name, "-"))]
    if kind == "blob":
        return [flag, f"fileb://{blob_file}"]
    if kind in ("structure", "list", "map"):
        return [flag, as_json(value)]
    if isinstance(value, bool):
        value = str(value).lower()
    return [flag, word(str(value))]


def command(step: Step, blob_file: str = "package.zip") -> str:
    """``aws <service> <operation> --param value...`` for one plan step (no output capture)."""
    service = CLI_SERVICE.get(step.service, step.service)
    params = dict(step.params)
    if isinstance(step, Wait):
        name, operation = _waiter(step.service, step.waiter)
        head = ["aws", service, "wait", name]
        op = _model(step.service).operation_model(operation)
    else:
        op = _operation(step.service, step.method)
        head = ["aws", service, xform_name(op.name, "-")]
    args: list[str] = []
    if isinstance(step, Call) and step.service == "lambda" and step.method == "create_function":
        code = dict(params.pop("Code", {}) or {})
        if "ZipFile" in code:  # awscli's --zip-file: the zip read from a file
            args += ["--zip-file", f"fileb://{blob_file}"]
            code.pop("ZipFile")
        if code:
            params["Code"] = code
    if isinstance(step, Call) and step.service == "s3" and step.method == "create_bucket":
        # the region is the script's $REGION: the preamble's BUCKET_CONFIG says it, except in
        # us-east-1, which refuses a LocationConstraint (S3 API reference, CreateBucket)
        if params.pop("CreateBucketConfiguration", None) is not None:
            args.append('${BUCKET_CONFIG[@]+"${BUCKET_CONFIG[@]}"}')
    if isinstance(step, Call) and step.service == "lambda" and step.method == "invoke" and "Payload" in params:
        payload = params.pop("Payload")
        text = payload.decode() if isinstance(payload, bytes) else json.dumps(payload)
        args += ["--cli-binary-format", "raw-in-base64-out", "--payload", word(text)]
    members = op.input_shape.members if op.input_shape is not None else {}
    for name, value in params.items():
        if name in DROPPED:
            continue
        if name == "TagSpecifications":
            value = _tag_specifications(value)
            if not value:
                continue
        if name not in members:
            raise KeyError(f"{step.service}.{op.name} has no parameter {name}")
        args += _argument((service, head[2]), members[name], name, value, blob_file)
    if isinstance(step, Call) and step.service == "lambda" and step.method == "invoke":
        args.append("response.json")  # the outfile the CLI requires
    return " ".join(head + args)


def query(path: tuple[str, ...]) -> str:
    """A JMESPath for a path into a response: ("items", "0", "id") -> items[0].id."""
    out = ""
    for part in path:
        out += f"[{part}]" if part.isdigit() else (("." if out else "") + part)
    return out


def capture(text: str, names: list[str], queries: list[str]) -> str:
    """The command with its values kept in shell variables (``X=$(aws ... --query Q --output text)``)."""
    joined = queries[0] if len(names) == 1 else "[" + ", ".join(queries) + "]"
    quoted = f'"{joined}"' if re.fullmatch(r'[^"$`\\!]*', joined) and "'" in joined else shlex.quote(joined)
    if len(names) == 1:
        return f"{names[0]}=$({text} --query {quoted} --output text)"
    return f'read -r {" ".join(names)} <<< "$({text} --query {quoted} --output text)"'
