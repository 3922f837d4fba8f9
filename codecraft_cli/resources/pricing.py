"""On-demand prices of the types that bill by the hour while they exist (their handlers'
``hourly_cost``; the sums are in engine/costs.py).

Prices are USD, from the public price lists (2026); other regions are estimated from
us-east-1 (``OTHER_REGIONS``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

V = TypeVar("V")

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


def price(table: Mapping[str, V], region: str) -> tuple[V, float]:
    """The region's entry and the factor to apply (1, or the estimate for a region not listed)."""
    if region in table:
        return table[region], 1.0
    return table["us-east-1"], OTHER_REGIONS
