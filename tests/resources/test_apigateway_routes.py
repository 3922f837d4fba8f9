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


# --- judged as a teacher would: the route the console makes, the stage the student deployed ---


def _judge_route(have: dict, rid: str = "post_orders", workshop=W, outputs=None) -> tuple[list, list]:
    res = workshop.resource(rid)
    handler = handler_for(res.type)
    props = resolve(res.properties, outputs or PLANNED)
    found = handler.check(PlanContext(), res, props, Observed(True, have), by_hand=True)
    return [f for f in found if handler.requires(res, f)], [f for f in found if not handler.requires(res, f)]


CONSOLE_ROUTE = {"resource_id": "r1", "type": "AWS_PROXY", "authorization": "NONE", "authorizer": None,
                 "uri": "arn:aws:apigateway:eu-west-3:lambda:path/2015-03-31/functions/"
                        "arn:aws:lambda:eu-west-3:111122223333:function:ProcessOrder/invocations"}


def test_route_made_in_the_console_with_lambda_proxy_passes() -> None:
    assert _judge_route(CONSOLE_ROUTE) == ([], [])


def test_route_without_proxy_integration_or_to_another_function_fails() -> None:
    """Seeds: "Lambda Function comme intégration", "Liez cette méthode à la fonction": a non-proxy
    integration hands the function the body alone (no event['body']) and passes its answer through."""
    failures, _ = _judge_route({**CONSOLE_ROUTE, "type": "AWS"})
    assert [f.prop for f in failures] == ["integration"] and "proxy" in failures[0].fix
    other = CONSOLE_ROUTE["uri"].replace("ProcessOrder", "OtherFunction")
    failures, _ = _judge_route({**CONSOLE_ROUTE, "uri": other})
    assert [f.prop for f in failures] == ["function"] and "ProcessOrder" in failures[0].fix


def test_route_to_an_alias_of_the_function_counts() -> None:
    aliased = CONSOLE_ROUTE["uri"].replace(":ProcessOrder/", ":ProcessOrder:live/")
    assert _judge_route({**CONSOLE_ROUTE, "uri": aliased}) == ([], [])


def test_workshop2_route_without_the_optional_cognito_authorizer_is_advice() -> None:
    """Seed 000: "Vous pouvez également configurer l'authentification Cognito" (optional)."""
    w2 = __import__("codecraft_cli.workshop", fromlist=["load_workshop"]).load_workshop("workshop2")
    outputs = {**projects_outputs.W2_OUTPUTS}
    res = w2.resource("post_projects")
    props = resolve(res.properties, outputs)
    uri = f"arn:aws:apigateway:eu-west-3:lambda:path/2015-03-31/functions/{props['function']}/invocations"
    assert props["authorization"] == "COGNITO_USER_POOLS"  # codecraft's route asks for the authorizer
    failures, advice = _judge_route({**CONSOLE_ROUTE, "uri": uri}, "post_projects", w2, outputs)
    assert failures == [] and [f.prop for f in advice] == ["authorization"]


def test_a_route_with_another_parameter_name_or_any_method_is_found(orders: Harness) -> None:
    """API Gateway serves a POST through an ANY method (REST API Developer Guide, "Set up a method")."""
    res = orders.ctx.workshop.resource("post_orders")
    props = resolve(res.properties, orders.outputs)
    stub = orders.stub("apigateway")
    stub.add_response("get_resources", {"items": [{"id": "root", "path": "/"},
                                                  {"id": "r1", "path": "/orders", "resourceMethods": {"ANY": {}}}]},
                      {"restApiId": API_ID})
    stub.add_response("get_method", {"httpMethod": "ANY", "authorizationType": "NONE",
                                      "methodIntegration": {"type": "AWS_PROXY", "uri": INTEGRATION_URI}},
                      {"restApiId": API_ID, "resourceId": "r1", "httpMethod": "ANY"})
    observed = handler_for(res.type).observe_by_hand(orders.ctx, res, props)
    orders.assert_done()
    assert observed.exists and observed.attrs["uri"] == INTEGRATION_URI


def test_same_path_ignores_parameter_names() -> None:
    from codecraft_cli.resources.apigateway_routes import _same_path

    assert _same_path("/jobs/{id}", "/jobs/{job_id}") and not _same_path("/jobs", "/jobs/{job_id}")
    assert not _same_path("/job/{id}", "/jobs/{job_id}")


def test_stage_deployed_from_the_console_before_a_new_method_fails_after_passes() -> None:
    res = W.resource("stage")
    handler = handler_for(res.type)
    props = resolve(res.properties, {**PLANNED, "post_orders": {"fingerprint": "f1"}})
    stale = {"description": "", "live": "abc", "deployed_methods": ["POST /orders"],
             "live_methods": ["GET /orders", "POST /orders"]}
    (failure,) = handler.check(PlanContext(), res, props, Observed(True, stale), by_hand=True)
    assert handler.requires(res, failure) and "Deploy API" in str(failure)
    current = {**stale, "deployed_methods": ["GET /orders", "POST /orders"]}
    assert handler.check(PlanContext(), res, props, Observed(True, current), by_hand=True) == []
