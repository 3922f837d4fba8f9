"""AWS Academy Learner Lab: role creation is denied there; codecraft uses LabRole, never deletes it."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from codecraft_cli.aws.clients import Clients, Target
from codecraft_cli.aws.errors import response_error, translate
from codecraft_cli.engine.context import DeployContext
from codecraft_cli.resources import handler_for
from codecraft_cli.workshop import load_workshop
from codecraft_cli.workshop.model import resolve


def _context(identity_arn: str) -> tuple[DeployContext, Stubber, Stubber]:
    target = Target("aws", "us-east-1")
    clients = Clients(target)
    sts = boto3.client("sts", region_name="us-east-1")
    iam = boto3.client("iam", region_name="us-east-1")
    clients._clients.update({"sts": sts, "iam": iam})
    clients._account_id = "111122223333"
    sts_stub, iam_stub = Stubber(sts), Stubber(iam)
    sts_stub.add_response("get_caller_identity", {"Account": "111122223333", "Arn": identity_arn, "UserId": "AROA:x"})
    sts_stub.activate()
    iam_stub.activate()
    return DeployContext(load_workshop("anycompany-orders"), target, clients), sts_stub, iam_stub


def test_a_voclabs_identity_uses_lab_role_without_any_iam_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CODECRAFT_LEARNER_LAB", raising=False)
    ctx, sts_stub, iam_stub = _context("arn:aws:sts::111122223333:assumed-role/voclabs/user123=student")
    res = ctx.workshop.resource("role")
    handler = handler_for(res.type)
    props = resolve(res.properties, {})
    observed = handler.observe(ctx, res, props)  # no iam stub queued: any IAM call would fail
    assert handler.plan(ctx, res, props, observed) == []
    outputs = handler.resolve_outputs(ctx, res, props, observed, {})
    assert outputs["arn"] == "arn:aws:iam::111122223333:role/LabRole"
    record = {"outputs": outputs}
    assert handler.observe_for_delete(ctx, record) == {"gone": True}
    assert handler.plan_delete(record, {}) == []
    sts_stub.assert_no_pending_responses()
    iam_stub.assert_no_pending_responses()


def test_an_ordinary_identity_creates_its_own_role(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CODECRAFT_LEARNER_LAB", raising=False)
    ctx, _, iam_stub = _context("arn:aws:iam::111122223333:user/teacher")
    iam_stub.add_client_error("get_role", "NoSuchEntity", expected_params={"RoleName": "LabRole"})
    assert ctx.lab_role_arn is None
    iam_stub.assert_no_pending_responses()


def test_denied_role_creation_points_to_the_learner_lab_switch() -> None:
    # IAM's denial names the caller: an Academy lab session (only there is the switch suggested)
    failure = translate(response_error("AccessDenied", "User: arn:aws:sts::111122223333:assumed-role/voclabs/"
                                       "user123=student is not authorized to perform: iam:CreateRole", "CreateRole"),
                        "iam.create_role")
    assert failure.exit_code == 3
    assert "CODECRAFT_LEARNER_LAB=1" in (failure.hint or "")


def test_expired_learner_lab_session_says_how_to_refresh() -> None:
    failure = translate(response_error("ExpiredToken", "The security token included in the request is expired"),
                        "sts.get_caller_identity")
    assert "Learner Lab" in (failure.hint or "") and "AWS Details" in (failure.hint or "")


def test_a_learner_lab_outside_its_regions_is_refused_before_any_creation(monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from codecraft_cli.cli.app import main

    stubs: dict[str, Stubber] = {}

    def client(self: Clients, service: str) -> object:
        if service not in stubs:
            stubs[service] = Stubber(boto3.client(service, region_name="eu-west-3"))
            stubs[service].activate()
        return stubs[service].client

    monkeypatch.setattr(Clients, "client", client)
    monkeypatch.setenv("CODECRAFT_LEARNER_LAB", "1")
    client(None, "sts")  # type: ignore[arg-type]
    stubs["sts"].add_response("get_caller_identity", {"Account": "111122223333", "Arn": "arn:aws:sts::111122223333:assumed-role/voclabs/u"})
    with pytest.raises(SystemExit) as done:
        main(["--target", "aws", "--region", "eu-west-3", "setup", "anycompany-orders", "--yes"])
    assert done.value.code == 2
    assert "us-east-1 and us-west-2 only" in capsys.readouterr().err
