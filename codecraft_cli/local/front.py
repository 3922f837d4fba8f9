"""In front of moto: the emulator says no where AWS says no.

Every AWS API request reaching the emulator passes here first. :func:`read_request` finds
the service (the SigV4 credential scope), the operation (``Action``, ``X-Amz-Target`` or the
REST URI of botocore's model) and the parameters in botocore's shapes (moto's own request
parsers, through :mod:`.moto_adapter`). Then:

1. the optional ``authorize`` hook (:data:`Authorize`: IAM enforcement plugs in there) may
   refuse the request;
2. :func:`.rules.refuse` checks it against botocore's model and the documented rules, with the
   existing resources read from moto (:class:`.rules_state.MotoState`);
3. a refusal is answered in the service's wire protocol, with AWS's code, message and status
   (:func:`answer`); anything else goes to moto unchanged.

A request the front cannot read (unsigned, an unknown service or operation, a body it cannot
parse) goes to moto unchanged: the front never breaks a request that works.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from .rules import Refusal
from .rules_state import Deletions, MotoState
from .wsgi import call_capturing


@dataclass(frozen=True)
class RequestInfo:
    """What the front read from one AWS API request."""

    service: str  # botocore's service name: "lambda", "cognito-idp", "secretsmanager", ...
    operation: str  # the operation's name in botocore's model: "CreateFunction"
    params: Mapping[str, Any]  # botocore-shaped parameters (the dict boto3 was called with)
    access_key: str  # the access key id of the signature
    region: str  # the region of the signature's credential scope
    protocol: str = "json"  # the wire protocol the request used: json, rest-json, query, ec2, rest-xml
    method: str = "POST"  # the HTTP method
    headers: Any = field(default_factory=dict, compare=False, repr=False)  # case-insensitive, as received


# Called before the rules for every request the front could read; a Refusal is answered as
# is (code, message, status), None lets the request go on.
Authorize = Callable[[RequestInfo], "Refusal | None"]

# The services whose requests are checked against the rules (the workshops' twelve).
CHECKED = frozenset({"ec2", "sqs", "lambda", "iam", "s3", "dynamodb", "sns", "apigateway", "secretsmanager",
                     "rds", "cognito-idp", "logs"})
# SigV4 signing names that are not botocore's service name.
_SIGNING = {"monitoring": "cloudwatch", "states": "stepfunctions", "email": "ses", "execute-api": ""}
_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_JSON_TYPES = ("application/x-amz-json-1.0", "application/x-amz-json-1.1", "application/json")


def _scope(environ: dict[str, Any]) -> tuple[str, str, str] | None:
    """(access key, region, signing name) of a SigV4 header or presigned URL."""
    found = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if found:
        return found.group(1), found.group(2), found.group(3)
    query = environ.get("QUERY_STRING", "")
    if "X-Amz-Credential=" in query:
        credential = dict(parse_qsl(query)).get("X-Amz-Credential", "").split("/")
        if len(credential) == 5:
            return credential[0], credential[2], credential[3]
    return None


def _protocol(model: Any, content_type: str) -> str | None:
    """The protocol of this request: the content type decides among the model's protocols
    (as moto's ``determine_request_protocol``)."""
    protocol = str(model.protocol)
    if model.service_name == "s3":
        return protocol
    supported = model.metadata.get("protocols", [protocol])
    kind = content_type.split(";")[0].strip().lower()
    if kind in _JSON_TYPES:
        protocol = "rest-json" if kind == "application/json" else "json"
    elif kind == "application/x-www-form-urlencoded":
        protocol = "ec2" if "ec2" in supported else "query"
    if protocol == "rest-json" and model.protocol == "json":
        protocol = "json"
    return protocol if protocol in supported else None


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    labels: tuple[str, ...]
    query: tuple[tuple[str, str | None], ...]  # query keys (and values) written in the URI: ?tagging
    needs: tuple[tuple[str, str], ...]  # required members sent in a header or the query string
    literal: int  # length of the URI's fixed text
    deprecated: bool
    operation: str


@lru_cache(maxsize=None)
def _routes(service: str) -> tuple[_Route, ...]:
    """The REST operations of a service, from botocore's model: method, URI template as a
    pattern, the query keys the URI carries (``/{Bucket}?tagging``), the required members
    located in headers or the query string (``CopySource``, ``partNumber``)."""
    from . import moto_adapter

    model = moto_adapter.service_model(service)
    routes: list[_Route] = []
    for name in model.operation_names:
        operation = model.operation_model(name)
        http = operation.http
        path, _, query = str(http.get("requestUri", "/")).partition("?")
        labels: list[str] = []
        regex = ""
        for part in re.split(r"(\{[^}]+\})", path.rstrip("/")):
            if part.startswith("{"):
                labels.append(part.strip("{}+"))
                regex += "(.+)" if part.endswith("+}") else "([^/]+)"
            else:
                regex += re.escape(part)
        keys = tuple((k, v or None) for k, _, v in (p.partition("=") for p in query.split("&") if p))
        shape = operation.input_shape
        needs = tuple((m.serialization["location"], str(m.serialization.get("name", n)))
                      for n, m in (shape.members.items() if shape is not None else ())
                      if n in shape.required_members and m.serialization.get("location") in ("header", "querystring"))
        routes.append(_Route(str(http.get("method", "POST")), re.compile(f"^{regex}/?$"), tuple(labels), keys,
                             needs, len(re.sub(r"\{[^}]+\}", "", path)), bool(operation.deprecated), name))
    return tuple(routes)


def _rest_operation(service: str, method: str, path: str, query: Mapping[str, str],
                    headers: Any) -> tuple[str, dict[str, str]] | None:
    """The most specific operation whose URI, query keys and required headers match; None when
    none does, or when two (not deprecated) match equally well: not the front's to guess."""
    scored: list[tuple[tuple[int, int, int, int], _Route, re.Match[str]]] = []
    for route in _routes(service):
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if not found:
            continue
        # x-id (?x-id=PutObject) is written by recent SDKs only: optional, but it must agree
        if any((k not in query and k != "x-id") or (v is not None and query.get(k, v) != v) for k, v in route.query):
            continue
        if any((name not in query) if where == "querystring" else (name not in headers) for where, name in route.needs):
            continue
        concrete = sum(1 for k, _ in route.query if k != "x-id")
        score = (concrete, len(route.needs), len(route.query) - concrete, route.literal)
        scored.append((score, route, found))
    if not scored:
        return None
    top = max(score for score, _, _ in scored)
    best = [(route, found) for score, route, found in scored if score == top]
    if len(best) > 1:
        best = [(route, found) for route, found in best if not route.deprecated]
    if len(best) != 1:
        return None
    route, found = best[0]
    # labels as sent on the wire are percent-encoded (botocore 1.44 encodes ':' in an ARN as %3A)
    return route.operation, dict(zip(route.labels, (unquote(g) for g in found.groups()), strict=True))


def read_request(environ: dict[str, Any], body: bytes) -> RequestInfo | None:
    """What the request asks, or None when the front cannot tell."""
    from werkzeug.datastructures import EnvironHeaders, MultiDict

    from . import moto_adapter

    scope = _scope(environ)
    if scope is None:
        return None
    access_key, region, signing = scope
    service = _SIGNING.get(signing, signing)
    if service == "ses" and environ.get("PATH_INFO", "").startswith("/v2/"):  # SES v2 signs as "ses" too
        service = "sesv2"
    model = moto_adapter.service_model(service) if service else None
    if model is None:
        return None
    headers = EnvironHeaders(environ)
    protocol = _protocol(model, headers.get("Content-Type", ""))
    if protocol is None:
        return None
    method = environ.get("REQUEST_METHOD", "GET")
    raw_path = urlsplit(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "").path
    path = raw_path or quote(environ.get("PATH_INFO", ""))
    pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    url_params: dict[str, str] = {}
    if protocol in ("query", "ec2"):
        pairs += parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        operation = dict(pairs).get("Action", "")
    elif protocol == "json":
        target = headers.get("X-Amz-Target", "")
        prefix, _, operation = target.rpartition(".")
        if service == "dynamodb" and prefix.startswith("DynamoDBStreams"):
            service, model = "dynamodbstreams", moto_adapter.service_model("dynamodbstreams")
        if prefix != model.metadata.get("targetPrefix"):
            return None
    else:
        if service == "s3" and not _path_style(headers.get("Host", "")):
            return None
        found = _rest_operation(service, method, path, dict(pairs), headers)
        if found is None:
            return None
        operation, url_params = found
    if operation not in model.operation_names:
        return None
    request = {"method": method, "values": MultiDict(pairs), "headers": headers, "body": body,
               "url_path": path, "url_params": url_params}
    params = moto_adapter.parse_request(service, operation, protocol, request)
    return RequestInfo(service, operation, params, access_key, region, protocol, method, headers)


# Lambda's FunctionName accepts a partial ARN, "123456789012:function:my-function" (API_AddPermission,
# API_GetFunction... "Name formats"); moto does not (a 500): the front gives it the full ARN
_PARTIAL_ARN = re.compile(r"^(/20\d\d-\d\d-\d\d/functions/)(\d{12})(?::|%3[Aa])function(?::|%3[Aa])")


def _full_function_arn(environ: dict[str, Any]) -> None:
    scope = _scope(environ)
    if scope is None or scope[2] != "lambda":
        return
    region = scope[1]
    for key in ("PATH_INFO", "RAW_URI", "REQUEST_URI"):
        value = environ.get(key)
        if isinstance(value, str):
            colon = ":" if key == "PATH_INFO" else "%3A"
            environ[key] = _PARTIAL_ARN.sub(
                lambda m: f"{m.group(1)}arn{colon}aws{colon}lambda{colon}{region}{colon}{m.group(2)}"
                          f"{colon}function{colon}", value, count=1)


def _path_style(host: str) -> bool:
    """S3 addressed by path (``127.0.0.1:port/bucket/key``), not by a bucket's own host name."""
    name = host.rsplit(":", 1)[0] if not host.startswith("[") else host
    return name in ("localhost", "s3.amazonaws.com") or re.fullmatch(r"[\d.]+|\[[\da-fA-F:]+\]", name) is not None \
        or re.fullmatch(r"s3[.-][a-z0-9-]+\.amazonaws\.com", name) is not None


class RefusalFront:
    """The WSGI application in front of the emulator's AWS endpoint (see the module's doc)."""

    def __init__(self, app: Any, authorize: Authorize | None = None, checked: frozenset[str] = CHECKED) -> None:
        self.app = app
        self.authorize = authorize
        self.checked = checked
        self.deletions = Deletions()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        _full_function_arn(environ)
        info = self.read(environ)
        if info is None:
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        refusal = self.check(info)
        if refusal is not None:
            return answer(start_response, refusal, info)
        if (info.service, info.operation) == ("sqs", "DeleteQueue"):
            status, chunks = call_capturing(self.app, environ, start_response)
            url = str(info.params.get("QueueUrl") or "")
            if status.startswith("200") and url:
                self.deletions.queue_deleted(info.region, url.rstrip("/").rsplit("/", 1)[-1])
            return chunks
        return self.app(environ, start_response)  # type: ignore[no-any-return]

    def read(self, environ: dict[str, Any]) -> RequestInfo | None:
        if "HTTP_AUTHORIZATION" not in environ and "X-Amz-Credential" not in environ.get("QUERY_STRING", ""):
            return None
        if not environ.get("CONTENT_LENGTH") and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", ""):
            return None  # a body of unknown length: left to moto, unread
        try:
            from .wsgi import buffered_body

            return read_request(environ, buffered_body(environ))
        except Exception as exc:  # never break a request moto would serve
            print(f"codecraft emulator: front could not read {environ.get('PATH_INFO')}: {exc!r}",
                  file=sys.stderr, flush=True)
            return None

    def check(self, info: RequestInfo) -> Refusal | None:
        if self.authorize is not None:
            refusal = self.authorize(info)
            if refusal is not None:
                return refusal
        if info.service not in self.checked:
            return None
        from .rules import refuse

        try:
            return refuse(info.service, info.operation, info.params, MotoState(info.region, self.deletions))
        except Exception as exc:  # a rule's bug must not stop a request AWS would accept
            print(f"codecraft emulator: rules failed on {info.service}.{info.operation}: {exc!r}",
                  file=sys.stderr, flush=True)
            return None



# --- the refusal on the wire, as botocore's parsers read each protocol's errors ----------------
_XMLNS = {"iam": "https://iam.amazonaws.com/doc/2010-05-08/", "sns": "http://sns.amazonaws.com/doc/2010-03-31/",
          "rds": "http://rds.amazonaws.com/doc/2014-10-31/", "sqs": "http://queue.amazonaws.com/doc/2012-11-05/",
          "sts": "https://sts.amazonaws.com/doc/2011-06-15/"}
_SQS_PREFIX = "AWS.SimpleQueueService."
_SQS_SHAPES = {"NonExistentQueue": "QueueDoesNotExist"}


def answer(start_response: Any, refusal: Refusal, info: RequestInfo) -> list[bytes]:
    """The refusal as the service answers it.

    JSON protocols: ``{"__type": code, "message": ...}`` and the ``x-amzn-ErrorType`` header
    (botocore's JSON parser reads ``__type``, the REST-JSON one the header). SQS speaks JSON
    with the ``awsQueryCompatible`` trait: ``__type`` is the error shape and the
    ``x-amzn-query-error`` header carries the query code (``AWS.SimpleQueueService.
    QueueDeletedRecently;Sender``), which boto3 reports as ``Error.Code``
    (sqs-json-faqs.html). Query protocols: ``<ErrorResponse><Error>``; EC2:
    ``<Response><Errors><Error>``; S3 (REST-XML): ``<Error>`` (each API's "Common Errors" page).
    """
    import json
    import uuid
    from http import HTTPStatus
    from xml.sax.saxutils import escape

    request_id = str(uuid.uuid4())
    fault = "Sender" if refusal.sender_fault else "Receiver"
    headers = [("x-amzn-RequestId", request_id)]
    if info.protocol in ("json", "rest-json"):
        code = refusal.code
        if info.service == "sqs":
            short = code[len(_SQS_PREFIX):] if code.startswith(_SQS_PREFIX) else code
            code = "com.amazonaws.sqs#" + _SQS_SHAPES.get(short, short)
            headers.append(("x-amzn-query-error", f"{refusal.code};{fault}"))
        document: dict[str, str] = {"__type": code, "message": refusal.message}
        if info.service == "lambda":
            document.update({"Type": "User" if refusal.sender_fault else "Service", "Message": refusal.message})
        body = json.dumps(document).encode()
        kind = "application/json" if info.protocol == "rest-json" else "application/x-amz-json-1.0"
        headers += [("Content-Type", kind), ("x-amzn-ErrorType", refusal.code)]
    else:
        code, message = escape(refusal.code), escape(refusal.message)
        if info.protocol == "ec2":
            text = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                    f"<RequestID>{request_id}</RequestID></Response>")
        elif info.protocol == "rest-xml":
            text = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{request_id}</RequestId></Error>"
        else:
            xmlns = _XMLNS.get(info.service, "")
            text = (f'<ErrorResponse xmlns="{xmlns}"><Error><Type>{fault}</Type><Code>{code}</Code>'
                    f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode()
        headers.append(("Content-Type", "text/xml" if info.protocol != "rest-xml" else "application/xml"))
    if info.method == "HEAD":  # no body: botocore reads the status alone
        body = b""
    headers.append(("Content-Length", str(len(body))))
    try:
        phrase = HTTPStatus(refusal.status).phrase
    except ValueError:
        phrase = "Error"
    start_response(f"{refusal.status} {phrase}", headers)
    return [body]
