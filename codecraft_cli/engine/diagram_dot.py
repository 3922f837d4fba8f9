"""A :class:`~.diagram.Diagram` in Graphviz's DOT language, and its rendering by ``dot``.

Every node is an HTML-like label (https://graphviz.org/doc/info/shapes.html#html): its name in
bold, then the AWS service and what it is; a REST API lists its routes, one port per route, so
the client's request and the Lambda integration meet at the route. Colours are those of the AWS
Architecture Icons' categories (compute orange, database purple, storage green, application
integration pink, networking violet, security red). The DOT source needs no Graphviz; SVG and
PNG are drawn by ``dot`` (Debian's ``graphviz`` package) in a subprocess.
"""

from __future__ import annotations

import shutil
import subprocess
from html import escape

from ..errors import CodecraftError
from ..i18n import N_, _
from .diagram import Diagram, Edge, Node

FORMATS = ("svg", "png", "dot")
INSTALL_HINT = N_("Install Graphviz (`sudo apt-get install graphviz` on Debian/Ubuntu, `brew install graphviz` "
                  "on macOS), or write the DOT source with -o FILE.dot and draw it elsewhere.")

# type -> (shape, colour)
_LOOKS: dict[str, tuple[str, str]] = {
    "apigateway.rest_api": ("plain", "#8C4FFF"),
    "lambda.function": ("box", "#ED7100"),
    "dynamodb.table": ("cylinder", "#C925D1"),
    "rds.db_instance": ("cylinder", "#C925D1"),
    "sqs.queue": ("box3d", "#E7157B"),
    "sns.topic": ("hexagon", "#E7157B"),
    "ses.identity": ("ellipse", "#DD344C"),
    "s3.bucket": ("folder", "#7AA116"),
    "cognito.user_pool": ("octagon", "#DD344C"),
    "cognito.user_pool_client": ("box", "#DD344C"),
    "iam.role": ("note", "#DD344C"),
}


def _tint(colour: str, keep: float = 0.14) -> str:
    """A pale fill of a colour (mixed with white)."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * keep):02X}" for c in rgb)


def _q(value: str) -> str:
    """A DOT double-quoted string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _lines(node: Node, colour: str) -> str:
    name = f"<B>{escape(node.name)}</B>"
    kind = f'<FONT POINT-SIZE="9" COLOR="{colour}">{escape(node.service)} · {escape(node.kind)}</FONT>'
    rows = [name, kind]
    if node.external:
        rows.append('<FONT POINT-SIZE="8">' + escape(_("(built in {workshop})").format(workshop=node.external))
                    + "</FONT>")
    return "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)


def _node(ids: dict[str, str], node: Node) -> str:
    shape, colour = _LOOKS.get(node.type, ("box", "#232F3E"))
    style = "dashed" if node.external else "solid"
    if node.type == "apigateway.rest_api":  # a table: its name, then one row (port) per route
        routes = "".join(f'<TR><TD PORT="r{n}" BORDER="1" COLOR="{colour}" BGCOLOR="white">'
                         f'<FONT FACE="monospace">{escape(route)}</FONT></TD></TR>'
                         for n, route in enumerate(node.routes))
        dashed = ' STYLE="dashed"' if node.external else ""
        label = (f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="4" COLOR="{colour}" BGCOLOR="{_tint(colour)}"'
                 f"{dashed}>"
                 f"{_lines(node, colour)}{routes}</TABLE>>")
        return f"  {ids[node.key]} [shape=plain, label={label}];"
    label = f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{_lines(node, colour)}</TABLE>>'
    rounded = "rounded," if shape == "box" else ""
    return (f'  {ids[node.key]} [shape={shape}, style="{rounded}filled,{style}", color="{colour}", '
            f'fillcolor="{_tint(colour)}", penwidth=1.5, label={label}];')


def _end(ids: dict[str, str], key: str, route: int | None) -> str:
    return ids[key] + (f":r{route}" if route is not None else "")


def _edge(ids: dict[str, str], edge: Edge) -> str:
    attrs = [f"label={_q(edge.label)}"]
    if edge.dashed:
        attrs.append("style=dashed")
    return f"  {_end(ids, edge.tail, edge.tail_route)} -> {_end(ids, edge.head, edge.head_route)} [{', '.join(attrs)}];"


def to_dot(diagram: Diagram) -> str:
    """The diagram in the DOT language (left to right: the client first)."""
    ids = {key: f"n{n}" for n, key in enumerate(diagram.nodes, start=1)}
    ids["client"] = "client"
    lines = [f"digraph {_q(diagram.workshop)} {{",
             f"  graph [rankdir=LR, labelloc=t, fontsize=18, fontname=Helvetica, nodesep=0.35, ranksep=0.8, "
             f"label={_q(diagram.title)}];",
             "  node [fontname=Helvetica, fontsize=11, margin=\"0.15,0.06\"];",
             "  edge [fontname=Helvetica, fontsize=9, color=\"#545B64\", fontcolor=\"#232F3E\"];"]
    if diagram.client:
        client = _("Client") + "\n" + _("browser, curl, app")
        lines.append(f'  client [shape=ellipse, style=filled, fillcolor="#F2F3F3", color="#545B64", label={_q(client)}];')
    for n, (group, label) in enumerate(diagram.groups.items()):
        members = [node for node in diagram.nodes.values() if node.group == group]
        if not members:
            continue
        style = "dashed" if group.startswith("workshop:") else "rounded"
        lines += [f"  subgraph cluster_{n} {{",
                  f'    graph [label={_q(label)}, labeljust=l, fontsize=11, style="{style}", color="#AAB7B8"];']
        lines += ["  " + _node(ids, node) for node in members]
        lines.append("  }")
    lines += [_edge(ids, edge) for edge in diagram.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_binary() -> str | None:
    """Graphviz's ``dot`` on PATH, if installed."""
    return shutil.which("dot")


def render(source: str, fmt: str) -> bytes:
    """The DOT source drawn as ``svg`` or ``png`` by Graphviz (``dot``: the source itself)."""
    if fmt == "dot":
        return source.encode("utf-8")
    binary = dot_binary()
    if binary is None:
        raise CodecraftError(_("Graphviz's `dot` is not installed: the diagram cannot be drawn as {format}.")
                             .format(format=fmt.upper()), hint=_(INSTALL_HINT))
    try:
        done = subprocess.run([binary, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True,
                              timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CodecraftError(_("Graphviz could not draw the diagram: {reason}.").format(reason=exc),
                             hint=_(INSTALL_HINT)) from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CodecraftError(_("Graphviz could not draw the diagram: {reason}.").format(
            reason=reason[-1] if reason else done.returncode), hint=_(INSTALL_HINT))
    return done.stdout


def inline_svg(source: str) -> str | None:
    """The SVG to put inside an HTML page (no XML prolog), or None without Graphviz."""
    if dot_binary() is None:
        return None
    svg = render(source, "svg").decode("utf-8")
    return svg[svg.find("<svg"):] if "<svg" in svg else None
