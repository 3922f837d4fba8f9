"""ManageProjects: create and update projects in MySQL, and notify through SQS.

Two code paths, so nothing loops:
- an API Gateway request (POST /projects, behind a Cognito authorizer) creates or updates a
  project with parameterised SQL and sends ONE notification to the SQS queue QUEUE_URL;
- an SQS event (the queue's trigger on this same function, as the workshop asks) only logs
  each notification it receives: it never sends anything, so no message produces another.
`codecraft inspect logs ManageProjects` shows the notifications arriving.

Body: {"action": "create", "name": "...", "description": "..."}
      {"action": "update", "id": 1, "name": "...", "description": "..."}   (id: a number or "1")
Answers: 201 created · 200 updated · 400 bad body · 404 unknown id. Never a crash (502).
Credentials come from the RDS-managed secret (see mysql_conn.py), never from code or env.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
from typing import Any

import boto3

import mysql_conn
from proxy import BadRequest, json_body, response, text

logger = logging.getLogger()
logger.setLevel(logging.INFO)

MAX_NAME = 255
MAX_DESCRIPTION = 2000
_sqs = None


def _project(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime.datetime) else v) for k, v in row.items()}


def _fetch(cur: Any, project_id: int) -> dict[str, Any] | None:
    cur.execute("SELECT id, name, description, created_at, updated_at FROM projects WHERE id = %s", (project_id,))
    row = cur.fetchone()
    return _project(row) if row else None


def notify(kind: str, project: dict[str, Any]) -> None:
    global _sqs
    if _sqs is None:
        _sqs = boto3.client("sqs")
    _sqs.send_message(QueueUrl=os.environ["QUEUE_URL"],
                      MessageBody=json.dumps({"event": kind, "project": project}, ensure_ascii=False, default=str),
                      MessageAttributes={"event": {"DataType": "String", "StringValue": kind}})


def create(body: dict[str, Any]) -> dict[str, Any]:
    name = text(body, "name", MAX_NAME, required=True)
    description = text(body, "description", MAX_DESCRIPTION, required=False)
    with mysql_conn.connection().cursor() as cur:
        cur.execute("INSERT INTO projects (name, description) VALUES (%s, %s)", (name, description))
        project = _fetch(cur, cur.lastrowid)
    assert project is not None
    notify("project_created", project)
    logger.info("project %s created", project["id"])
    return response(201, {"message": "Project created", "project": project})


def update(body: dict[str, Any]) -> dict[str, Any]:
    project_id = body.get("id")
    if isinstance(project_id, str) and project_id.strip().isascii() and project_id.strip().isdigit():
        project_id = int(project_id.strip())  # "17": the id as a form or a path would send it
    if isinstance(project_id, bool) or not isinstance(project_id, int) or project_id < 1:
        raise BadRequest("id must be a positive whole number")
    name = text(body, "name", MAX_NAME, required=False)
    description = text(body, "description", MAX_DESCRIPTION, required=False)
    if name is None and description is None:
        raise BadRequest("give a name or a description to change")
    with mysql_conn.connection().cursor() as cur:
        if _fetch(cur, project_id) is None:
            return response(404, {"error": f"no project with id {project_id}"})
        cur.execute("UPDATE projects SET name = COALESCE(%s, name), description = COALESCE(%s, description) "
                    "WHERE id = %s", (name, description, project_id))
        project = _fetch(cur, project_id)
    assert project is not None
    notify("project_updated", project)
    logger.info("project %s updated", project_id)
    return response(200, {"message": "Project updated", "project": project})


ACTIONS = {"create": create, "update": update}


def consume(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The queue's trigger: log each notification; send nothing (no loop)."""
    for record in records:
        logger.info("notification received: %s", record.get("body"))
    return {"batchItemFailures": []}


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    if isinstance(event, dict) and isinstance(event.get("Records"), list) and all(
            isinstance(r, dict) and r.get("eventSource") == "aws:sqs" for r in event["Records"]):
        return consume(event["Records"])
    try:
        body = json_body(event)
        action = body.get("action")
        if not isinstance(action, str) or action not in ACTIONS:
            raise BadRequest(f"action must be one of: {', '.join(ACTIONS)}")
        return ACTIONS[action](body)
    except BadRequest as exc:
        return response(exc.status, {"error": str(exc)})
