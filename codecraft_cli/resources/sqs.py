"""SQS queues.

YAML::

    - id: processing_queue
      type: sqs.queue
      name: OrderProcessingQueue
      properties:
        visibility_timeout: 60                  # >= 6 x the timeout of a Lambda it triggers
        allow_sns_topics: [${notifications.arn}]  # queue policy: only these topics may send

A queue's name is not reusable for 60 s after DeleteQueue (``QueueDeletedRecently``), and the
queue may still answer meanwhile (SQS API reference, DeleteQueue): a queue this machine deleted
less than 60 s ago counts as gone, and its creation waits (``QUEUE_DELETED_RECENTLY``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..aws.retry import QUEUE_DELETED_RECENTLY
from ..aws.tombstones import recently_deleted
from ..i18n import N_, _
from ..workshop.model import ResourceSpec
from .base import Call, Context, Finding, Handler, Observed, Prop, Step, TypeInfo, Var, created, register
from .base import STUDENT_PREFIX, Text
from .teaching import finding


def queue_policy(queue_arn: str, topic_arns: list[str]) -> dict[str, Any]:
    """Let exactly these SNS topics send to the queue (and nothing else)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "codecraft-sns-fanout",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_arns}},
            }
        ],
    }


@register
class Queue(Handler):
    # QueueName: up to 80 of [a-zA-Z0-9_-], a FIFO queue's ending in .fifo (SQS API reference, CreateQueue)
    info = TypeInfo("sqs.queue", "sqs", N_("SQS › Queues"),
                    gone=("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"), sweep_rank=70,
                    arn_service="sqs", name_text=Text(r"[a-zA-Z0-9_-]+(\.fifo)?", 80,
                                                      N_("letters, digits, hyphens and underscores only"),
                                                      reserve=STUDENT_PREFIX))
    schema = {
        "fifo": Prop(bool),
        "visibility_timeout": Prop(int),
        "retention_seconds": Prop(int),
        "allow_sns_topics": Prop(list),
        "dead_letter_queue": Prop(str),  # ARN: failed messages go there after max_receive_count
        "max_receive_count": Prop(int),
    }
    outputs = ("name", "arn", "url")
    # seeds 004 and 000: "Nom : OrderProcessingQueue", "Type : Standard Queue"
    prescribed = ("name", "fifo")
    permissions = ("sqs:CreateQueue", "sqs:GetQueueUrl", "sqs:GetQueueAttributes",
                   "sqs:SetQueueAttributes", "sqs:DeleteQueue", "sqs:TagQueue", "sqs:ListQueueTags")

    def name(self, ctx: Context, res: ResourceSpec) -> str:
        base = super().name(ctx, res)  # the one found through the links, when found (base.Handler.name)
        fifo = bool(res.properties.get("fifo"))
        return base + ".fifo" if fifo and not base.endswith(".fifo") else base

    def _arn(self, ctx: Context, res: ResourceSpec) -> str:
        return f"arn:aws:sqs:{ctx.region}:{ctx.account_id}:{self.name(ctx, res)}"

    def _attributes(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> dict[str, str]:
        attrs = {"VisibilityTimeout": str(props.get("visibility_timeout", 30))}
        if props.get("retention_seconds"):
            attrs["MessageRetentionPeriod"] = str(props["retention_seconds"])
        if props.get("fifo"):
            attrs["FifoQueue"] = "true"
        if props.get("dead_letter_queue"):
            attrs["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": props["dead_letter_queue"],
                                                 "maxReceiveCount": int(props.get("max_receive_count", 3))},
                                                sort_keys=True, default=str)  # str: a dry run's placeholders
        if props.get("allow_sns_topics"):
            attrs["Policy"] = json.dumps(
                queue_policy(self._arn(ctx, res), list(props["allow_sns_topics"])),
                sort_keys=True, default=str)
        return attrs

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        client = ctx.client("sqs")
        url = self.fetch(lambda: client.get_queue_url(QueueName=self.name(ctx, res))["QueueUrl"])
        if url is None:
            return Observed(False)
        if recently_deleted(f"sqs:{url}", 60.0) is not None:  # answering, but being deleted
            return Observed(False, {"deleting": url})
        got = self.fetch(lambda: client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]))
        if got is None:
            return Observed(False)
        tags = client.list_queue_tags(QueueUrl=url).get("Tags", {})
        return Observed(True, {"url": url, **got["Attributes"]}, dict(tags))

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        want = self._attributes(ctx, res, props)
        if not observed.exists:
            # made anew: a deletion of the same queue remembered by this machine no longer applies
            return [Call("sqs", "create_queue",
                         {"QueueName": self.name(ctx, res), "Attributes": want, "tags": ctx.tags},
                         output="created", records=True, retry=QUEUE_DELETED_RECENTLY,
                         revives=Var("created", ("QueueUrl",)))]
        changed = {}
        for key, value in want.items():
            have = observed.attrs.get(key)
            if key in ("Policy", "RedrivePolicy") and have:
                have = json.dumps(json.loads(have), sort_keys=True)
            if key != "FifoQueue" and have != value:
                changed[key] = value
        if not changed:
            return []
        return [Call("sqs", "set_queue_attributes",
                     {"QueueUrl": observed.attrs["url"], "Attributes": changed})]

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        """The seeds prescribe the name and the type ("Type : Standard Queue") and leave the rest
        at the console's defaults ("Laissez les paramètres par défaut"): codecraft's visibility
        timeout, dead-letter queue and retention are advice. The queue policy that lets the topic
        send is judged on what it allows, in any form the console writes (teaching.allows_from)."""
        from .teaching import allows_from, statements

        name, have = self.name(ctx, res), observed.attrs
        found: list[Finding | str] = []
        want_fifo = bool(props.get("fifo"))
        if (have.get("FifoQueue") == "true") != want_fifo:
            fix = (_("SQS: the queue must be FIFO; the type cannot change: create the queue {queue} again") if want_fifo
                   else _("SQS: the queue must be Standard, not FIFO; the type cannot change: create the queue {queue} "
                          "again"))
            found.append(finding("fifo", fix.format(queue=name), _("the workshop asks for this type of queue")))
        visibility, have_visibility = int(props.get("visibility_timeout", 30)), int(have.get("VisibilityTimeout") or 30)
        if have_visibility != visibility and not (by_hand and have_visibility >= visibility):
            found.append(finding("visibility_timeout",
                                 _("SQS › Queues › {queue} › Edit: Visibility timeout {seconds} s").format(
                                     queue=name, seconds=visibility),
                                 _('a message being processed stays hidden that long: shorter than the processing, it '
                                   'would be processed twice (SQS, "Visibility timeout")')))
        retention = props.get("retention_seconds")
        if retention and str(have.get("MessageRetentionPeriod")) != str(retention):
            found.append(finding("retention_seconds",
                                 _("SQS › Queues › {queue} › Edit: Message retention period {seconds} s").format(
                                     queue=name, seconds=retention),
                                 _("codecraft's choice")))
        dlq = props.get("dead_letter_queue")
        if dlq and json.loads(have.get("RedrivePolicy") or "{}").get("deadLetterTargetArn") != dlq:
            found.append(finding("dead_letter_queue",
                                 _("SQS › Queues › {queue} › Edit › Dead-letter queue: Enabled, {target}").format(
                                     queue=name, target=str(dlq).rsplit(":", 1)[-1]),
                                 _("a message that keeps failing is set aside there instead of being retried for "
                                   "ever")))
        policy = json.loads(have.get("Policy") or "{}")
        for topic in props.get("allow_sns_topics") or []:
            arn = self._arn(ctx, res)
            if not any(allows_from(st, "sns.amazonaws.com", "sqs:SendMessage", str(topic)) for st in statements(policy)):
                found.append(finding(
                    "allow_sns_topics",
                    _("SQS › Queues › {queue} › Subscribe to Amazon SNS topic › {topic} (the console writes the access "
                      "policy)").format(queue=name, topic=str(topic).rsplit(":", 1)[-1]),
                    _("without an access policy allowing it, SNS cannot deliver any message to {arn}").format(arn=arn)))
        return found

    def explain(self, ctx: Context, res: ResourceSpec, call: Step) -> str:
        return _("SQS › Queues › {queue} › Edit: set {attributes}").format(
            queue=self.name(ctx, res), attributes=", ".join(call.params.get("Attributes", {})))

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        name = self.name(ctx, res)
        if not props.get("fifo"):
            try:
                ctx.client("sqs").get_queue_url(QueueName=name + ".fifo")
                return _("SQS: the queue must be Standard, not FIFO: create a Standard queue named {queue}").format(
                    queue=name)
            except Exception:
                pass
        return _("SQS › Queues › Create queue: Standard, named {queue}").format(queue=name)

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        url = created(results, observed, "url", "QueueUrl")
        return {"name": self.name(ctx, res), "arn": self._arn(ctx, res), "url": url}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        url = record["outputs"]["url"]
        return [Call("sqs", "delete_queue", {"QueueUrl": url}, gone_ok=self.info.gone, tombstone=f"sqs:{url}")]

    def from_arn(self, ctx: Context, resource: str, arn: str) -> dict[str, Any] | None:
        return {"name": resource, "url": ctx.client("sqs").get_queue_url(QueueName=resource)["QueueUrl"]}

    def exists(self, ctx: Context, outputs: Mapping[str, Any]) -> bool | None:
        # it answered GetQueueUrl: gone only if this machine deleted it less than 60 s ago
        return False if recently_deleted(f"sqs:{outputs['url']}", 60.0) is not None else None
