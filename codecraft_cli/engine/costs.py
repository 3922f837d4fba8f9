"""What a deployment costs per hour while it exists (the resources that bill by the hour).

Lambda, API Gateway, DynamoDB on demand, SQS, SNS, S3 and Cognito bill per request or per GB:
an idle workshop costs nothing there. What bills every hour is the RDS instance (and its
storage) and the interface VPC endpoints, so those are priced here. Prices are on-demand USD,
from the public price lists (2026); other regions are estimated from us-east-1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

RDS_MYSQL = {  # USD per hour, single-AZ
    "us-east-1": {"db.t3.micro": 0.017, "db.t4g.micro": 0.016},
    "us-west-2": {"db.t3.micro": 0.017, "db.t4g.micro": 0.016},
    "eu-west-1": {"db.t3.micro": 0.018, "db.t4g.micro": 0.017},
    "eu-west-3": {"db.t3.micro": 0.019, "db.t4g.micro": 0.018},
    "ca-central-1": {"db.t3.micro": 0.019, "db.t4g.micro": 0.018},
}
GP2_PER_GB_MONTH = {"us-east-1": 0.115, "us-west-2": 0.115, "eu-west-1": 0.127, "eu-west-3": 0.133,
                    "ca-central-1": 0.127}
ENDPOINT_PER_AZ_HOUR = {"us-east-1": 0.01, "us-west-2": 0.01, "eu-west-1": 0.011, "eu-west-3": 0.012,
                        "ca-central-1": 0.011}
HOURS_PER_MONTH = 730.0
OTHER_REGIONS = 1.15  # an estimate where the table has no entry


def _price(table: Mapping[str, Any], region: str) -> tuple[Any, bool]:
    if region in table:
        return table[region], True
    return table["us-east-1"], False


def resource_cost(type_: str, outputs: Mapping[str, Any], region: str) -> tuple[float, str] | None:
    """(USD per hour, what it is) for a resource that bills by the hour, else None."""
    if type_ == "rds.db_instance":
        prices, exact = _price(RDS_MYSQL, region)
        cls = str(outputs.get("instance_class") or "db.t3.micro")
        gp2, _ = _price(GP2_PER_GB_MONTH, region)
        hourly = prices.get(cls, prices["db.t3.micro"]) + 20 * gp2 / HOURS_PER_MONTH
        return hourly * (1 if exact else OTHER_REGIONS), f"RDS {cls} + 20 GB gp2"
    if type_ == "ec2.vpc_endpoint":
        price, exact = _price(ENDPOINT_PER_AZ_HOUR, region)
        azs = int(outputs.get("azs") or 2)
        return price * azs * (1 if exact else OTHER_REGIONS), f"VPC endpoint ({outputs.get('service')}, {azs} AZ)"
    return None


def deployment_cost(records: Mapping[str, Mapping[str, Any]], region: str) -> tuple[float, list[str]]:
    total, parts = 0.0, []
    for rec in records.values():
        got = resource_cost(str(rec.get("type")), rec.get("outputs") or {}, region)
        if got:
            total += got[0]
            parts.append(f"{got[1]} ${got[0]:.3f}/h")
    return total, parts


def workshop_cost(workshop: Any, region: str) -> tuple[float, list[str]]:
    """The hourly cost of a workshop once set up (its own resources, from its definition)."""
    records = {}
    for res in workshop.resources:
        outputs: dict[str, Any] = {}
        if res.type == "rds.db_instance":
            outputs["instance_class"] = res.properties.get("instance_class", "db.t3.micro")
        if res.type == "ec2.vpc_endpoint":
            outputs.update(service=res.properties.get("service"), azs=2)
        records[res.id] = {"type": res.type, "outputs": outputs}
    return deployment_cost(records, region)
