"""anycompany-challenge's export: the archive's lifecycle rule and the stream of another stack's table.

Expectations from the Terraform AWS provider (aws_s3_bucket_lifecycle_configuration: rule, filter,
transition, transition_default_minimum_object_size; data aws_dynamodb_table: stream_enabled,
stream_arn) and the CloudFormation reference (AWS::S3::Bucket LifecycleConfiguration: Rules with
Id, Status, Prefix, Transitions [StorageClass, TransitionInDays], TransitionDefaultMinimumObjectSize).
A template or a configuration changes only what it manages: the stream of anycompany-orders'
table is read (Terraform, with a postcondition) or given as a parameter (CloudFormation).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from codecraft_cli.engine.export_cloudformation import render as render_cfn
from codecraft_cli.engine.export_terraform import render as render_tf
from codecraft_cli.workshop.loader import load_workshop

from .test_export_cloudformation import fake_build


def test_cloudformation_template_is_cfn_lint_clean_with_the_lifecycle_rule_and_the_stream_parameter() -> None:
    from cfnlint.api import ManualArgs, lint

    files = render_cfn(load_workshop("anycompany-challenge"), build=fake_build)
    text = str(files["template.yaml"])
    matches = lint(text, config=ManualArgs(regions=["us-east-1"]))
    assert [f"{m.rule.id} {m.message}" for m in matches if m.rule.id.startswith("E")] == []
    template = yaml.safe_load(text)
    bucket = template["Resources"]["ArchiveBucket"]["Properties"]["LifecycleConfiguration"]
    assert bucket == {"TransitionDefaultMinimumObjectSize": "varies_by_storage_class", "Rules": [{
        "Id": "codecraft-glacier", "Status": "Enabled", "Prefix": "orders/",
        "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 180}]}]}
    assert template["Parameters"]["OrdersStream"]["Type"] == "String"
    mappings = [r["Properties"] for r in template["Resources"].values()
                if r["Type"] == "AWS::Lambda::EventSourceMapping"]
    assert [m["EventSourceArn"] for m in mappings] == [{"Ref": "OrdersStream"}] * 2


def test_terraform_reads_the_stream_and_moves_small_orders_to_glacier() -> None:
    tf = str(render_tf(load_workshop("anycompany-challenge"), artifact=fake_build)["main.tf"])
    assert 'resource "aws_s3_bucket_lifecycle_configuration" "archive_bucket"' in tf
    assert 'transition_default_minimum_object_size = "varies_by_storage_class"' in tf
    assert 'storage_class = "GLACIER"' in tf and "days          = 180" in tf
    assert 'data "aws_dynamodb_table" "orders_stream"' in tf
    assert "data.terraform_remote_state.anycompany_orders.outputs.orders_table_name" in tf
    assert "condition     = self.stream_enabled" in tf
    triggers = [line.split("=", 1)[1].strip() for line in tf.splitlines() if line.strip().startswith("event_source_arn")]
    assert triggers == ["data.aws_dynamodb_table.orders_stream.stream_arn"] * 2


def test_the_diagram_draws_the_orders_stream_to_both_functions(run: Any) -> None:
    """The stream stands for anycompany-orders' Orders table (drawn as the prerequisite's), as
    job-events draws its Jobs stream: Orders → OrderSummary and Orders → OrderConfirmation."""
    code, _out, err = run("diagram", "anycompany-challenge", "-o", "challenge.dot")
    assert code == 0, err
    dot = Path("challenge.dot").read_text(encoding="utf-8")
    nodes = dict(re.findall(r'^\s*(n\d+) \[.*?<B>([^<]+)</B>', dot, re.M))
    edges = {(nodes[a], nodes[b], label) for a, b, label in re.findall(r'(n\d+) -> (n\d+) \[label="([^"]*)"', dot)}
    assert ("Orders", "OrderSummary", "DynamoDB stream") in edges
    assert ("Orders", "OrderConfirmation", "DynamoDB stream") in edges


def test_the_diagram_names_the_ses_identities_by_their_address() -> None:
    """An SES address identity is named by its address (SES › Identities lists them so)."""
    from codecraft_cli.engine.diagram import architecture
    from codecraft_cli.workshop import load_workshop

    names = {node.name for node in architecture(load_workshop("anycompany-challenge")).nodes.values()}
    assert {"orders@example.com", "student@example.com"} <= names
