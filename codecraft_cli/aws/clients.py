"""Build boto3 clients for a target: the embedded emulator (local) or a real account (aws).

Every client in codecraft comes from :class:`Clients`: one session per target, botocore's
``standard`` retry mode, clients cached per service (boto3 clients are thread-safe once
built; sessions are not, so construction takes a lock).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

from ..errors import AwsFailure
from ..i18n import _
from .errors import looks_like_academy

from ..local.moto_adapter import ACCOUNT_ID as LOCAL_ACCOUNT_ID  # the emulator's (moto's) account
LOCAL_CREDENTIALS = {"aws_access_key_id": "codecraft", "aws_secret_access_key": "codecraft-local"}
DEFAULT_REGION = "us-east-1"
LAB_ROLE = "LabRole"  # the role AWS Academy Learner Lab provides


@dataclass(frozen=True)
class Target:
    """Where resources live: ``local`` (endpoint = the emulator) or ``aws``."""

    name: str
    region: str
    profile: str | None = None
    endpoint: str | None = None  # the emulator's moto endpoint on the local target
    gateway: str | None = None  # the emulator's API gateway on the local target

    @property
    def is_local(self) -> bool:
        return self.name == "local"


_LOADER: Any = None
_LOADER_LOCK = threading.Lock()


def _shared_loader(session: Any) -> Any:
    """One botocore data loader for the process: service models are read and parsed once.

    Each session otherwise loads its own copy of every model it uses (≈20–60 ms of CPU per
    service); a class of 30 opens a session per student.
    """
    global _LOADER
    with _LOADER_LOCK:
        if _LOADER is None:
            from botocore.loaders import create_loader

            _LOADER = create_loader(session.get_config_variable("data_path"))
        return _LOADER


def open_session(profile: str | None, region: str | None, local: bool = False) -> Any:
    """A botocore session for a profile (or the default chain), its configuration read now.

    A missing or broken profile is said here, as a codecraft error, rather than at the first call.
    """
    import botocore.session

    if local:  # the emulator: its own fixed credentials, whatever profile the environment names
        session = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    else:
        session = botocore.session.Session()
    session.register_component("data_loader", _shared_loader(session))
    if region:
        session.set_config_variable("region", region)
    if local:
        return session
    if profile:
        session.set_config_variable("profile", profile)
    try:
        session.get_scoped_config()
    except Exception as exc:  # botocore.exceptions.ProfileNotFound and friends
        raise AwsFailure(
            _("Cannot open the AWS profile {profile!r}: {error}").format(profile=profile or session.profile, error=exc),
            hint=_("List your profiles with `aws configure list-profiles`, or drop --profile.") if profile
            else _("List your profiles with `aws configure list-profiles`, or unset AWS_PROFILE."),
        ) from exc
    return session


class Clients:
    """A cache of boto3 clients for one target."""

    def __init__(self, target: Target, max_attempts: int = 10) -> None:
        self.target = target
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._session: Any = None
        self._account_id: str | None = None
        self._learner_lab: bool | None = None
        self._max_attempts = max_attempts
        self.call_count = 0  # API calls made through these clients (benchmarks, tests)

    def _new_session(self) -> Any:
        # botocore's session, not boto3's: boto3 adds nothing codecraft uses and its import
        # (s3transfer) costs ≈40 ms on every command start
        return open_session(self.target.profile if not self.target.is_local else None,
                            self.target.region, local=self.target.is_local)

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                from botocore.config import Config

                if self._session is None:
                    self._session = self._new_session()
                from .faults import from_environment

                faults = from_environment()
                # the emulator does not throttle: a failure there is real, fail fast (unless
                # faults are injected on purpose: then retry as on AWS)
                attempts = 3 if self.target.is_local and not faults else self._max_attempts
                config = Config(
                    retries={"mode": "standard", "max_attempts": attempts},
                    connect_timeout=5,
                    read_timeout=60,
                    user_agent_extra="codecraft",
                )
                client = self._session.create_client(
                    service, region_name=self.target.region, endpoint_url=self.target.endpoint,
                    config=config, **(LOCAL_CREDENTIALS if self.target.is_local else {}))
                client.meta.events.register("before-call.*.*", self._count)
                if faults:
                    faults.attach(client)
                self._clients[service] = client
            return self._clients[service]

    def _count(self, **_: Any) -> None:
        with self._lock:
            self.call_count += 1

    @property
    def account_id(self) -> str:
        if self._account_id is None:
            if self.target.is_local:
                self._account_id = LOCAL_ACCOUNT_ID
            else:
                self._account_id = str(self.client("sts").get_caller_identity()["Account"])
        return self._account_id

    @property
    def region(self) -> str:
        return self.target.region

    @property
    def learner_lab(self) -> bool:
        """An AWS Academy Learner Lab account: no IAM role creation, a ready-made LabRole.

        Detected by the caller identity (an assumed role ``voclabs``) or an existing
        ``LabRole``; ``CODECRAFT_LEARNER_LAB=1`` forces it, ``=0`` turns detection off.
        """
        if self._learner_lab is None:
            forced = os.environ.get("CODECRAFT_LEARNER_LAB")
            if self.target.is_local or forced == "0":
                self._learner_lab = False
            elif forced == "1":
                self._learner_lab = True
            else:
                arn = str(self.client("sts").get_caller_identity().get("Arn", ""))
                self._learner_lab = looks_like_academy(arn) or self._lab_role_exists()
        return self._learner_lab

    def _lab_role_exists(self) -> bool:
        try:
            self.client("iam").get_role(RoleName=LAB_ROLE)
            return True
        except Exception:  # NoSuchEntity, or not allowed to look: not a Learner Lab
            return False
