"""A function's LoggingConfig (Lambda's advanced logging controls), which moto 5.2.5 drops.

Lambda API reference, "LoggingConfig" (https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html):
``LogFormat`` ``JSON | Text``; ``ApplicationLogLevel`` ``TRACE | DEBUG | INFO | WARN | ERROR | FATAL``;
``SystemLogLevel`` ``DEBUG | INFO | WARN``; ``LogGroup`` (default ``/aws/lambda/<function name>``,
pattern ``[\\.\\-_/#A-Za-z0-9]+``, 1 to 512 characters). CreateFunction and
UpdateFunctionConfiguration take it, GetFunctionConfiguration returns it (``LogFormat`` Text and the
default group when none was set). "Log-level filtering"
(https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html): "To use
log-level filtering, your function must be configured to use the JSON log format", so the levels
are refused with the Text format; with JSON, both levels default to INFO ("Configuring advanced
logging controls for Lambda functions",
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html).
moto is imported inside the functions only (rule: moto_adapter.py and moto_<topic>.py modules).
"""

from __future__ import annotations

import re
from typing import Any

FORMATS = ("JSON", "Text")
APPLICATION_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
SYSTEM_LEVELS = ("DEBUG", "INFO", "WARN")
_GROUP = re.compile(r"[\.\-_/#A-Za-z0-9]{1,512}")


def default_group(function_name: str) -> str:
    return f"/aws/lambda/{function_name}"


def merged(current: dict[str, Any] | None, update: dict[str, Any], function_name: str) -> dict[str, Any]:
    """The function's LoggingConfig after ``update`` (CreateFunction: ``current`` None); raises
    ValueError with the reason when a value is not one Lambda accepts."""
    config = dict(current or {})
    for key in ("LogFormat", "ApplicationLogLevel", "SystemLogLevel", "LogGroup"):
        if update.get(key) is not None:
            config[key] = str(update[key])
    config.setdefault("LogFormat", "Text")
    config.setdefault("LogGroup", default_group(function_name))
    if config["LogFormat"] not in FORMATS:
        raise ValueError(f"1 validation error detected: Value '{config['LogFormat']}' at 'loggingConfig.logFormat' "
                         f"failed to satisfy constraint: Member must satisfy enum value set: [JSON, Text]")
    if not _GROUP.fullmatch(config["LogGroup"]):
        raise ValueError(f"1 validation error detected: Value '{config['LogGroup']}' at 'loggingConfig.logGroup' "
                         "failed to satisfy constraint: Member must satisfy regular expression pattern: "
                         "[\\.\\-_/#A-Za-z0-9]+")
    for key, allowed in (("ApplicationLogLevel", APPLICATION_LEVELS), ("SystemLogLevel", SYSTEM_LEVELS)):
        value = config.get(key)
        if value is not None and value not in allowed:
            raise ValueError(f"1 validation error detected: Value '{value}' at 'loggingConfig.{key[0].lower()}"
                             f"{key[1:]}' failed to satisfy constraint: Member must satisfy enum value set: "
                             f"[{', '.join(allowed)}]")
    if config["LogFormat"] == "Text":
        if any(update.get(k) is not None for k in ("ApplicationLogLevel", "SystemLogLevel")):
            raise ValueError("Log levels (ApplicationLogLevel, SystemLogLevel) can only be set when LogFormat is JSON.")
        config.pop("ApplicationLogLevel", None)
        config.pop("SystemLogLevel", None)
    else:
        config.setdefault("ApplicationLogLevel", "INFO")
        config.setdefault("SystemLogLevel", "INFO")
    return config


def logging_config(fn: Any) -> dict[str, Any]:
    """A moto function's LoggingConfig as GetFunctionConfiguration returns it."""
    stored = getattr(fn, "_codecraft_logging", None)
    return dict(stored) if stored else {"LogFormat": "Text", "LogGroup": default_group(str(fn.function_name))}


def honour_logging_config() -> None:
    """Patch moto's LambdaFunction once (idempotent): LoggingConfig kept from CreateFunction,
    changed by UpdateFunctionConfiguration, returned in the function's configuration."""
    from moto.awslambda.exceptions import InvalidParameterValueException
    from moto.awslambda.models import LambdaFunction

    if getattr(LambdaFunction.get_configuration, "_codecraft_logging", False):
        return
    original_init = LambdaFunction.__init__
    original_get = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def init(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        given = spec.get("LoggingConfig")
        try:
            config = merged(None, given if isinstance(given, dict) else {}, str(spec.get("FunctionName", "")))
        except ValueError as exc:
            raise InvalidParameterValueException(str(exc))
        original_init(self, account_id, spec, *args, **kwargs)
        self._codecraft_logging = config

    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        config = original_get(self, *args, **kwargs)
        config["LoggingConfig"] = logging_config(self)
        return config

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        given = config_updates.get("LoggingConfig")
        if isinstance(given, dict):
            try:
                self._codecraft_logging = merged(logging_config(self), given, str(self.function_name))
            except ValueError as exc:
                raise InvalidParameterValueException(str(exc))
        return original_update(self, config_updates)

    get_configuration._codecraft_logging = True  # type: ignore[attr-defined]
    setattr(LambdaFunction, "__init__", init)
    setattr(LambdaFunction, "get_configuration", get_configuration)
    setattr(LambdaFunction, "update_configuration", update_configuration)
