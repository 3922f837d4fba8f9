"""What to run: a deployed function's configuration, read from the emulator's Lambda store.

Handler, timeout, memory, environment variables and the deployment package exactly as
``create_function``/``update_function_code`` left them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import moto_adapter, moto_logging


class FunctionNotFound(Exception):
    pass


@dataclass
class FunctionConfig:
    name: str
    arn: str
    region: str
    handler: str
    timeout: float  # seconds
    memory_size: int  # MB
    runtime: str
    code_sha: str
    last_modified: Any
    role: str = ""  # the execution role's ARN: its temporary credentials are the process's
    variables: dict[str, str] = field(default_factory=dict)
    code_bytes: bytes | None = field(default=None, repr=False)  # the deployment package (a zip)
    logging: dict[str, str] = field(default_factory=dict)  # LoggingConfig (moto_logging.py)

    @property
    def log_group(self) -> str:
        return self.logging.get("LogGroup") or f"/aws/lambda/{self.name}"

    @property
    def key(self) -> tuple[Any, ...]:
        """What an environment is started with: another value needs another environment.

        ``last_modified`` changes with every update and differs for a function deleted and
        created again under the same name: as on Lambda, that one never meets an environment
        (and the module state, such as cached credentials) of the one before.
        """
        return (self.arn, self.last_modified, self.code_sha, self.handler, self.timeout, self.memory_size,
                self.runtime, tuple(sorted(self.variables.items())), self.region, self.role,
                tuple(sorted(self.logging.items())))


def region_of(ref: str, default: str) -> str:
    return ref.split(":")[3] if ref.startswith("arn:") else default


def find_function(ref: str, default_region: str) -> FunctionConfig:
    """The function a name or ARN refers to, as deployed now."""
    region = region_of(ref, default_region)
    name = ref.split(":")[6] if ref.startswith("arn:") else ref
    try:
        fn = moto_adapter.lambda_function(region, name)
    except Exception as exc:
        raise FunctionNotFound(f"Function not found: {ref}") from exc
    return FunctionConfig(
        name=fn.function_name, arn=fn.function_arn, region=region, handler=fn.handler,
        timeout=float(fn.timeout or 3), memory_size=fn.memory_size, runtime=fn.run_time,
        code_sha=fn.code_sha_256, last_modified=getattr(fn, "last_modified", None), role=str(fn.role or ""),
        variables={str(k): str(v) for k, v in (fn.environment_vars or {}).items()},
        code_bytes=getattr(fn, "code_bytes", None),  # none for a container image
        logging=moto_logging.logging_config(fn))
