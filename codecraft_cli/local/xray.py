"""The emulator's X-Ray daemon: the X-Ray SDK in a function sends its subsegments here over UDP.

On Lambda, "the X-Ray SDK ... sends trace data to the X-Ray daemon" at ``AWS_XRAY_DAEMON_ADDRESS``
(Lambda Developer Guide, "Using AWS Lambda environment variables": AWS_XRAY_DAEMON_ADDRESS, and
"Visualize Lambda function invocations using AWS X-Ray"). Each UDP datagram is a header line
``{"format": "json", "version": 1}``, a newline, then one segment or subsegment document (X-Ray
Developer Guide, "Sending segment documents to the X-Ray daemon"). The documents go to moto's
X-Ray store, where GetTraceSummaries and BatchGetTraces find them with Lambda's own segments.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable

HEADER = {"format": "json", "version": 1}


def documents(datagram: bytes) -> list[str]:
    """The segment documents of one datagram (none when the header is not X-Ray's)."""
    text = datagram.decode("utf-8", "replace")
    head, _, body = text.partition("\n")
    try:
        if json.loads(head) != HEADER or not body.strip():
            return []
        json.loads(body)
    except ValueError:
        return []
    return [body.strip()]


class XRayDaemon:
    """A UDP listener on 127.0.0.1 (a free port); ``address`` is what functions get."""

    def __init__(self, store: Callable[[list[str]], None]) -> None:
        self.store = store
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self._thread = threading.Thread(target=self._run, name="codecraft-xray", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def _run(self) -> None:
        while True:
            try:
                datagram, _peer = self.sock.recvfrom(65536)
            except OSError:  # closed: the emulator is stopping
                return
            found = documents(datagram)
            if found:
                try:
                    self.store(found)
                except Exception as exc:  # a bad document never stops the daemon
                    print(f"codecraft emulator: X-Ray segment refused: {exc}", flush=True)
