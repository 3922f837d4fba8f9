"""s3.bucket's glacier_after_days: a lifecycle rule moving the archived orders to S3 Glacier.

Expectations from the S3 API reference, PutBucketLifecycleConfiguration: the call replaces the
whole configuration (other rules are sent again); a transition names a StorageClass (GLACIER is
the console's "Glacier Flexible Retrieval") and Days; TransitionDefaultMinimumObjectSize
``all_storage_classes_128K`` (the default since September 2024) keeps objects smaller than 128 KB
where they are, ``varies_by_storage_class`` lets them move to Glacier Flexible Retrieval.
"""

from __future__ import annotations

from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Call, Observed
from codecraft_cli.resources.s3_lifecycle import has_glacier_rule
from codecraft_cli.workshop.model import ResourceSpec

from .fakes import PlanContext

HANDLER = handler_for("s3.bucket")
RES = ResourceSpec("archive_bucket", "s3.bucket", "archive", name="codecraft-order-archive",
                   seed=("glacier_after_days",), properties={"glacier_after_days": 180, "glacier_prefix": "orders/"})
PROPS = dict(RES.properties)
BLOCK = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
OURS = {"ID": "codecraft-glacier", "Status": "Enabled", "Filter": {"Prefix": "orders/"},
        "Transitions": [{"Days": 180, "StorageClass": "GLACIER"}]}
OTHER = {"ID": "expire-tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}}


def have(rules: list, small: str | None = "varies_by_storage_class") -> Observed:
    return Observed(True, {"block": BLOCK, "versioning": False, "lifecycle": rules, "small_objects": small}, {})


def test_the_rule_is_put_with_the_bucket_s_other_rules_and_small_objects_moving() -> None:
    ctx = PlanContext()
    name = HANDLER.name(ctx, RES)
    assert HANDLER.plan(ctx, RES, PROPS, have([OTHER])) == [
        Call("s3", "put_bucket_lifecycle_configuration", {
            "Bucket": name, "TransitionDefaultMinimumObjectSize": "varies_by_storage_class",
            "LifecycleConfiguration": {"Rules": [OTHER, OURS]}})]
    assert HANDLER.plan(ctx, RES, PROPS, have([OTHER, OURS])) == []


def test_a_new_bucket_gets_the_rule_after_it_is_created() -> None:
    calls = HANDLER.plan(PlanContext(), RES, PROPS, Observed(False))
    assert [c.method for c in calls if isinstance(c, Call)] == [
        "create_bucket", "put_bucket_tagging", "put_public_access_block", "put_bucket_lifecycle_configuration"]


def test_a_bucket_without_the_property_has_no_lifecycle_call() -> None:
    res = ResourceSpec("files", "s3.bucket", "bucket", name="codecraft-project-files")
    assert HANDLER.plan(PlanContext(), res, {}, have([])) == []


def test_a_rule_made_in_the_console_counts_when_it_moves_the_orders_to_glacier_after_6_months() -> None:
    by_hand = {"ID": "archive-orders", "Status": "Enabled", "Filter": {"Prefix": ""},
               "Transitions": [{"Days": 182, "StorageClass": "GLACIER"}]}
    assert has_glacier_rule([by_hand], PROPS)  # the whole bucket, "6 mois" = 182 days
    assert has_glacier_rule([{**by_hand, "Transitions": [{"Days": 180, "StorageClass": "DEEP_ARCHIVE"}]}], PROPS)
    assert has_glacier_rule([{**by_hand, "Filter": {"And": {"Prefix": "orders/", "ObjectSizeGreaterThan": 0}}}], PROPS)
    for wrong in ({**by_hand, "Status": "Disabled"},
                  {**by_hand, "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]},
                  {**by_hand, "Transitions": [{"Days": 180, "StorageClass": "STANDARD_IA"}]},
                  {**by_hand, "Filter": {"Prefix": "invoices/"}},
                  {**by_hand, "Filter": {"Tag": {"Key": "archive", "Value": "yes"}}},
                  {**by_hand, "Filter": {"ObjectSizeGreaterThan": 1024 * 1024}}):
        assert not has_glacier_rule([wrong], PROPS), wrong


def test_verify_requires_the_rule_the_seed_asks_for() -> None:
    ctx = PlanContext()
    (missing,) = HANDLER.check(ctx, RES, PROPS, have([OTHER]))
    assert not isinstance(missing, str) and missing.prop == "glacier_after_days"
    assert "Lifecycle rules › Create lifecycle rule" in missing.fix and "180 days" in missing.fix
    assert HANDLER.requires(RES, missing)  # seed 004: "archiver les commandes après 6 mois"
    assert HANDLER.check(ctx, RES, PROPS, have([OURS])) == []


def test_on_aws_the_128_kb_default_is_advice_on_the_emulator_it_is_not_judged() -> None:
    (small,) = HANDLER.check(PlanContext(), RES, PROPS, have([OURS], "all_storage_classes_128K"))
    assert not isinstance(small, str) and small.prop == "small_objects" and not HANDLER.requires(RES, small)
    # moto always answers all_storage_classes_128K whatever was set: the emulator cannot judge it
    assert HANDLER.check(PlanContext(is_local=True), RES, PROPS, have([OURS], "all_storage_classes_128K")) == []
