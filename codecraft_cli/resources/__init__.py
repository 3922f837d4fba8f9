"""One module per AWS resource type, registered by type name (see base.py)."""

from .base import REGISTRY, Call, Handler, Observed, Var, all_handlers, handler_for

__all__ = ["REGISTRY", "Call", "Handler", "Observed", "Var", "all_handlers", "handler_for"]
