"""A direct Lambda invocation's answer, read once for the executor and for ``inspect db``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import AwsFailure
from ..i18n import _


def invocation_result(response: Mapping[str, Any], function: str) -> dict[str, Any]:
    """A direct invocation's answer; a function error is a failure of the plan."""
    raw = response["Payload"].read() if hasattr(response.get("Payload"), "read") else response.get("Payload")
    body = json.loads(raw or b"null")
    if response.get("FunctionError") or (isinstance(body, dict) and body.get("error")):
        message = (body.get("errorMessage") or body.get("error")) if isinstance(body, dict) else body
        raise AwsFailure(_("The function {function} failed: {message}").format(function=function, message=message),
                         hint=_("Look at its logs: `codecraft inspect logs {function}`.").format(function=function))
    return {**response, "Payload": body}
