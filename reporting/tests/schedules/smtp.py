"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, and can refuse.

Use the `smtp_server` fixture: Django's SMTP backend is pointed at it for the test. Set
`smtp_server.refuse` to a predicate over the raw message to answer 554 for those messages.
"""

from __future__ import annotations

import socket
import subprocess  # nosec B404 - runs pdftotext on a PDF the test produced
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class StoringHandler:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refused = 0
        self.refuse = None  # callable(EmailMessage) -> bool

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        if self.refuse and self.refuse(message):
            self.refused += 1
            return "554 5.7.1 Refused by the test server"
        self.messages.append(message)
        return "250 OK"

    def pdfs(self, message: EmailMessage) -> list[bytes]:
        return [
            part.get_content()
            for part in message.iter_attachments()
            if part.get_content_type() == "application/pdf"
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(  # nosec B603 B607 - a fixed binary and arguments
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


@pytest.fixture
def smtp_server(settings):
    handler = StoringHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def smtp_down(settings):
    """Django's SMTP backend pointed at a port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_TIMEOUT = 2
