"""Loopback stand-ins for the demo, the benchmarks and the tests: a free port, and a real SMTP server that keeps
what it receives (aiosmtpd, a development dependency, imported when a sink is made)."""

from __future__ import annotations

import json
import logging
import socket
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailSink:
    """An SMTP server on a free loopback port, running inside ``with MailSink() as sink:``. ``received`` holds each
    message with the time it arrived; ``keep_in`` (a directory) also gets each one as ``NN.eml``, numbered on from
    the files already there."""

    def __init__(self, keep_in: Path | None = None) -> None:
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's log of every SMTP command
        self.port = free_port()
        self.keep_in = keep_in
        self.received: list[tuple[datetime, EmailMessage]] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.keep_in is not None:
            self.keep_in.mkdir(parents=True, exist_ok=True)
            (self.keep_in / f"{len(list(self.keep_in.glob('*.eml'))) + 1:02d}.eml").write_bytes(envelope.content)
        self.received.append((datetime.now(UTC), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        return [message for _, message in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages addressed to ``address``."""
        return [m for m in self.messages if address in m["To"]]

    def connection(self, **extra: str) -> str:
        """Airflow's ``smtp_default`` connection to this server (JSON), with ``extra`` fields besides plain SMTP."""
        fields = {"disable_ssl": True, "disable_tls": True, **extra}
        return json.dumps({"conn_type": "smtp", "host": "127.0.0.1", "port": self.port, "extra": fields})

    def __enter__(self) -> MailSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
