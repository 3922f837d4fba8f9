"""s3.bucket and s3.notification judged as a teacher would: the student's bucket (found through
the links: its name is theirs, "image-upload-bucket" being taken worldwide) with Block Public
Access on passes; off, it fails (seed 003: "assurez-vous que le blocage de l'accès public est
activé"; S3 blocks public access on every new bucket). A trigger added from the Lambda console
(an Id of its own, no prefix filter) counts; codecraft's uploads/ filter is advice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Finding, Observed
from codecraft_cli.resources.s3 import BLOCK_ALL
from codecraft_cli.workshop import load_workshop

from .fakes import PlanContext

W = load_workshop("image-pipeline")
FUNCTION = "arn:aws:lambda:eu-west-3:111122223333:function:ResizeImage"


@dataclass
class Found(PlanContext):
    found: dict[str, str] = field(default_factory=lambda: {"images": "image-upload-bucket-jdupont"})
    notifications: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        assert service == "s3"
        ctx = self

        class S3:
            def get_bucket_notification_configuration(self, Bucket: str) -> dict[str, Any]:
                assert Bucket == "image-upload-bucket-jdupont"
                return ctx.notifications

        return S3()


def test_the_students_bucket_is_the_one_found_through_the_links() -> None:
    assert handler_for("s3.bucket").name(Found(), W.resource("images")) == "image-upload-bucket-jdupont"


def test_bucket_with_block_public_access_passes_and_without_fails() -> None:
    res, handler = W.resource("images"), handler_for("s3.bucket")
    assert handler.check(Found(), res, {}, Observed(True, {"block": BLOCK_ALL, "versioning": False}, {}),
                         by_hand=True) == []
    opened = {**BLOCK_ALL, "BlockPublicPolicy": False}
    (failure,) = handler.check(Found(), res, {}, Observed(True, {"block": opened, "versioning": False}, {}),
                               by_hand=True)
    assert handler.requires(res, failure) and "Block all public access" in str(failure)


def _trigger(**over: Any) -> dict[str, Any]:
    """What "Add trigger › S3" in the Lambda console writes: its own Id, every creation event."""
    return {"Id": "a1b2c3d4-1111-4222-8333-444455556666", "LambdaFunctionArn": FUNCTION,
            "Events": ["s3:ObjectCreated:*"], **over}


def test_a_trigger_added_in_the_lambda_console_counts_with_the_prefix_as_advice() -> None:
    res, handler = W.resource("upload_trigger"), handler_for("s3.notification")
    props = {"bucket": "image-upload-bucket-jdupont", "function": FUNCTION, "events": ["s3:ObjectCreated:*"],
             "prefix": "uploads/"}
    ctx = Found(notifications={"LambdaFunctionConfigurations": [_trigger()]})
    observed = handler.observe_by_hand(ctx, res, props)
    assert observed.exists
    found = handler.check(ctx, res, props, observed, by_hand=True)
    assert [f.prop for f in found if isinstance(f, Finding)] == ["prefix"]
    assert not handler.requires(res, found[0]) and "loop" in found[0].reason  # type: ignore[union-attr]


def test_a_trigger_of_another_function_does_not_count() -> None:
    res, handler = W.resource("upload_trigger"), handler_for("s3.notification")
    props = {"bucket": "image-upload-bucket-jdupont", "function": FUNCTION, "events": ["s3:ObjectCreated:*"]}
    other = _trigger(LambdaFunctionArn=FUNCTION.replace("ResizeImage", "Other"))
    ctx = Found(notifications={"LambdaFunctionConfigurations": [other]})
    assert not handler.observe_by_hand(ctx, res, props).exists
