"""A workshop in another language: the ``variants`` a ``lambda.function`` declares.

Seeds 000 and 003 leave the runtime open ("Python 3.x ou Node.js"); a function written in both
declares its other language as a variant of its properties::

    properties:
      source: upload_file
      handler: app.lambda_handler
      runtime: python3.12
      variants:
        nodejs: {source: upload_file_node, handler: index.handler, runtime: nodejs22.x}

``with_runtime(workshop, "nodejs")`` is the same workshop with those properties in place (a
function without that variant keeps its own); ``python`` (or None) leaves it as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .model import ResourceSpec, Workshop

RUNTIME_FAMILIES = ("python", "nodejs")
DEFAULT = "python"


def variants(res: ResourceSpec) -> Mapping[str, Mapping[str, Any]]:
    found = res.properties.get("variants") if res.type == "lambda.function" else None
    return found if isinstance(found, Mapping) else {}


def offers(workshop: Workshop, runtime: str) -> bool:
    """Some function of the workshop is written in ``runtime``'s family."""
    return runtime == DEFAULT or any(runtime in variants(res) for res in workshop.resources)


def _apply(res: ResourceSpec, runtime: str) -> ResourceSpec:
    chosen = variants(res).get(runtime)
    if not chosen:
        return res
    props = {k: v for k, v in res.properties.items() if k != "variants"}
    return replace(res, properties={**props, **chosen})


def with_runtime(workshop: Workshop, runtime: str | None) -> Workshop:
    if not runtime or runtime == DEFAULT:
        return workshop
    steps = tuple(replace(step, resources=tuple(_apply(res, runtime) for res in step.resources))
                  for step in workshop.steps)
    return replace(workshop, steps=steps)
