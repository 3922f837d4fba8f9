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


# --- judged as a teacher would: the optional Cognito authorizer, named by the student ---


def test_authorizer_named_by_the_student_is_found_by_its_pool(w2: Harness) -> None:
    from codecraft_cli.resources import handler_for
    from codecraft_cli.workshop.model import resolve

    from .projects_outputs import API_ID, W2_OUTPUTS

    res = w2.ctx.workshop.resource("authorizer")
    props = resolve(res.properties, W2_OUTPUTS)
    pool = str(props["user_pools"][0])
    w2.stub("apigateway").add_response("get_authorizers", {"items": [
        {"id": "other1", "name": "ApiKeyCheck", "type": "TOKEN"},
        {"id": "auth77", "name": "MonAuthCognito", "type": "COGNITO_USER_POOLS", "providerARNs": [pool]}]},
        {"restApiId": API_ID})
    handler = handler_for(res.type)
    observed = handler.observe_by_hand(w2.ctx, res, props)
    w2.assert_done()
    assert observed.exists and observed.attrs["id"] == "auth77"
    assert handler.check(w2.ctx, res, props, observed, by_hand=True) == []
    wrong = Observed(True, {**observed.attrs, "providers": ["arn:aws:cognito-idp:eu-west-3:111122223333:userpool/x"]})
    (failure,) = handler.check(w2.ctx, res, props, wrong, by_hand=True)
    assert handler.requires(res, failure)
