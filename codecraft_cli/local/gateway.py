"""Serve deployed REST API stages: ``http://127.0.0.1:PORT/{api_id}/{stage}/{path}``.

Every request is answered from the API's definition in the emulator, as API Gateway would:
the stage must exist (else 403 Forbidden); the path and method must match a resource
(else 403 "Missing Authentication Token", which is what a REST API answers for an unknown
route); a Cognito authorizer must accept the bearer token (else 401); the integration must
be AWS_PROXY to a Lambda function that grants ``apigateway.amazonaws.com`` permission for
this method (else 500, with the reason in ``x-codecraft-error``); the function runs for real
and must return ``{"statusCode", "headers", "body": str}`` (else 502).
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Iterable
from typing import Any

from .clients import EmulatorClients
from .iam.resource_policies import lambda_permission_allows
from .lambda_.service import LambdaRunner
from .moto_adapter import ACCOUNT_ID, rest_api_region

_URI_RE = re.compile(r"functions/(arn:aws:lambda:[^/]+)/invocations")


def _json_response(start_response: Any, status: int, body: Any, extra: dict[str, str] | None = None) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": str(uuid.uuid4())}
    headers.update(extra or {})
    return _respond(start_response, status, data, headers)


def _respond(start_response: Any, status: int, data: bytes, headers: dict[str, str]) -> Iterable[bytes]:
    from werkzeug.http import HTTP_STATUS_CODES

    reason = HTTP_STATUS_CODES.get(status, "Unknown")
    start_response(f"{status} {reason}", [(k, v) for k, v in headers.items()] +
                   [("Content-Length", str(len(data)))])
    return [data]


def match_resource(resources: list[dict[str, Any]], path: str) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The resource for a request path, with its path parameters (exact parts win)."""
    want = [p for p in path.strip("/").split("/") if p]
    best: tuple[int, dict[str, Any], dict[str, str]] | None = None
    for res in resources:
        parts = [p for p in res["path"].strip("/").split("/") if p]
        params: dict[str, str] = {}
        score = 0
        if parts and parts[-1].startswith("{") and parts[-1].endswith("+}"):
            head = parts[:-1]
            if len(want) <= len(head) or not _match_parts(head, want[: len(head)], params):
                continue
            params[parts[-1][1:-2]] = "/".join(want[len(head):])
            score = len(head)
        elif len(parts) == len(want) and _match_parts(parts, want, params):
            score = 1000 + sum(not p.startswith("{") for p in parts)
        else:
            continue
        if best is None or score > best[0]:
            best = (score, res, params)
    return (best[1], best[2]) if best else None


def _match_parts(pattern: list[str], parts: list[str], params: dict[str, str]) -> bool:
    for pat, part in zip(pattern, parts, strict=True):
        if pat.startswith("{") and pat.endswith("}"):
            params[pat[1:-1]] = part
        elif pat != part:
            return False
    return True


def permission_allows(policy_statements: list[dict[str, Any]], source_arn: str, function_arn: str | None = None) -> bool:
    """A statement of the function's policy lets API Gateway invoke it for this method: any
    statement id, any SourceArn form AWS accepts (``api/*/POST/orders``, ``api/*/*``, ``api/*``,
    or none), with IAM's evaluation (``local/iam``)."""
    return lambda_permission_allows(policy_statements, "apigateway.amazonaws.com", source_arn, ACCOUNT_ID,
                                    function_arn)


MAX_PAYLOAD = 10 * 1024 * 1024  # REST API payload quota: 10 MB


class Gateway:
    """The WSGI application of the local API gateway."""

    def __init__(self, clients: EmulatorClients, runner: LambdaRunner, default_region: str,
                 authorizers: Any = None, snapshots: dict[tuple[str, str], list[dict[str, Any]]] | None = None) -> None:
        self.clients = clients
        self.runner = runner
        self.default_region = default_region
        self.authorizers = authorizers
        self.snapshots = snapshots if snapshots is not None else {}
        self.status: Any = lambda: {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        from werkzeug.wrappers import Request

        request = Request(environ)
        try:
            if request.path == "/_codecraft/health":
                return _json_response(start_response, 200, {"ok": True, **self.status()})
            if (request.content_length or 0) > MAX_PAYLOAD:  # API Gateway's limit, before anything runs
                return _json_response(start_response, 413, {"message": "Request Too Long"},
                                      {"x-codecraft-error": f"API Gateway accepts at most {MAX_PAYLOAD} bytes "
                                                            f"(10 MB); this request has {request.content_length}"})
            return self._serve(request, start_response)
        except Exception as exc:  # never let one request take the gateway down
            return _json_response(start_response, 500, {"message": "Internal server error"},
                                  {"x-codecraft-error": f"gateway error: {exc}"[:300]})

    def _serve(self, request: Any, start_response: Any) -> Iterable[bytes]:
        parts = request.path.lstrip("/").split("/", 2)
        if len(parts) < 2 or not parts[0]:
            return _json_response(start_response, 403, {"message": "Forbidden"})
        api_id, stage = parts[0], parts[1]
        path = "/" + (parts[2] if len(parts) > 2 else "")
        region = rest_api_region(api_id)
        if region is None:
            return _json_response(start_response, 403, {"message": "Forbidden"})
        apigw = self.clients.client("apigateway", region)
        try:
            stage_def = apigw.get_stage(restApiId=api_id, stageName=stage)
        except apigw.exceptions.NotFoundException:
            return _json_response(start_response, 403, {"message": "Forbidden"},
                                  {"x-codecraft-error": f"stage {stage!r} is not deployed"})
        # the API as it was deployed to this stage, not as it is being edited
        resources = self.snapshots.get((api_id, str(stage_def.get("deploymentId"))))
        if resources is None:
            resources = [item for page in apigw.get_paginator("get_resources").paginate(restApiId=api_id)
                         for item in page.get("items", [])]
        matched = match_resource(resources, path)
        method = request.method.upper()
        missing = _json_response  # API Gateway's answer to an unknown route
        if matched is None:
            return missing(start_response, 403, {"message": "Missing Authentication Token"})
        resource, path_params = matched
        methods = resource.get("resourceMethods") or {}
        method_key = method if method in methods else ("ANY" if "ANY" in methods else None)
        if method_key is None:
            return missing(start_response, 403, {"message": "Missing Authentication Token"})
        method_def = (resource.get("methods") or {}).get(method_key) or apigw.get_method(
            restApiId=api_id, resourceId=resource["id"], httpMethod=method_key)
        claims: dict[str, Any] | None = None
        auth_type = method_def.get("authorizationType") or "NONE"
        if auth_type not in ("NONE", "COGNITO_USER_POOLS") or method_def.get("apiKeyRequired"):
            return _json_response(start_response, 500, {"message": "Internal server error"}, {
                "x-codecraft-error": f"the emulator does not implement {auth_type} authorization or API keys"})
        if auth_type == "COGNITO_USER_POOLS":
            if self.authorizers is None:
                return _json_response(start_response, 401, {"message": "Unauthorized"})
            claims = self.authorizers.check(apigw, api_id, method_def.get("authorizerId"),
                                            request.headers, region)
            if claims is None:
                return _json_response(start_response, 401, {"message": "Unauthorized"})
        integration = method_def.get("methodIntegration") or {}
        if integration.get("type") != "AWS_PROXY":
            return _json_response(start_response, 500, {"message": "Internal server error"},
                                  {"x-codecraft-error": "the method has no Lambda proxy integration"})
        found = _URI_RE.search(integration.get("uri", ""))
        if not found:
            return _json_response(start_response, 500, {"message": "Internal server error"},
                                  {"x-codecraft-error": "the integration URI names no Lambda function"})
        function_arn = found.group(1)
        source_arn = f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:{api_id}/{stage}/{method}{path}"
        if not self._allowed(function_arn, region, source_arn):
            return _json_response(start_response, 500, {"message": "Internal server error"}, {
                "x-codecraft-error": "Execution failed due to configuration error: Invalid permissions "
                "on Lambda function (no lambda:InvokeFunction permission for apigateway.amazonaws.com)"})
        event = self._event(request, api_id, stage, path, method, resource, path_params, claims,
                            stage_def.get("variables"))
        try:
            result = self.runner.invoke(function_arn, event)
        except Exception as exc:
            return _json_response(start_response, 502, {"message": "Internal server error"},
                                  {"x-codecraft-error": f"Lambda invocation failed: {exc}"[:300]})
        if not result.ok:
            return _json_response(start_response, 502, {"message": "Internal server error"},
                                  {"x-codecraft-error": f"Lambda error: {result.error_type}: "
                                   f"{result.payload.get('errorMessage', '')}"[:300]})
        return self._proxy_response(start_response, result.payload)

    def _allowed(self, function_arn: str, region: str, source_arn: str) -> bool:
        client = self.clients.client("lambda", region)
        try:
            policy = client.get_policy(FunctionName=function_arn)["Policy"]
        except client.exceptions.ResourceNotFoundException:
            return False
        statements = json.loads(policy).get("Statement", [])
        return permission_allows(statements if isinstance(statements, list) else [statements], source_arn,
                                 function_arn)

    def _event(self, request: Any, api_id: str, stage: str, path: str, method: str,
               resource: dict[str, Any], path_params: dict[str, str], claims: dict[str, Any] | None,
               stage_variables: dict[str, str] | None = None) -> dict[str, Any]:
        raw = request.get_data()
        try:
            body: str | None = raw.decode("utf-8") if raw else None
            is_b64 = False
        except UnicodeDecodeError:
            body, is_b64 = base64.b64encode(raw).decode(), True
        headers = {k: v for k, v in request.headers.items()}
        multi_headers: dict[str, list[str]] = {}
        for k, v in request.headers.items():
            multi_headers.setdefault(k, []).append(v)
        query = {k: request.args.getlist(k)[-1] for k in request.args} or None  # the last value wins
        multi_query = {k: request.args.getlist(k) for k in request.args} or None
        now = time.time()
        context: dict[str, Any] = {
            "resourceId": resource["id"], "resourcePath": resource["path"], "httpMethod": method,
            "path": f"/{stage}{path}", "accountId": ACCOUNT_ID, "stage": stage, "apiId": api_id,
            "requestId": str(uuid.uuid4()), "protocol": "HTTP/1.1",
            "domainName": request.host, "requestTimeEpoch": int(now * 1000),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "identity": {"sourceIp": request.remote_addr or "127.0.0.1",
                         "userAgent": request.headers.get("User-Agent", "")},
        }
        if claims is not None:
            context["authorizer"] = {"claims": claims}
        return {
            "resource": resource["path"], "path": path, "httpMethod": method,
            "headers": headers, "multiValueHeaders": multi_headers,
            "queryStringParameters": query, "multiValueQueryStringParameters": multi_query,
            "pathParameters": path_params or None, "stageVariables": stage_variables or None,
            "requestContext": context, "body": body, "isBase64Encoded": is_b64,
        }

    def _proxy_response(self, start_response: Any, payload: Any) -> Iterable[bytes]:
        bad = {"x-codecraft-error": "Malformed Lambda proxy response: it must be an object with "
               "statusCode (int), headers and body (a string)"}
        if not isinstance(payload, dict) or not isinstance(payload.get("statusCode", None), int):
            return _json_response(start_response, 502, {"message": "Internal server error"}, bad)
        body = payload.get("body", "")
        if body is not None and not isinstance(body, str):
            return _json_response(start_response, 502, {"message": "Internal server error"}, bad)
        from werkzeug.datastructures import Headers
        from werkzeug.http import HTTP_STATUS_CODES

        data = (body or "").encode()
        if payload.get("isBase64Encoded"):
            data = base64.b64decode(data)
        headers = Headers({"Content-Type": "application/json", "x-amzn-RequestId": str(uuid.uuid4())})
        for k, v in (payload.get("headers") or {}).items():
            headers.set(str(k), str(v))  # case-insensitive: the function's Content-Type wins
        for k, values in (payload.get("multiValueHeaders") or {}).items():
            headers.remove(str(k))
            for value in values:  # one header line per value (Set-Cookie)
                headers.add(str(k), str(value))
        headers.remove("Content-Length")
        headers.set("Content-Length", str(len(data)))
        status = int(payload["statusCode"])
        start_response(f"{status} {HTTP_STATUS_CODES.get(status, 'Unknown')}", list(headers.items()))
        return [data]
