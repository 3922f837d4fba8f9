"""The emulator's own AWS clients: calls it makes to itself (the gateway, the event pump, the
hooks in front of moto, the authorizers, log shipping), all built here.

One boto3 session, built once (sessions are not thread-safe), fixed local credentials, the
emulator's endpoint; one client per service, region and configuration, kept.
"""

from __future__ import annotations

import threading
from typing import Any

CREDENTIALS = "codecraft"


class EmulatorClients:
    def __init__(self, endpoint: str = "") -> None:
        self.endpoint = endpoint  # set once the server listens, before any client is asked for
        self._session: Any = None
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str, **config: Any) -> Any:
        """A client of the emulator; ``config`` (botocore Config arguments) replaces the defaults."""
        key = (service, region, repr(sorted(config.items())))
        with self._lock:
            if key not in self._clients:
                import boto3

                if self._session is None:
                    self._session = boto3.session.Session(aws_access_key_id=CREDENTIALS,
                                                          aws_secret_access_key=CREDENTIALS)
                options: dict[str, Any] = {}
                if config:
                    from botocore.config import Config

                    options["config"] = Config(**config)
                self._clients[key] = self._session.client(service, region_name=region,
                                                          endpoint_url=self.endpoint, **options)
            return self._clients[key]
