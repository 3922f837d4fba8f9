"""The schema of a MySQL database, created from inside the VPC by the workshop's
database-admin function.

An RDS instance that is not publicly accessible cannot be reached from the laptop running
codecraft; a function in its VPC can. So the schema step invokes that function directly
(never through the API) with the DDL to run, and observes by asking it which tables exist.

YAML::

    - id: schema
      type: mysql.schema
      properties:
        function: ${db_admin.name}
        tables:
          projects: |
            CREATE TABLE IF NOT EXISTS projects (...)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..aws.invoke import invocation_result
from ..i18n import N_, _
from ..workshop.model import ResourceSpec, has_unresolved
from .base import Call, Context, Handler, Observed, Prop, Step, TypeInfo, register


READ_ONLY = re.compile(r"^\s*(select|show|describe|desc|explain|with)\b", re.IGNORECASE)


def check_read_only(sql: str) -> str:
    """One read-only statement, or a UserError (the function refuses anything else too)."""
    from ..errors import UserError

    statement = sql.strip().rstrip(";").strip()
    if not READ_ONLY.match(statement) or ";" in statement:
        raise UserError(_("Not a single read-only statement: {sql!r}.").format(sql=sql),
                        hint=_('Use one SELECT, SHOW, DESCRIBE or EXPLAIN, e.g. "SELECT name FROM projects".'))
    return statement


def invoke_admin(ctx: Context, function: str, payload: Mapping[str, Any]) -> Any:
    """Invoke the admin function and return its answer (raises on a function error)."""
    got = ctx.client("lambda").invoke(FunctionName=function, Payload=json.dumps(payload).encode())
    return invocation_result(got, function)["Payload"]


@register
class Schema(Handler):
    info = TypeInfo("mysql.schema", "lambda", N_("RDS › Query editor (or a MySQL client in the VPC)"),
                    gone=("ResourceNotFoundException",), named=False, taggable=False)
    schema = {"function": Prop(str, required=True), "tables": Prop(dict, required=True)}
    outputs = ("tables",)
    permissions = ("lambda:InvokeFunction",)

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        if has_unresolved(props["function"]):
            return Observed(False)
        answer = self.fetch(lambda: invoke_admin(ctx, str(props["function"]), {"action": "tables"}))
        if answer is None:
            return Observed(False)
        have = set(answer.get("tables", []))
        return Observed(all(t in have for t in props["tables"]), {"tables": sorted(have)})

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        if observed.exists:
            return []
        statements = [str(sql).strip() for sql in props["tables"].values()]
        return [Call("lambda", "invoke", {
            "FunctionName": props["function"],
            "Payload": json.dumps({"action": "migrate", "statements": statements}).encode(),
        }, records=True)]

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        return {"tables": sorted(props["tables"]), "function": props["function"]}

    def physical_id(self, outputs: Mapping[str, Any]) -> str:
        return ",".join(outputs["tables"])

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return []  # the tables go with the DB instance
