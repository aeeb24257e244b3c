"""An in-process SMTP server (aiosmtpd, in its own thread) that keeps what it receives, and the settings that
point `talent remind` at it."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from talent import domains
from talent.settings import get_settings

# `talent remind` and the notification pages run with every domain's reminders registered (the app and the
# command line call domains.load()); so do these tests.
domains.load()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """The aiosmtpd handler: refuses the addresses in `refuse` at RCPT, keeps every accepted message."""

    def __init__(self) -> None:
        self.messages = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [m for rcpts, m in self.messages if address in rcpts]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(monkeypatch):
    """A port for an SMTP server and the settings pointing at it; the server is not started yet, so a test can
    first see what happens while it is down. Call `smtp.start()`."""
    server = SmtpServer(free_port())
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", server.port)
    monkeypatch.setattr(settings, "smtp_starttls", False)
    monkeypatch.setattr(settings, "smtp_timeout", 5.0)
    monkeypatch.setattr(settings, "smtp_from", "talent@example.org")
    monkeypatch.setattr(settings, "base_url", "https://talent.example.org/")
    yield server
    server.stop()
