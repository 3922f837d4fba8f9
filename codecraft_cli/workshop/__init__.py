"""Workshop definitions: YAML -> validated, typed model; references; dependency order."""

from .loader import all_workshops, catalogue, load_workshop, load_workshop_file
from .model import CheckSpec, ResourceSpec, RubricItem, Step, Workshop

__all__ = [
    "CheckSpec",
    "ResourceSpec",
    "RubricItem",
    "Step",
    "Workshop",
    "all_workshops",
    "catalogue",
    "load_workshop",
    "load_workshop_file",
]
