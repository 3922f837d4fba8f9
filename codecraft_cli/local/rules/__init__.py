"""The emulator refuses what AWS refuses, with AWS's error code and message.

``refuse(service, operation, params, state)`` answers a :class:`Refusal` for a request real
AWS would reject, or ``None``. It is pure: ``params`` are the botocore-shaped parameters
(what ``moto.core.parse`` produces from the wire, the dict boto3 was called with) and ``state``
answers questions about existing resources (:class:`State`; :class:`NoState` knows nothing).

Two layers, in the order AWS applies them:

1. :mod:`.model`: the constraints of botocore's service models (required members, lengths,
   ranges, enums, patterns), in each service's own wording and error code;
2. the rules AWS documents that the models do not encode, one small function each, registered
   per ``(service, operation)`` in the service's module (``lambda_``, ``sqs``, ``ec2``, ``s3``,
   ``dynamodb``, ``iam``, ``sns``, ``apigateway``, ``secrets``, ``rds``, ``cognito``, ``logs``),
   each citing the AWS page it comes from.

Importing this package is cheap: botocore's models and the rule modules load on the first call.
"""

from __future__ import annotations

from importlib import import_module

from .base import RULES, NoState, Params, Refusal, State

__all__ = ["NoState", "Refusal", "State", "refuse"]

_MODULES = ("lambda_", "sqs", "ec2", "s3", "dynamodb", "iam", "sns", "apigateway", "secrets", "rds",
            "cognito", "logs")
_loaded = False


def _load() -> None:
    global _loaded
    if not _loaded:
        for name in _MODULES:
            import_module(f"{__name__}.{name}")
        _loaded = True


def refuse(service: str, operation: str, params: Params, state: State | None = None) -> Refusal | None:
    """What AWS would answer instead of accepting this request, or ``None`` if it accepts it."""
    from .model import check

    _load()
    refusal = check(service, operation, params)
    if refusal is not None:
        return refusal
    facts = state if state is not None else NoState()
    for rule in RULES.get((service, operation), ()):
        refusal = rule(params, facts)
        if refusal is not None:
            return refusal
    return None
