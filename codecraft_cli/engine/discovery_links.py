"""The links a teacher follows from what is known to what the seed leaves open (engine/discovery).

- a function's environment -> the table, bucket, topic or queue it names (the student's variable
  names are open too: the same key first, else the one value that names such a resource);
- a bucket's event notification -> the function it triggers; an event source mapping -> its
  function, and back to the table whose stream feeds a known function;
- a topic's subscription -> the queue it delivers to;
- an API's Cognito authorizer (the API found by its routes);
- a function -> its execution role (GetFunctionConfiguration ``Role``) and its log group
  (``/aws/lambda/<function>``, "Using CloudWatch Logs with Lambda", Lambda developer guide).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar

from ..workshop.model import ResourceSpec, Workshop

# Until every handler says what the seed prescribes (Handler.prescribed): the types whose name a
# seed leaves open.
OPEN_NAMES = frozenset({"apigateway.rest_api", "apigateway.deployment", "iam.role"})
T = TypeVar("T")
_REF = re.compile(r"^\$\{([A-Za-z0-9_]+)\.(\w+)\}$")
_ANY_REF = re.compile(r"\$\{([A-Za-z0-9_]+)\.(\w+)\}")
_ARN_NAME = {"dynamodb.table": r"arn:aws[\w-]*:dynamodb:[^:]*:\d*:table/([^/]+)",
             "s3.bucket": r"arn:aws[\w-]*:s3:::([^/]+)",
             "sns.topic": r"arn:aws[\w-]*:sns:[^:]*:\d*:([^:/]+)",
             "sqs.queue": r"arn:aws[\w-]*:sqs:[^:]*:\d*:([^:/]+)"}


def name_is_open(res: ResourceSpec) -> bool:
    """Whether the seed leaves this resource's name open (found through its links)."""
    from ..resources import handler_for

    if res.seed is not None:
        return "name" not in res.seed and "*" not in res.seed
    prescribed = getattr(handler_for(res.type), "prescribed", ("*",))
    if "*" in prescribed:
        return res.type in OPEN_NAMES
    return "name" not in prescribed


def ref(value: Any) -> tuple[str, str] | None:
    """``${res.attr}`` -> (res, attr)."""
    got = _REF.match(value) if isinstance(value, str) else None
    return (got.group(1), got.group(2)) if got else None


def best_effort(call: Callable[[], T]) -> T | None:
    """``call()``; an AWS refusal (no permission to list, throttled) finds nothing: the handler then
    looks for codecraft's name and says what is missing."""
    from ..aws.errors import is_client_error

    try:
        return call()
    except Exception as exc:
        if is_client_error(exc):
            return None
        raise


class Reader:
    """Read-only look-ups, each made once."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self._config: dict[str, dict[str, Any] | None] = {}

    def config(self, function: str) -> dict[str, Any] | None:
        if function not in self._config:
            from ..aws.errors import if_exists

            self._config[function] = if_exists(
                lambda: dict(self.ctx.client("lambda").get_function_configuration(FunctionName=function)),
                ("ResourceNotFoundException",))
        return self._config[function]

    def exists(self, kind: str, name: str) -> bool:
        from ..aws.errors import is_client_error

        ctx = self.ctx
        calls: dict[str, Callable[[], Any]] = {
            "dynamodb.table": lambda: ctx.client("dynamodb").describe_table(TableName=name),
            "s3.bucket": lambda: ctx.client("s3").head_bucket(Bucket=name),
            "sns.topic": lambda: ctx.client("sns").get_topic_attributes(TopicArn=self.topic_arn(name)),
            "sqs.queue": lambda: ctx.client("sqs").get_queue_url(QueueName=name),
        }
        try:
            calls[kind]()
        except Exception as exc:  # gone, or someone else's (403): not the student's
            if is_client_error(exc):
                return False
            raise
        return True

    def topic_arn(self, name: str) -> str:
        return f"arn:aws:sns:{self.ctx.region}:{self.ctx.account_id}:{name}"


def named_in(kind: str, value: str) -> str | None:
    """The name of a resource of this type that an environment value holds (a name, an ARN, a
    queue URL)."""
    value = value.strip()
    got = re.fullmatch(_ARN_NAME[kind], value)
    if got:
        return got.group(1)
    if kind == "sqs.queue" and re.match(r"https?://", value):
        return value.rstrip("/").rsplit("/", 1)[-1]
    if kind == "s3.bucket" and value.startswith("s3://"):
        return value[5:].split("/", 1)[0]
    return value if re.fullmatch(r"[A-Za-z0-9_.-]{1,255}", value) else None


def follow_links(ctx: Any, workshop: Workshop, known: dict[str, str], found: dict[str, str]) -> None:
    """Find the open names reachable from the known ones, until nothing more is found (``known``:
    resource id -> name, and ``found`` grow together)."""
    from ..resources import handler_for

    reader = Reader(ctx)
    pending = [r for r in workshop.resources
               if handler_for(r.type).info.named and name_is_open(r) and r.id not in known]
    progress = True
    while pending and progress:
        progress = False
        for res in list(pending):
            name = best_effort(partial(_through_links, reader, workshop, res, known, found))
            if name:
                known[res.id] = found[res.id] = name
                pending.remove(res)
                progress = True


def _through_links(reader: Reader, workshop: Workshop, res: ResourceSpec, known: Mapping[str, str],
                   found: Mapping[str, str]) -> str | None:
    if res.type == "iam.role":
        return _role(reader, workshop, res, known)
    if res.type == "logs.log_group":
        function = str(res.properties.get("function") or "")
        fn = next((f for f in workshop.resources if f.type == "lambda.function" and (f.name or f.id) == function), None)
        # its function found under another name than codecraft's (a prescribed name needs nothing)
        return f"/aws/lambda/{found[fn.id]}" if fn and fn.id in found else None
    if res.type == "lambda.function":
        return _function(reader, workshop, res, known)
    if res.type == "apigateway.authorizer":
        return _authorizer(reader, res, found)
    if res.type in _ARN_NAME:
        return (_from_environment(reader, workshop, res, known) or _from_subscription(reader, workshop, res, known)
                or _from_mapping(reader, workshop, res, known))
    return None


def _role(reader: Reader, workshop: Workshop, res: ResourceSpec, known: Mapping[str, str]) -> str | None:
    """The execution role of a known function that the workshop gives this role."""
    for fn in workshop.resources:
        if fn.type == "lambda.function" and ref(fn.properties.get("role")) == (res.id, "arn") and fn.id in known:
            role = str((reader.config(known[fn.id]) or {}).get("Role") or "")
            if role:
                return role.rsplit("/", 1)[-1]
    return None


def _function(reader: Reader, workshop: Workshop, res: ResourceSpec, known: Mapping[str, str]) -> str | None:
    """The function a known bucket's notification or a known source's mapping invokes."""
    others = {known[r.id] for r in workshop.resources if r.type == "lambda.function" and r.id in known}
    ctx = reader.ctx
    for link in workshop.resources:
        target = ref(link.properties.get("function"))
        if target is None or target[0] != res.id:
            continue
        arns: list[str] = []
        bucket = ref(link.properties.get("bucket"))
        source = ref(link.properties.get("source"))
        if link.type == "s3.notification" and bucket and bucket[0] in known:
            got = ctx.client("s3").get_bucket_notification_configuration(Bucket=known[bucket[0]])
            arns = [c.get("LambdaFunctionArn", "") for c in got.get("LambdaFunctionConfigurations", [])]
        elif link.type == "lambda.event_source_mapping" and source and source[0] in known:
            source_arn = _source_arn(reader, workshop, source[0], known[source[0]])
            if source_arn:
                got = ctx.client("lambda").list_event_source_mappings(EventSourceArn=source_arn)
                arns = [m.get("FunctionArn", "") for m in got.get("EventSourceMappings", [])]
        names = {a.split(":function:", 1)[1].split(":", 1)[0] for a in arns if ":function:" in a} - others
        if len(names) == 1:
            return names.pop()
    return None


def _source_arn(reader: Reader, workshop: Workshop, rid: str, name: str) -> str | None:
    ctx = reader.ctx
    kind = next((r.type for r in workshop.resources if r.id == rid), "")
    if kind == "dynamodb.table":
        return str(ctx.client("dynamodb").describe_table(TableName=name)["Table"].get("LatestStreamArn") or "") or None
    if kind == "sqs.queue":
        url = ctx.client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
        return str(ctx.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
                   ["Attributes"]["QueueArn"])
    return None


def _from_environment(reader: Reader, workshop: Workshop, res: ResourceSpec, known: Mapping[str, str]) -> str | None:
    """The resource a known function's environment names: under the workshop's variable name,
    else the one value naming an existing resource of this type that is not another's."""
    taken = {known[r.id] for r in workshop.resources if r.type == res.type and r.id in known}
    same_type = {r.id for r in workshop.resources if r.type == res.type}
    for fn in workshop.resources:
        env = fn.properties.get("environment") if fn.type == "lambda.function" else None
        if not isinstance(env, Mapping) or fn.id not in known:
            continue
        keys = [k for k, v in env.items() if any(m.group(1) == res.id for m in _ANY_REF.finditer(str(v)))]
        if not keys:
            continue
        actual = ((reader.config(known[fn.id]) or {}).get("Environment") or {}).get("Variables") or {}
        for key in keys:  # the workshop's own variable name
            name = named_in(res.type, str(actual.get(key, "")))
            if name and name not in taken and reader.exists(res.type, name):
                return name
        # any variable name: only when no other resource of this type named there is still unknown
        unknown = {m.group(1) for v in env.values() for m in _ANY_REF.finditer(str(v))
                   if m.group(1) in same_type and m.group(1) not in known}
        if unknown != {res.id}:
            continue
        candidates = {n for v in actual.values() if (n := named_in(res.type, str(v))) and n not in taken}
        existing = {n for n in candidates if reader.exists(res.type, n)}
        if len(existing) == 1:
            return existing.pop()
    return None


def _from_subscription(reader: Reader, workshop: Workshop, res: ResourceSpec, known: Mapping[str, str]) -> str | None:
    """The queue a known topic delivers to (its sqs subscription)."""
    if res.type != "sqs.queue":
        return None
    for sub in workshop.resources:
        topic = ref(sub.properties.get("topic"))
        if (sub.type == "sns.subscription" and ref(sub.properties.get("endpoint")) == (res.id, "arn")
                and topic and topic[0] in known):
            got = reader.ctx.client("sns").list_subscriptions_by_topic(TopicArn=reader.topic_arn(known[topic[0]]))
            queues = {named_in("sqs.queue", s["Endpoint"]) for s in got.get("Subscriptions", [])
                      if s.get("Protocol") == "sqs"} - {None}
            if len(queues) == 1:
                return str(queues.pop())
    return None


def _from_mapping(reader: Reader, workshop: Workshop, res: ResourceSpec, known: Mapping[str, str]) -> str | None:
    """The table (or queue) whose stream feeds a known function (its event source mapping)."""
    for link in workshop.resources:
        source, function = ref(link.properties.get("source")), ref(link.properties.get("function"))
        if link.type != "lambda.event_source_mapping" or not source or source[0] != res.id:
            continue
        if function and function[0] in known:
            got = reader.ctx.client("lambda").list_event_source_mappings(FunctionName=known[function[0]])
            names = {named_in(res.type, m.get("EventSourceArn", "").split("/stream/", 1)[0])
                     for m in got.get("EventSourceMappings", [])} - {None}
            if len(names) == 1:
                return str(names.pop())
    return None


def _authorizer(reader: Reader, res: ResourceSpec, found: Mapping[str, str]) -> str | None:
    """The Cognito authorizer of the API found by its routes (when it has one)."""
    api = ref(res.properties.get("api"))
    api_id = found.get(f"{api[0]}#id") if api else None
    if not api_id:
        return None
    items = reader.ctx.client("apigateway").get_authorizers(restApiId=api_id).get("items", [])
    cognito = [a for a in items if a.get("type") == "COGNITO_USER_POOLS"]
    return str(cognito[0]["name"]) if len(cognito) == 1 else None
