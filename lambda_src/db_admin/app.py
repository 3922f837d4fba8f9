"""Database administration from inside the VPC, for codecraft only.

The RDS instance is not reachable from the outside, so codecraft invokes this function
directly (``lambda invoke``) to create the schema and to run the read-only queries of
``codecraft inspect db``. It refuses API Gateway events: it is never behind a route.

Actions:
    {"action": "tables"}                                  -> {"tables": [...]}
    {"action": "migrate", "statements": ["CREATE ...", ...]} -> {"applied": n}
    {"action": "query", "sql": "SELECT ...", "limit": 100}   -> {"columns": [...], "rows": [[...]]}
    {"action": "forget_probe", "probe": "probe-0123abcdef"}  -> {"deleted": n}
        (``codecraft verify`` removes the rows its probe wrote: every row of every table whose
        text columns hold that probe id, and only those)
"""

from __future__ import annotations

import datetime
import decimal
import re
from typing import Any

import mysql_conn

READ_ONLY = re.compile(r"^\s*(select|show|describe|desc|explain|with)\b", re.IGNORECASE)
PROBE = re.compile(r"^probe-[0-9a-f]{10}$")  # engine/probes.RunState.probe
TEXT_TYPES = ("char", "varchar", "tinytext", "text", "mediumtext", "longtext")
DDL = re.compile(r"^\s*create\s+(table|index)\s+if\s+not\s+exists\b", re.IGNORECASE)


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    if not isinstance(event, dict) or "requestContext" in event or "httpMethod" in event:
        return {"error": "this function is invoked directly by codecraft, not through an API"}
    action = event.get("action")
    conn = mysql_conn.connection()
    with conn.cursor() as cur:
        if action == "tables":
            cur.execute("SHOW TABLES")
            return {"tables": sorted(next(iter(row.values())) for row in cur.fetchall())}
        if action == "migrate":
            statements = event.get("statements") or []
            for sql in statements:
                if not isinstance(sql, str) or not DDL.match(sql):
                    return {"error": "only CREATE TABLE/INDEX IF NOT EXISTS statements are run"}
            for sql in statements:
                cur.execute(sql)
            print(f"schema: {len(statements)} statement(s) applied")
            return {"applied": len(statements)}
        if action == "query":
            sql = event.get("sql")
            if not isinstance(sql, str) or not READ_ONLY.match(sql) or ";" in sql.strip().rstrip(";"):
                return {"error": "only one read-only statement (SELECT, SHOW, DESCRIBE, EXPLAIN) is allowed"}
            limit = max(1, min(int(event.get("limit") or 100), 1000))
            cur.execute("START TRANSACTION READ ONLY")
            try:
                cur.execute(sql.strip().rstrip(";"))
                rows = cur.fetchmany(limit)
                columns = [d[0] for d in cur.description or []]
            finally:
                cur.execute("ROLLBACK")
            return {"columns": columns, "rows": [[_plain(row[c]) for c in columns] for row in rows]}
        if action == "forget_probe":
            return _forget_probe(cur, conn, event.get("probe"))
    return {"error": f"unknown action {action!r} (tables, migrate, query, forget_probe)"}


def _forget_probe(cur: Any, conn: Any, probe: Any) -> dict[str, Any]:
    if not isinstance(probe, str) or not PROBE.match(probe):
        return {"error": "forget_probe needs a probe id such as probe-0123abcdef"}
    cur.execute("SELECT table_name AS t, column_name AS c FROM information_schema.columns "
                "WHERE table_schema = DATABASE() AND data_type IN (%s)" % ", ".join(["%s"] * len(TEXT_TYPES)),
                TEXT_TYPES)
    columns: dict[str, list[str]] = {}
    for row in cur.fetchall():
        columns.setdefault(row["t"], []).append(row["c"])
    deleted = 0
    for table, names in sorted(columns.items()):
        where = " OR ".join(f"`{name}` LIKE %s" for name in names)
        deleted += cur.execute(f"DELETE FROM `{table}` WHERE {where}", [f"%{probe}%"] * len(names))
    conn.commit()
    return {"deleted": deleted}
