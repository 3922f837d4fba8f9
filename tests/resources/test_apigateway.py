"""apigateway.rest_api and apigateway.authorizer: workshop2's Cognito authorizer."""

from __future__ import annotations

from codecraft_cli.resources.base import Observed

from .projects_outputs import API_ID, AUTHORIZER_ID, POOL_ARN
from .stubs import Harness


def test_create_authorizer_request(w2: Harness) -> None:
    handler, res, props, calls = w2.plan("authorizer")
    w2.stub("apigateway").add_response("create_authorizer", {
        "id": AUTHORIZER_ID, "name": "CognitoAuthorizer", "type": "COGNITO_USER_POOLS",
        "providerARNs": [POOL_ARN], "identitySource": "method.request.header.Authorization"}, {
        "restApiId": "p9q8r7s6t5",
        "name": "CognitoAuthorizer",
        "type": "COGNITO_USER_POOLS",
        "providerARNs": ["arn:aws:cognito-idp:eu-west-3:111122223333:userpool/eu-west-3_AbCdEf123"],
        "identitySource": "method.request.header.Authorization",
    })

    results = w2.executor().run(calls)

    w2.assert_done()
    assert handler.resolve_outputs(w2.ctx, res, props, Observed(False), results) == {
        "id": AUTHORIZER_ID, "name": "CognitoAuthorizer", "api": API_ID}
