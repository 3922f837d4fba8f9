"""Workshop definitions: YAML -> validated, typed model; references; dependency order."""

from .loader import catalogue, load_workshop, load_workshop_file
from .model import CheckSpec, ResourceSpec, RubricItem, Step, Workshop

__all__ = [
    "CheckSpec",
    "ResourceSpec",
    "RubricItem",
    "Step",
    "Workshop",
    "catalogue",
    "load_workshop",
    "load_workshop_file",
]
