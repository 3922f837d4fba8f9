"""apigateway.route and apigateway.deployment: path, method and proxy integration (with the
Cognito authorizer in workshop2), the stage redeployed only when the live API changed."""

from __future__ import annotations

from botocore.stub import Stubber

from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Call, Observed, Var
from codecraft_cli.workshop.model import resolve

from . import projects_outputs
from .fakes import PLANNED, W, PlanContext, plan
from .orders_outputs import API_ID, EXECUTE_ARN, INTEGRATION_URI
from .projects_outputs import AUTHORIZER_ID
from .stubs import Harness


def test_route_creates_missing_path_then_method_then_proxy_integration() -> None:
    calls = plan("post_orders", Observed(False, {"resources": {"/": "root1"}}))
    assert calls == [
        Call("apigateway", "create_resource", {"restApiId": "api123", "parentId": "root1", "pathPart": "orders"},
             output="resource0"),
        Call("apigateway", "put_method", {"restApiId": "api123", "resourceId": Var("resource0", ("id",)),
                                          "httpMethod": "POST", "authorizationType": "NONE"}, records=True),
        Call("apigateway", "put_integration", {
            "restApiId": "api123", "resourceId": Var("resource0", ("id",)), "httpMethod": "POST",
            "type": "AWS_PROXY", "integrationHttpMethod": "POST",
            "uri": "arn:aws:apigateway:eu-west-3:lambda:path/2015-03-31/functions/"
                   "arn:aws:lambda:eu-west-3:111122223333:function:ProcessOrder/invocations"}),
    ]


def test_stage_redeploys_only_when_the_live_api_changed() -> None:
    res = W.resource("stage")
    handler = handler_for(res.type)
    props = resolve(res.properties, PLANNED)
    (first,) = handler.plan(PlanContext(), res, props, Observed(False, {"live": "abc"}))
    assert first.method == "create_deployment" and first.params["stageName"] == "prod"
    assert first.params["description"] == "codecraft abc" and first.records
    same = Observed(True, {"description": "codecraft abc", "live": "abc"})
    assert handler.plan(PlanContext(), res, props, same) == []
    changed = Observed(True, {"description": "codecraft abc", "live": "def"})
    (redeploy,) = handler.plan(PlanContext(), res, props, changed)
    assert redeploy.method == "create_deployment" and not redeploy.records


def test_dry_run_placeholders_for_unknown_outputs() -> None:
    res = W.resource("post_orders")
    props = resolve(res.properties, {})
    calls = handler_for(res.type).plan(PlanContext(), res, props, Observed(False, {"resources": {}}))
    assert "<orders_api.id>" in calls[0].describe()


# --- anycompany-orders: the requests sent ---


def _stub_route(stub: Stubber, root: str = "root123") -> None:
    stub.add_response(
        "create_resource", {"id": "res456", "parentId": root, "pathPart": "orders", "path": "/orders"},
        {"restApiId": API_ID, "parentId": root, "pathPart": "orders"})
    stub.add_response(
        "put_method", {"httpMethod": "POST", "authorizationType": "NONE"},
        {"restApiId": API_ID, "resourceId": "res456", "httpMethod": "POST", "authorizationType": "NONE"})
    stub.add_response(
        "put_integration", {"type": "AWS_PROXY", "httpMethod": "POST", "uri": INTEGRATION_URI},
        {"restApiId": API_ID, "resourceId": "res456", "httpMethod": "POST", "type": "AWS_PROXY",
         "integrationHttpMethod": "POST", "uri": INTEGRATION_URI})


def test_route_requests(orders: Harness) -> None:
    observed = Observed(False, {"resources": {"/": "root123"}})
    handler, res, props, calls = orders.plan("post_orders", observed)
    _stub_route(orders.stub("apigateway"))

    results = orders.executor().run(calls)

    orders.assert_done()
    outputs = handler.resolve_outputs(orders.ctx, res, props, observed, results)
    assert outputs["resource_id"] == "res456"
    assert outputs["created_resources"] == ["res456"]
    assert outputs["execute_arn"] == EXECUTE_ARN


def test_route_on_a_new_api_finds_the_root_resource_first(orders: Harness) -> None:
    observed = Observed(False, {"resources": {}})
    _, _, _, calls = orders.plan("post_orders", observed)
    stub = orders.stub("apigateway")
    stub.add_response("get_resources", {"items": [{"id": "rootXYZ", "path": "/"}]}, {"restApiId": API_ID})
    _stub_route(stub, root="rootXYZ")

    orders.executor().run(calls)

    orders.assert_done()


# --- workshop2: with the Cognito authorizer ---


def test_route_requests_use_the_cognito_authorizer(w2: Harness) -> None:
    observed = Observed(False, {"resources": {"/": "root1"}})
    handler, res, props, calls = w2.plan("post_projects", observed)
    stub = w2.stub("apigateway")
    stub.add_response("create_resource", {"id": "res9", "parentId": "root1", "pathPart": "projects",
                                          "path": "/projects"},
                      {"restApiId": "p9q8r7s6t5", "parentId": "root1", "pathPart": "projects"})
    stub.add_response("put_method", {"httpMethod": "POST", "authorizationType": "COGNITO_USER_POOLS",
                                     "authorizerId": AUTHORIZER_ID}, {
        "restApiId": "p9q8r7s6t5",
        "resourceId": "res9",
        "httpMethod": "POST",
        "authorizationType": "COGNITO_USER_POOLS",
        "authorizerId": "auth7x",
    })
    stub.add_response("put_integration", {"type": "AWS_PROXY", "httpMethod": "POST", "uri": projects_outputs.INTEGRATION_URI}, {
        "restApiId": "p9q8r7s6t5",
        "resourceId": "res9",
        "httpMethod": "POST",
        "type": "AWS_PROXY",
        "integrationHttpMethod": "POST",
        "uri": "arn:aws:apigateway:eu-west-3:lambda:path/2015-03-31/functions/"
               "arn:aws:lambda:eu-west-3:111122223333:function:ManageProjects/invocations",
    })

    results = w2.executor().run(calls)

    w2.assert_done()
    assert w2.sent_ops() == ["CreateResource", "PutMethod", "PutIntegration"]
    outputs = handler.resolve_outputs(w2.ctx, res, props, observed, results)
    assert outputs["resource_id"] == "res9"
    assert outputs["created_resources"] == ["res9"]
    assert outputs["execute_arn"] == projects_outputs.EXECUTE_ARN
