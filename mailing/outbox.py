"""The local SMTP sink: every message sent on one machine lands as an .eml file in a folder.

`make run` points Django's SMTP backend at it, so confirmation emails, alerts and digests can
be read in the admin's Inbox (mailing.admin_views) without any real mail server.
"""

import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from aiosmtpd.controller import Controller

logger = logging.getLogger(__name__)

# What the sink writes: a UTC timestamp (so names sort by arrival) and a random suffix.
EML_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


class OutboxHandler:
    """aiosmtpd handler that stores each received message as `<directory>/<name>.eml`.

    The envelope is recorded in X-Envelope-From / X-Envelope-To headers put in front of the
    message, as a delivery agent adds Return-Path, so Bcc recipients are visible too.
    """

    def __init__(self, directory):
        self.directory = Path(directory)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        content = envelope.original_content or envelope.content
        path = self.store(envelope.mail_from, envelope.rcpt_tos, content)
        logger.info("Outbox: stored %s", path.name)
        return "250 Message accepted for delivery"

    def store(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> Path:
        """Write the message atomically: a hidden temporary file, then a rename."""
        self.directory.mkdir(parents=True, exist_ok=True)
        envelope = (
            f"X-Envelope-From: <{mail_from}>\r\nX-Envelope-To: {', '.join(rcpt_tos)}\r\n"
        ).encode("utf-8", "replace")
        stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(envelope + content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path


class OutboxController(Controller):
    """aiosmtpd's Controller, able to listen on port 0 (the system picks a free port)."""

    def _trigger_server(self):
        # aiosmtpd probes host:port once the server listens; with port 0 it must probe the
        # port that was actually bound, which `self.port` then reports to the caller.
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def start_outbox_sink(directory, host: str = "127.0.0.1", port: int = 1025) -> Controller:
    """Start the sink in a background thread; `controller.port` is the port it listens on."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    controller = OutboxController(OutboxHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


# Reading the outbox back (the admin's Inbox) ------------------------------------------------


@dataclass(frozen=True)
class StoredMessage:
    """One .eml file in the outbox, as the Inbox lists it."""

    name: str
    date: datetime | None
    sender: str
    to: str
    subject: str


def is_outbox_name(name: str) -> bool:
    """True for a plain file name ending in .eml: no folders, nothing hidden."""
    return (
        name.endswith(".eml")
        and not name.startswith(".")
        and set(name) <= EML_NAME_CHARACTERS
        and ".." not in name
    )


def _message_date(headers, path: Path) -> datetime:
    try:
        date = parsedate_to_datetime(str(headers["Date"])) if headers["Date"] else None
    except (TypeError, ValueError):
        date = None
    if date is None or date.tzinfo is None:
        date = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return date


def list_stored_messages(directory, limit: int = 200) -> tuple[list[StoredMessage], int]:
    """The newest `limit` messages in the outbox (newest first), and how many there are."""
    directory = Path(directory)
    if not directory.is_dir():
        return [], 0
    paths = [path for path in directory.iterdir() if is_outbox_name(path.name)]
    paths.sort(key=lambda path: (path.stat().st_mtime, path.name), reverse=True)
    messages = []
    parser = BytesHeaderParser(policy=policy.default)
    for path in paths[:limit]:
        with path.open("rb") as file:
            headers = parser.parse(file)
        messages.append(
            StoredMessage(
                name=path.name,
                date=_message_date(headers, path),
                sender=str(headers["From"] or ""),
                to=str(headers["To"] or headers["X-Envelope-To"] or ""),
                subject=str(headers["Subject"] or ""),
            )
        )
    return messages, len(paths)


def read_stored_message(directory, name: str):
    """The parsed message stored under `name`, or None if there is no such outbox file."""
    if not is_outbox_name(name):
        return None
    path = Path(directory) / name
    if not path.is_file():
        return None
    with path.open("rb") as file:
        return BytesParser(policy=policy.default).parse(file)
