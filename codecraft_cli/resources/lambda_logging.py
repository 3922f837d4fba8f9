"""The ``log_format`` property of ``lambda.function``: Lambda's advanced logging controls.

    - id: demo_function
      type: lambda.function
      properties:
        log_format: JSON      # Text (Lambda's default) or JSON: structured application and system logs

CreateFunction / UpdateFunctionConfiguration ``LoggingConfig.LogFormat`` (Lambda API reference,
"LoggingConfig", https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html: ``JSON | Text``);
console: Lambda › Functions › NAME › Configuration › Monitoring and operations tools › Logging
configuration › Edit: Log format ("Configuring advanced logging controls for Lambda functions",
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html). With JSON,
the Python runtime writes each ``logging`` record as one JSON object (timestamp, level, message,
logger, requestId) and Lambda its platform.start / platform.report records. A function whose YAML
has no ``log_format`` keeps whatever format it has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import _
from .base import Finding

LOG_FORMATS = ("Text", "JSON")


def logging_config(props: Mapping[str, Any]) -> dict[str, Any]:
    """CreateFunction's LoggingConfig for the YAML's ``log_format`` (nothing when it has none)."""
    fmt = props.get("log_format")
    return {"LoggingConfig": {"LogFormat": str(fmt)}} if fmt else {}


def observed_logging(conf: Mapping[str, Any]) -> dict[str, Any]:
    """The function's LoggingConfig as the workshop compares it (Text when Lambda returns none)."""
    return {"LogFormat": str((conf.get("LoggingConfig") or {}).get("LogFormat") or "Text")}


def logging_findings(fn: str, config: Mapping[str, Any], have: Mapping[str, Any]) -> list[Finding]:
    want = (config.get("LoggingConfig") or {}).get("LogFormat")
    got = (have.get("LoggingConfig") or {}).get("LogFormat") or "Text"
    if not want or want == got:
        return []
    return [Finding("log_format", _(
        "Lambda › Functions › {function} › Configuration › Monitoring and operations tools › Logging "
        "configuration › Edit: Log format {want} (it is {have})").format(function=fn, want=want, have=got),
        _("structured JSON logs can be filtered by field (level, requestId) in CloudWatch Logs Insights"))]


def log_group_of(lambda_client: Any, function: str) -> str:
    """The log group the function sends its logs to: LoggingConfig.LogGroup, else Lambda's default
    ``/aws/lambda/<name>`` (also when the configuration cannot be read)."""
    try:
        config = lambda_client.get_function_configuration(FunctionName=function)
        return str((config.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{function}")
    except Exception:
        return f"/aws/lambda/{function}"
