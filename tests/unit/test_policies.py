"""Least privilege: every statement of every generated IAM policy names exact resources.

A wildcard is allowed only where AWS offers nothing narrower, and each is listed with its reason.
"""

from __future__ import annotations

import re

from codecraft_cli.workshop import catalogue, load_workshop_file

ENI_ACTIONS = {"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
               "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"}
REASONS = {
    "*": "Lambda's VPC network interfaces: EC2 accepts no narrower resource for these actions",
    "${…}/*": "objects under one bucket (or one prefix of it)",
    "${…}:*": "the log streams of one log group",
}
ONE_REF = re.compile(r"^\$\{(?:[a-z0-9-]+:)?[A-Za-z_]\w*\.[a-z_]+\}")


def statements() -> list[tuple[str, str, list[str], list[str]]]:
    out = []
    for path in catalogue():
        w = load_workshop_file(path)
        for res in w.resources:
            if res.type == "iam.role":
                for st in res.properties.get("statements", []):
                    out.append((w.id, res.id, list(st["actions"]), list(st["resources"])))
    return out


def classify(resource: str) -> str:
    if resource == "*":
        return "*"
    match = ONE_REF.match(resource)
    assert match, f"{resource!r} is not a reference to one resource"
    rest = resource[match.end():]
    if not rest:
        return "exact"
    assert rest in ("/*", ":*") or re.fullmatch(r"/[a-z]+/\*", rest), f"{resource!r}: unexpected suffix {rest!r}"
    return "${…}:*" if rest == ":*" else "${…}/*"


def test_every_statement_names_exact_resources_or_a_listed_wildcard() -> None:
    found = statements()
    assert len(found) > 20
    wildcards = []
    for workshop, role, actions, resources in found:
        for resource in resources:
            kind = classify(resource)
            if kind == "*":
                assert set(actions) <= ENI_ACTIONS, f"{workshop}/{role}: '*' for {actions}"
            if kind != "exact":
                wildcards.append((workshop, role, resource, REASONS[kind]))
        assert all(":" in a and "*" not in a for a in actions), f"{workshop}/{role}: action wildcard"
    # every wildcard, with why it is there
    assert {w[3] for w in wildcards} <= set(REASONS.values())
    assert any(w[2] == "*" for w in wildcards)  # the VPC functions' network interfaces


def test_no_statement_grants_iam_or_wildcard_actions() -> None:
    for workshop, role, actions, _ in statements():
        assert not any(a.startswith(("iam:", "sts:")) for a in actions), (workshop, role)
