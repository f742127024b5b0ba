"""A real SMTP server on loopback (aiosmtpd): it takes mail for every address but those it is told to refuse,
with the answer a mail server gives, and keeps what it took."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


@dataclass
class MailServer:
    port: int
    #: address → the answer given to RCPT TO for it, e.g. "550 5.1.1 No such user"
    refuse: dict[str, str] = field(default_factory=dict)
    received: list[email.message.EmailMessage] = field(default_factory=list)
    #: Messages taken on one connection before the next is refused with 421, as servers limit them.
    per_connection: int | None = None
    connections: int = 0
    _taken: dict[int, int] = field(default_factory=dict)

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for message in self.received if address in message["To"]]

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if id(session) not in self._taken:
            self.connections += 1
            self._taken[id(session)] = 0
        if self.per_connection is not None and self._taken[id(session)] >= self.per_connection:
            return "421 4.7.0 Too many messages on one connection"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self._taken[id(session)] += 1
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def mail_server(app) -> Iterator[MailServer]:
    """The app sends over SMTP to this server, with no pause between messages."""
    with socket.socket() as probe:  # a free port: the controller checks it is up by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = MailServer(port=port)
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_STARTTLS=False, MAIL_PER_MINUTE=0)
    try:
        yield server
    finally:
        controller.stop()
        app.config.update(SMTP_HOST="")
