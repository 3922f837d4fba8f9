"""A workshop's architecture as a graph, drawn from its model alone (no AWS call).

One node per resource a student sees (functions, tables, queues, topics, buckets, REST APIs with
their routes, user pools and app clients, databases; roles on request), grouped by step or by
service, and the arrows the references of the model imply: a client's HTTP request to an API
route, the route's Lambda proxy integration, an S3 event notification, a DynamoDB stream or an SQS
queue triggering a function (event source mapping), a topic delivering to its subscribers, and a
function calling what its environment or its role names (the verb from the role's actions).
:mod:`.diagram_dot` turns it into Graphviz's DOT language and renders it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..i18n import N_, _, text
from ..workshop.model import Ref, ResourceSpec, Workshop, iter_refs

GROUPS = ("step", "service")

# type -> (the AWS service's name, as AWS writes it; what it is, in the user's language)
KINDS: dict[str, tuple[str, str]] = {
    "apigateway.rest_api": ("Amazon API Gateway", N_("REST API")),
    "lambda.function": ("AWS Lambda", N_("function")),
    "dynamodb.table": ("Amazon DynamoDB", N_("table")),
    "sqs.queue": ("Amazon SQS", N_("queue")),
    "sns.topic": ("Amazon SNS", N_("topic")),
    "ses.identity": ("Amazon SES", N_("e-mail identity")),
    "s3.bucket": ("Amazon S3", N_("bucket")),
    "cognito.user_pool": ("Amazon Cognito", N_("user pool")),
    "cognito.user_pool_client": ("Amazon Cognito", N_("app client")),
    "rds.db_instance": ("Amazon RDS", N_("database")),
    "iam.role": ("AWS IAM", N_("role")),
}

# actions a trigger needs (the event source mapping reads with the function's role): not a call
# the function's code makes ("Lambda execution role" permissions for DynamoDB streams and SQS,
# https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html, .../with-sqs.html)
_TRIGGER_ACTIONS = frozenset({
    "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams",
    "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility",
})
_WRITES = ("Put", "Update", "Delete", "BatchWrite", "Write")
_READS = ("Get", "Query", "Scan", "BatchGet", "List", "Head")


@dataclass(frozen=True)
class Node:
    """A resource: ``key`` is its logical id (``workshop:id`` for a prerequisite's)."""

    key: str
    type: str
    name: str
    service: str  # "AWS Lambda"
    kind: str  # "function", translated
    group: str  # the cluster it is drawn in
    external: str | None = None  # the prerequisite workshop it comes from
    routes: tuple[str, ...] = ()  # a REST API's routes ("POST /orders"), in order


@dataclass(frozen=True)
class Edge:
    tail: str
    head: str
    label: str
    tail_route: int | None = None  # the route (index in the tail API's routes) it leaves from
    head_route: int | None = None
    dashed: bool = False


@dataclass
class Diagram:
    title: str
    workshop: str
    groups: dict[str, str] = field(default_factory=dict)  # cluster key -> its label, in order
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    client: bool = False  # a client (browser, curl) sends requests

    def add_edge(self, edge: Edge) -> None:
        if edge not in self.edges:
            self.edges.append(edge)


class _NameContext:
    """What a handler needs to name a resource offline: the student prefix, no account."""

    def __init__(self, student: str | None) -> None:
        self.student = student
        self.found: dict[str, str] = {}

    def physical_name(self, base: str) -> str:
        return f"{self.student}-{base}" if self.student else base


def physical_name(res: ResourceSpec, student: str | None) -> str:
    """The name codecraft gives it (``--student``: prefixed); a bucket's account-specific suffix as …."""
    if res.type == "s3.bucket":  # resources/s3.bucket_name: <base>[-<student>]-<hash of account/region>
        return "-".join(part for part in (res.name or res.id, student) if part) + "-…"
    if res.type == "ses.identity":  # an address identity is named by its address
        return str(res.properties.get("email") or res.id)
    from ..resources import handler_for

    return handler_for(res.type).name(_NameContext(student), res)  # type: ignore[arg-type]


class _Builder:
    def __init__(self, workshop: Workshop, student: str | None, group: str, roles: bool) -> None:
        self.w = workshop
        self.student = student
        self.group = group
        self.roles = roles
        self.d = Diagram(text(workshop.title), workshop.id)
        self._others: dict[str, Workshop | None] = {}
        self._steps = {step.id: n for n, step in enumerate(workshop.steps, start=1)}

    # --- resources of this workshop or of a prerequisite -------------------------------------
    def spec(self, ref: Ref, within: str | None) -> tuple[str, ResourceSpec, str | None] | None:
        """The resource a reference names: (node key, its spec, its workshop if a prerequisite's)."""
        wid = ref.workshop or within
        if wid is None or wid == self.w.id:
            try:
                return ref.resource, self.w.resource(ref.resource), None
            except KeyError:
                return None
        other = self._other(wid)
        if other is None:
            return None
        try:
            return f"{wid}:{ref.resource}", other.resource(ref.resource), wid
        except KeyError:
            return None

    def _other(self, wid: str) -> Workshop | None:
        if wid not in self._others:
            from ..workshop import load_workshop

            try:
                self._others[wid] = load_workshop(wid)
            except Exception:  # a prerequisite that cannot be read: its resources are left out
                self._others[wid] = None
        return self._others[wid]

    def node(self, key: str, res: ResourceSpec, external: str | None) -> str | None:
        """The node of a resource (added on first use); None: not drawn."""
        if res.type not in KINDS or (res.type == "iam.role" and not self.roles):
            return None
        if key not in self.d.nodes:
            service, kind = KINDS[res.type]
            self.d.nodes[key] = Node(key, res.type, physical_name(res, self.student), service, _(kind),
                                     self._group_of(res, service, external), external)
        return key

    def target(self, value: Any, within: str | None) -> tuple[str, str, Ref] | None:
        """The drawn node a property's (first) reference names: (key, type, the reference)."""
        for ref in iter_refs(value):
            found = self.spec(ref, within)
            if found is None:
                continue
            key, res, external = found
            if res.type == "dynamodb.table_stream":  # a stream is drawn as its table (anycompany-challenge)
                return self.target(res.properties.get("table"), external)
            if self.node(key, res, external):
                return key, res.type, ref
        return None

    def _group_of(self, res: ResourceSpec, service: str, external: str | None) -> str:
        if external:
            key, label = f"workshop:{external}", _("From {workshop}").format(workshop=external)
        elif self.group == "service":
            key, label = f"service:{service}", service
        else:
            step = self.w.step(res.step)
            key = f"step:{step.id}"
            label = _("Step {number} — {title}").format(number=self._steps[step.id], title=text(step.title))
        self.d.groups.setdefault(key, label)
        return key

    # --- the drawing ---------------------------------------------------------------------------
    def build(self) -> Diagram:
        for res in self.w.resources:  # every node first, in the workshop's order
            self.node(res.id, res, None)
        for res in self.w.resources:
            link = getattr(self, "_" + res.type.replace(".", "_"), None)
            if link is not None:
                link(res)
        return self.d

    def _apigateway_route(self, res: ResourceSpec) -> None:
        props = res.properties
        api = self.target(props.get("api"), None)
        if api is None:
            return
        node = self.d.nodes[api[0]]
        route = f"{props.get('method', 'ANY')} {props.get('path', '/')}"
        if route not in node.routes:
            node = self.d.nodes[api[0]] = replace(node, routes=(*node.routes, route))
        index = node.routes.index(route)
        self.d.client = True
        self.d.add_edge(Edge("client", api[0], _("HTTP request"), head_route=index))
        function = self.target(props.get("function"), None)
        if function:
            self.d.add_edge(Edge(api[0], function[0], _("invokes"), tail_route=index))
        for ref in iter_refs(props.get("authorizer")):  # a Cognito authorizer: the pools it trusts
            found = self.spec(ref, None)
            if found:
                pool = self.target(found[1].properties.get("user_pools"), found[2])
                if pool:
                    self.d.add_edge(Edge(api[0], pool[0], _("checks the token"), tail_route=index, dashed=True))

    def _cognito_user_pool_client(self, res: ResourceSpec) -> None:
        pool = self.target(res.properties.get("pool"), None)
        self.d.client = True
        self.d.add_edge(Edge("client", res.id, _("signs in")))
        if pool:
            self.d.add_edge(Edge(res.id, pool[0], _("user pool"), dashed=True))

    def _sqs_queue(self, res: ResourceSpec) -> None:
        """A redrive policy: messages received too often go to the dead-letter queue."""
        dead = self.target(res.properties.get("dead_letter_queue"), None)
        if dead:
            self.d.add_edge(Edge(res.id, dead[0], _("failed messages"), dashed=True))

    def _s3_notification(self, res: ResourceSpec) -> None:
        props = res.properties
        bucket, function = self.target(props.get("bucket"), None), self.target(props.get("function"), None)
        if bucket and function:
            detail = ", ".join(str(e).removeprefix("s3:") for e in props.get("events") or ())
            if props.get("prefix"):
                detail = f"{detail} {props['prefix']}".strip()
            label = _("S3 event") + (f"\n{detail}" if detail else "")
            self.d.add_edge(Edge(bucket[0], function[0], label))

    def _lambda_event_source_mapping(self, res: ResourceSpec) -> None:
        source = self.target(res.properties.get("source"), None)
        function = self.target(res.properties.get("function"), None)
        if source and function:
            label = _("DynamoDB stream") if source[1] == "dynamodb.table" else _("triggers")
            self.d.add_edge(Edge(source[0], function[0], label))

    def _sns_subscription(self, res: ResourceSpec) -> None:
        topic = self.target(res.properties.get("topic"), None)
        endpoint = self.target(res.properties.get("endpoint"), None)
        if topic and endpoint:
            label = _("triggers") if endpoint[1] == "lambda.function" else _("delivers")
            self.d.add_edge(Edge(topic[0], endpoint[0], label))

    def _lambda_function(self, res: ResourceSpec) -> None:
        """What the function's code calls: what its environment names, with its role's actions on it."""
        props = res.properties
        actions: dict[str, set[str]] = {}
        role = self.target(props.get("role"), None)
        role_ref = next(iter_refs(props.get("role")), None)
        role_spec = self.spec(role_ref, None) if role_ref else None
        if role_spec is not None:
            for statement in role_spec[1].properties.get("statements") or ():
                for key in self._keys(statement.get("resources"), role_spec[2]):
                    wanted = {a for a in statement.get("actions") or () if a not in _TRIGGER_ACTIONS}
                    if wanted:
                        actions.setdefault(key, set()).update(wanted)
        for key in dict.fromkeys([*self._keys(props.get("environment") or {}, None), *actions]):
            if key != res.id:
                self.d.add_edge(Edge(res.id, key, self._verb(self.d.nodes[key].type, actions.get(key, set()))))
        if role:
            self.d.add_edge(Edge(res.id, role[0], _("assumes"), dashed=True))

    def _keys(self, value: Any, within: str | None) -> list[str]:
        """The drawn nodes every reference in ``value`` names (in order, once)."""
        keys: dict[str, None] = {}
        for ref in iter_refs(value):
            found = self.spec(ref, within)
            if found and self.node(*found):
                keys.setdefault(found[0])
        return list(keys)

    @staticmethod
    def _verb(kind: str, actions: set[str]) -> str:
        verbs = {a.split(":", 1)[-1] for a in actions}
        if kind == "sns.topic":
            return _("publishes")
        if kind == "ses.identity":
            return _("sends e-mail")
        if kind == "sqs.queue":
            return _("sends a message") if "SendMessage" in verbs or not verbs else _("reads")
        if kind == "rds.db_instance":
            return _("SQL queries")
        writes = any(v.startswith(_WRITES) for v in verbs)
        reads = any(v.startswith(_READS) for v in verbs)
        if writes and reads:
            return _("reads and writes")
        return _("writes") if writes else _("reads") if reads else _("uses")


def architecture(workshop: Workshop, student: str | None = None, group: str = "step",
                 roles: bool = False) -> Diagram:
    """The workshop's architecture (texts in the current language: set it first)."""
    return _Builder(workshop, student, group, roles).build()


def edges_between(diagram: Diagram) -> Mapping[tuple[str, str], list[str]]:
    """(tail name, head name) -> the labels of the arrows between them (for tests and reports)."""
    names = {key: node.name for key, node in diagram.nodes.items()}
    names["client"] = _("Client")
    out: dict[tuple[str, str], list[str]] = {}
    for edge in diagram.edges:
        out.setdefault((names[edge.tail], names[edge.head]), []).append(edge.label)
    return out
