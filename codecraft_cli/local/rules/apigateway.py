"""API Gateway (REST APIs): resources, methods, integrations, authorizers, stages."""

from __future__ import annotations

import re

from .base import Params, Refusal, State, number, rule, text

BAD = "BadRequestException"
# "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end
# and an optional plus sign before the closing brace" (the API's answer; api-gateway-method-
# settings-method-request.html#setup-method-resources describes {proxy+}).
_PATH_PART = re.compile(r"[a-zA-Z0-9._-]+|\{[a-zA-Z0-9._-]+\+?\}")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")
_AUTH = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS")


def _bad(message: str) -> Refusal:
    return Refusal(BAD, message)


@rule("apigateway", "CreateResource")
def path_part(params: Params, state: State) -> Refusal | None:
    part = text(params.get("pathPart"))
    if part is not None and not _PATH_PART.fullmatch(part):
        return _bad("Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end "
                    "and an optional plus sign before the closing brace.")
    return None


@rule("apigateway", "PutMethod", "PutIntegration", "DeleteMethod", "GetMethod", "TestInvokeMethod",
      "PutMethodResponse", "PutIntegrationResponse")
def http_method(params: Params, state: State) -> Refusal | None:
    method = text(params.get("httpMethod"))
    if method is not None and method not in _METHODS:
        return _bad("Invalid HttpMethod specified. Valid options are " + ",".join(_METHODS))
    return None


@rule("apigateway", "PutMethod")
def authorization(params: Params, state: State) -> Refusal | None:
    """authorizationType: NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS; the last two name an
    authorizer (API_PutMethod.html)."""
    kind = text(params.get("authorizationType"))
    if kind is not None and kind not in _AUTH:
        return _bad(f"Invalid authorization type specified. Valid options are {','.join(_AUTH)}")
    if kind in ("CUSTOM", "COGNITO_USER_POOLS") and not params.get("authorizerId"):
        return _bad("Invalid authorizer ID specified. Setting the authorization type to CUSTOM or "
                    "COGNITO_USER_POOLS requires a valid authorizer.")
    if kind not in ("CUSTOM", "COGNITO_USER_POOLS") and params.get("authorizerId"):
        return _bad("Authorizer ID specified without CUSTOM or COGNITO_USER_POOLS authorization type.")
    return None


_LAMBDA_URI = re.compile(r"arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/"
                         r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?"
                         r"/invocations")


@rule("apigateway", "PutIntegration")
def integration(params: Params, state: State) -> Refusal | None:
    """AWS, AWS_PROXY, HTTP and HTTP_PROXY integrations need an integrationHttpMethod and a uri;
    a Lambda (proxy) integration's uri is the function's invocations path and its method POST
    (set-up-lambda-proxy-integrations.html: "For Lambda integrations, you must use the HTTP
    method of POST for the integration request"; API_PutIntegration.html, uri)."""
    kind = text(params.get("type"))
    uri = text(params.get("uri")) or ""
    method = text(params.get("integrationHttpMethod"))
    if kind in ("AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY"):
        if not method:
            return _bad("Enumeration value for HttpMethod must be non-empty")
        if method not in _METHODS:
            return _bad("Invalid HttpMethod specified. Valid options are " + ",".join(_METHODS))
        if not uri:
            return _bad("Invalid ARN specified in the request" if kind.startswith("AWS") else
                        "Invalid HTTP endpoint specified for URI")
    if kind in ("AWS", "AWS_PROXY"):
        if not uri.startswith("arn:"):
            return _bad("Invalid ARN specified in the request")
        if ":lambda:path/" in uri:
            if not _LAMBDA_URI.fullmatch(uri):
                return _bad("Invalid function ARN or invalid uri")
            if method != "POST":
                return _bad("Lambda integrations must use the POST HTTP method for the integration request.")
        elif ":path/" not in uri and ":action/" not in uri:
            return _bad("AWS ARN for integration must contain path or action")
    if kind == "AWS_PROXY" and ":lambda:path/" not in uri:
        return _bad("Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose "
                    "proxy integrations.")
    if kind in ("HTTP", "HTTP_PROXY") and not re.match(r"https?://[^/\s]+", uri):
        return _bad("Invalid HTTP endpoint specified for URI")
    timeout = number(params.get("timeoutInMillis"))
    if timeout is not None and timeout < 50:
        return _bad("Timeout should be between 50 ms and 29000 ms")
    return None


# CreateStage / CreateDeployment stageName: "Stage names can only contain alphanumeric
# characters, hyphens, and underscores. Maximum length is 128 characters." (API_CreateStage.html)
_STAGE = re.compile(r"[A-Za-z0-9_-]{1,128}")


@rule("apigateway", "CreateDeployment", "CreateStage")
def stage_name(params: Params, state: State) -> Refusal | None:
    name = text(params.get("stageName"))
    # CreateDeployment's stageName is optional (API_CreateDeployment.html): an empty one is no stage
    # (Terraform's aws_api_gateway_deployment sends "" and AWS makes the deployment alone).
    # CreateStage (its deploymentId is required) needs a real name.
    if name == "" and "deploymentId" not in params:
        return None
    if name is not None and not _STAGE.fullmatch(name):
        return _bad("Stage name only allows a-zA-Z0-9_-")
    return None


@rule("apigateway", "CreateAuthorizer")
def authorizer(params: Params, state: State) -> Refusal | None:
    """TOKEN and REQUEST authorizers need an authorizerUri; COGNITO_USER_POOLS needs
    providerARNs (user pool ARNs); the cache TTL is at most 3600 s (API_CreateAuthorizer.html)."""
    kind = text(params.get("type"))
    if kind in ("TOKEN", "REQUEST") and not params.get("authorizerUri"):
        return _bad("Authorizer URI is required for TOKEN and REQUEST authorizers")
    if kind == "COGNITO_USER_POOLS":
        arns = params.get("providerARNs") or []
        if not arns:
            return _bad("Provider ARNs are required for COGNITO_USER_POOLS authorizers")
        for arn in arns:
            if not re.fullmatch(r"arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool/[\w-]+_[0-9a-zA-Z]+",
                                str(arn)):
                return _bad(f"Invalid provider ARN specified: {arn}")
    source = text(params.get("identitySource"))
    if kind in ("TOKEN", "COGNITO_USER_POOLS") and source is not None \
            and not re.fullmatch(r"method\.request\.header\.[A-Za-z0-9._-]+", source):
        return _bad("Invalid identity source specified. Identity sources must be of the form "
                    "method.request.header.<name>")
    ttl = number(params.get("authorizerResultTtlInSeconds"))
    if ttl is not None and not 0 <= ttl <= 3600:
        return _bad("Invalid TTL specified. TTL must be between 0 and 3600 seconds.")
    return None


@rule("apigateway", "CreateRestApi")
def rest_api(params: Params, state: State) -> Refusal | None:
    name = text(params.get("name"))
    if name is not None and not name.strip():
        return _bad("Invalid REST API name specified.")
    config = params.get("endpointConfiguration")
    types = config.get("types") if isinstance(config, dict) else None
    if isinstance(types, list) and len(types) != 1:
        return _bad("Only one endpoint type may be specified")
    return None


@rule("apigateway", "CreateResource")
def sibling_path_part(params: Params, state: State) -> Refusal | None:
    """A resource whose path part its parent already has is refused with ConflictException
    ("Another resource with the same parent already has this name", API_CreateResource.html
    Errors: ConflictException)."""
    part, api, parent = text(params.get("pathPart")), text(params.get("restApiId")), text(params.get("parentId"))
    if part and api and parent:
        siblings = state.resource_path_parts(api, parent)
        if siblings is not None and part in siblings:
            return Refusal("ConflictException", f"Another resource with the same parent already has this name: "
                                                f"{part}", 409)
    return None


@rule("apigateway", "DeleteRestApi", "DeleteResource", "DeleteAuthorizer")
def deleted_exists(params: Params, state: State) -> Refusal | None:
    """Deleting what does not exist is NotFoundException (404), as for every API Gateway identifier
    (API_DeleteRestApi.html, API_DeleteResource.html, API_DeleteAuthorizer.html, Errors:
    NotFoundException "The requested resource is not found"): a teardown after a deletion by hand
    relies on it to know the thing is gone."""
    api = text(params.get("restApiId"))
    children = state.rest_api_children(api) if api else None
    if children is None:
        return None
    if not children:
        return Refusal("NotFoundException", f"Invalid API identifier specified {api}", 404)
    for key, kind, label in (("resourceId", "resources", "Resource"), ("authorizerId", "authorizers", "Authorizer")):
        wanted = text(params.get(key))
        if wanted and wanted not in children[kind]:
            return Refusal("NotFoundException", f"Invalid {label} identifier specified", 404)
    return None
