"""codecraft diagram (issue 14, item 4): the architecture of each workshop drawn from its model.

Expectations come from outside the diagram code: the names from the workshop YAML files (read
with yaml, not through codecraft's loader), the arrows from what the seeds describe (seed 004
§2.2: client → API Gateway → Lambda ProcessOrder → DynamoDB Orders, then SNS OrderNotifications →
SQS OrderProcessingQueue; seed 002: a Jobs table whose stream feeds the Worker; the image
pipeline's S3 upload event → the resize function). The SVG is read as Graphviz writes it: each
node and edge a <g> with its <title> and <text> elements.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml


ROOT = Path(__file__).resolve().parents[2]
WORKSHOPS = sorted(p.stem for p in (ROOT / "workshops").glob("*.yaml"))
SEEN_TYPES = ("lambda.function", "dynamodb.table", "sqs.queue", "sns.topic")
SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot is not installed (apt-get install graphviz): no SVG to read")

Run = Callable[..., tuple[int, str, str]]




def yaml_names(workshop: str) -> set[str]:
    """The names the workshop file gives its functions, tables, queues and topics."""
    raw: dict[str, Any] = yaml.safe_load((ROOT / "workshops" / f"{workshop}.yaml").read_text(encoding="utf-8"))
    return {res["name"] for step in raw["steps"] for res in step.get("resources") or ()
            if res["type"] in SEEN_TYPES}


def _texts(element: ET.Element) -> list[str]:
    return [(t.text or "").strip() for t in element.iter(f"{SVG}text") if (t.text or "").strip()]


class Drawing:
    """An SVG written by Graphviz: its nodes (title → texts) and edges (tail texts, head texts, label)."""

    def __init__(self, path: Path) -> None:
        root = ET.parse(path).getroot()
        self.texts = _texts(root)
        self.nodes: dict[str, list[str]] = {}
        self.edges: list[tuple[list[str], list[str], str]] = []
        groups = list(root.iter(f"{SVG}g"))
        for g in groups:
            title = g.find(f"{SVG}title")
            if g.get("class") == "node" and title is not None and title.text:
                self.nodes[title.text] = _texts(g)
        for g in groups:
            title = g.find(f"{SVG}title")
            if g.get("class") == "edge" and title is not None and title.text:
                tail, head = (re.sub(r":.*", "", end) for end in title.text.split("->"))
                self.edges.append((self.nodes[tail], self.nodes[head], " ".join(_texts(g))))

    def has_edge(self, tail: str, head: str, label: str | None = None) -> bool:
        return any(tail in t and head in h and (label is None or label in said) for t, h, said in self.edges)


def draw(run: Run, workshop: str, *options: str) -> Drawing:
    code, out, err = run("diagram", workshop, "-o", f"{workshop}.svg", *options)
    assert code == 0, err
    assert out == ""  # written to the file; the message on stderr
    return Drawing(Path(f"{workshop}.svg"))


def test_expectations_cover_the_six_workshops() -> None:
    assert len(WORKSHOPS) == 8  # the six, anycompany-challenge and workshop4 (issue 15)
    assert yaml_names("anycompany-orders") == {"Orders", "OrderNotifications", "OrderProcessingQueue", "ProcessOrder"}


@needs_dot
@pytest.mark.parametrize("workshop", WORKSHOPS)
def test_the_svg_names_every_function_table_queue_and_topic(run: Run, workshop: str) -> None:
    drawing = draw(run, workshop)
    missing = yaml_names(workshop) - set(drawing.texts)
    assert not missing, f"{workshop}.svg lacks {sorted(missing)}"


@needs_dot
def test_anycompany_orders_request_path_as_seed_004_draws_it(run: Run) -> None:
    d = draw(run, "anycompany-orders")
    assert d.has_edge("Client", "POST /orders", "HTTP request")  # "Un client passe une commande via API Gateway"
    assert d.has_edge("POST /orders", "ProcessOrder")  # "Une AWS Lambda est déclenchée"
    assert d.has_edge("OrdersAPI", "ProcessOrder")
    assert d.has_edge("ProcessOrder", "Orders", "writes")  # "stockées dans DynamoDB" (dynamodb:PutItem)
    assert d.has_edge("ProcessOrder", "OrderNotifications", "publishes")  # "envoyé à SNS"
    assert d.has_edge("OrderNotifications", "OrderProcessingQueue")  # "ajouté à une file SQS"
    assert not d.has_edge("Orders", "ProcessOrder")  # no stream on this table
    # each resource with its AWS service
    assert "AWS Lambda · function" in d.texts and "Amazon DynamoDB · table" in d.texts
    assert "Amazon SNS · topic" in d.texts and "Amazon SQS · queue" in d.texts


@needs_dot
def test_event_sources_s3_stream_and_queue(run: Run) -> None:
    image = draw(run, "image-pipeline")
    bucket = next(t for t in image.texts if t.startswith("codecraft-images"))
    assert image.has_edge(bucket, "ImageResize", "S3 event")  # upload_trigger: s3:ObjectCreated:* on uploads/
    assert image.has_edge(bucket, "ImageResize", "uploads/")
    assert image.has_edge("GET /images/{id}", "ImageApi") and image.has_edge("POST /images", "ImageApi")
    jobs = draw(run, "job-events")  # seed 002: the Jobs table's stream feeds the Worker
    assert jobs.has_edge("Jobs", "Worker", "DynamoDB stream")
    assert jobs.has_edge("POST /jobs", "Ajout_job") and jobs.has_edge("Ajout_job", "Jobs")
    assert jobs.has_edge("Worker", "JobResults", "writes")
    queue = draw(run, "workshop2")
    assert queue.has_edge("ProjectNotificationsQueue", "ManageProjects", "triggers")
    assert queue.has_edge("ProjectNotificationsQueue", "ProjectNotificationsQueue-dlq")  # redrive policy


@needs_dot
def test_a_prerequisites_resources_are_drawn_as_its_own(run: Run) -> None:
    d = draw(run, "workshop3")  # POST /upload is added to workshop2's API, guarded by workshop1's pool
    assert d.has_edge("ProjectManagementAPI", "UploadFile") and d.has_edge("POST /upload", "UploadFile")
    assert d.has_edge("ProjectManagementAPI", "ProjectsUsers", "checks the token")
    assert "(built in workshop2)" in d.texts and "(built in workshop1)" in d.texts


@needs_dot
def test_french_labels(run: Run) -> None:
    d = draw(run, "anycompany-orders", "--lang", "fr")
    assert d.has_edge("Client", "POST /orders", "requête HTTP")
    assert d.has_edge("ProcessOrder", "OrderNotifications", "publie")
    assert "AWS Lambda · fonction" in d.texts and "Amazon SQS · file d'attente" in d.texts
    assert "Étape 1 — Créer la table DynamoDB Orders" in d.texts  # grouped by step, the YAML's French title
    assert not any(label in " ".join(d.texts) for label in ("HTTP request", "publishes", "writes"))
    image = draw(run, "image-pipeline", "--lang", "fr")
    bucket = next(t for t in image.texts if t.startswith("codecraft-images"))
    assert image.has_edge(bucket, "ImageResize", "événement S3")
    assert draw(run, "job-events", "--lang", "fr").has_edge("Jobs", "Worker", "flux DynamoDB")


@needs_dot
def test_student_names_service_groups_and_roles(run: Run) -> None:
    d = draw(run, "anycompany-orders", "--student", "alice", "--group", "service", "--roles")
    assert {"alice-ProcessOrder", "alice-Orders", "alice-OrderProcessingQueue"} <= set(d.texts)
    assert "ProcessOrder" not in d.texts
    assert "Amazon DynamoDB" in d.texts  # the cluster of the service
    assert d.has_edge("alice-ProcessOrder", "alice-ProcessOrderRole", "assumes")


@needs_dot
def test_png(run: Run, tmp_path: Path) -> None:
    code, _out, err = run("diagram", "job-events", "-o", "jobs.png")
    assert code == 0, err
    assert (tmp_path / "jobs.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_dot_source_needs_no_graphviz(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no dot anywhere
    code, out, err = run("diagram", "anycompany-orders", "-o", "w.dot")
    assert code == 0, err
    source = (tmp_path / "w.dot").read_text(encoding="utf-8")
    assert source.startswith('digraph "anycompany-orders"') and "<B>ProcessOrder</B>" in source
    code, out, err = run("diagram", "anycompany-orders", "-o", "-")
    assert code == 0 and out.startswith("digraph")


def test_without_graphviz_svg_is_a_clear_error(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, out, err = run("diagram", "anycompany-orders", "-o", "w.svg")
    assert code == 3 and out == ""
    assert "Graphviz" in err and "apt-get install graphviz" in err and "Traceback" not in err
    assert not (tmp_path / "w.svg").exists()
    # a handout is still written, without the diagram, and says why
    code, out, err = run("show", "anycompany-orders", "--format", "html", "-o", "h.html")
    assert code == 0 and "<svg" not in (tmp_path / "h.html").read_text(encoding="utf-8")
    assert "Graphviz" in err


def test_bad_input_is_exit_2(run: Run) -> None:
    code, _out, err = run("diagram", "anycompany-orders", "-o", "w.pdf")
    assert code == 2 and ".svg, .png or .dot" in err
    assert run("diagram", "anycompany-orders", "--group", "colour")[0] == 2
    assert run("diagram", "anycompany-orders", "--student", "Alice!")[0] == 2
    assert run("diagram", "no-such-workshop", "-o", "w.dot")[0] == 2


@needs_dot
def test_handouts_embed_the_diagram(run: Run, tmp_path: Path) -> None:
    code, _out, err = run("show", "anycompany-orders", "--format", "html", "-o", "h.html")
    assert code == 0, err
    page = (tmp_path / "h.html").read_text(encoding="utf-8")
    figure = page[page.index('<figure class="architecture"'):page.index("</figure>")]
    assert "<svg" in figure and "ProcessOrder" in figure and "OrderProcessingQueue" in figure
    assert page.index("<figure") < page.index("<h2>Step 1")  # before the first step
    code, _out, err = run("--lang", "fr", "show", "anycompany-orders", "--format", "md", "-o", "h.md")
    assert code == 0, err
    handout = (tmp_path / "h.md").read_text(encoding="utf-8")
    assert "![Architecture — anycompany-orders](h.svg)" in handout
    assert "requête HTTP" in (tmp_path / "h.svg").read_text(encoding="utf-8")
