"""Talking to the mail server: one connection per batch, paced sends, refusals sorted.

What the ledger (mailing.sending) needs of SMTP or an ESP behind anymail: open the
connection on first use and again after a drop (`MailConnection`), keep to a rate
(`RateLimiter`), and tell a refusal for good (5xx for the recipient: a bounce) from one for
now (4xx, a dropped connection, a timeout: retried) with `classify`.
"""

import logging
import re
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self, cast

from anymail.exceptions import AnymailError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

logger = logging.getLogger(__name__)

TEMPORARY_ERRORS = (smtplib.SMTPException, OSError, AnymailError)


class RateLimiter:
    """At most `rate_per_second` sends in any one-second window, spaced evenly.

    Starts are kept at least 1/rate apart, which also bounds every sliding window of one
    second to `rate` messages without the bursts of a fixed window. Share one limiter
    between passes of a loop so the boundary between two batches is paced too.
    `rate_per_second` 0 means unlimited.
    """

    def __init__(
        self,
        rate_per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate_per_second if rate_per_second and rate_per_second > 0 else 0
        self.clock = clock
        self.sleep = sleep
        self._next_start: float | None = None

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if self._next_start is not None and now < self._next_start:
            self.sleep(self._next_start - now)
            now = self._next_start
        self._next_start = now + self.interval


@dataclass(frozen=True)
class Failure:
    """How a send attempt failed: for the recipient for good, or for now; and whether the
    connection is unusable afterwards."""

    permanent: bool
    reconnect: bool
    detail: str


def classify(error: Exception) -> Failure:
    """Sort an exception raised by sending one message to one recipient."""
    detail = f"{type(error).__name__}: {error}"[:2000]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        code = max(codes) if codes else 0
        return Failure(permanent=500 <= code < 600, reconnect=code == 421, detail=detail)
    if isinstance(error, smtplib.SMTPDataError):
        code = error.smtp_code
        return Failure(permanent=500 <= code < 600, reconnect=code == 421, detail=detail)
    if isinstance(error, (AnymailRecipientsRefused, AnymailInvalidAddress)):
        return Failure(permanent=True, reconnect=False, detail=detail)
    if isinstance(error, AnymailError):
        return Failure(permanent=False, reconnect=False, detail=detail)
    # The server refusing our sender or greeting, a 421, a dropped or refused connection,
    # a timeout: nothing to hold against the recipient. SMTPServerDisconnected and
    # TimeoutError are OSErrors or SMTPExceptions too.
    return Failure(permanent=False, reconnect=True, detail=detail)


def provider_message_id(message: Any) -> str:
    """The ESP's id for the message when anymail sent it; SMTP gives none."""
    value = getattr(getattr(message, "anymail_status", None), "message_id", None)
    if value is None:
        return ""
    if isinstance(value, (set, frozenset, list, tuple)):  # one id per recipient, if they differ
        return ",".join(sorted(str(item) for item in value))
    return str(value)


LEADING_DOT = re.compile(rb"(?m)^\.")


def send_pipelined(smtp: smtplib.SMTP, sender: str, recipients: list[str], data: bytes) -> None:
    """`smtplib.SMTP.sendmail`'s transaction in two round trips instead of 2 + recipients.

    With PIPELINING (RFC 2920, which every common server offers) MAIL, the RCPTs and DATA
    go in one write, and their replies are read together; then the message. On loopback
    the waits for the server's replies were most of a send. Refusals raise what sendmail
    raises, so `classify` sorts them the same way. A server that answers DATA with 354
    though it refused the sender or every recipient gets no message: the connection is
    dropped, which abandons the transaction (sending the end of data would deliver an
    empty one).
    """
    options = f" size={len(data)}" if smtp.has_extn("size") else ""
    commands = [f"mail FROM:{smtplib.quoteaddr(sender)}{options}"]
    commands += [f"rcpt TO:{smtplib.quoteaddr(recipient)}" for recipient in recipients]
    commands.append("data")
    smtp.send("".join(f"{command}\r\n" for command in commands))
    (mail_code, mail_reply), *rcpt_replies, (data_code, data_reply) = [
        smtp.getreply() for _command in commands
    ]
    refused = {
        recipient: reply
        for recipient, reply in zip(recipients, rcpt_replies, strict=True)
        if reply[0] not in (250, 251)
    }
    envelope_failed = mail_code != 250 or len(refused) == len(recipients)
    if data_code == 354 and envelope_failed:
        smtp.close()
    if mail_code != 250:
        _end_transaction(smtp, mail_code)
        raise smtplib.SMTPSenderRefused(mail_code, mail_reply, sender)
    if envelope_failed or any(code == 421 for code, _reply in refused.values()):
        _end_transaction(smtp, max(code for code, _reply in refused.values()))
        raise smtplib.SMTPRecipientsRefused(refused)
    if data_code != 354:
        _end_transaction(smtp, data_code)
        raise smtplib.SMTPDataError(data_code, data_reply)
    quoted = LEADING_DOT.sub(b"..", data)
    if not quoted.endswith(b"\r\n"):
        quoted += b"\r\n"
    smtp.send(quoted + b".\r\n")
    code, reply = smtp.getreply()
    if code != 250:
        _end_transaction(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


def _end_transaction(smtp: smtplib.SMTP, code: int) -> None:
    """After a refusal: close on 421 (the server is closing), else RSET, as sendmail does."""
    if code == 421 or smtp.sock is None:
        smtp.close()
        return
    try:
        smtp.rset()
    except smtplib.SMTPServerDisconnected:
        pass


class MailConnection:
    """The batch's one mail connection: opened on first use, reopened after a drop.

    `timeout` (seconds) bounds every exchange with the server: a hung server must not
    outlast the sender's claim on its rows.
    """

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout
        self.backend: BaseEmailBackend | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def ensure_open(self) -> None:
        if self.backend is None:
            backend = get_connection(fail_silently=False, timeout=self.timeout)
            backend.open()
            self.backend = backend

    def send(self, message: Any) -> Any:
        """Send one message; return the EmailMessage sent, or the raw one over SMTP.

        A message with `raw_bytes` (mailing.editions) goes straight to the SMTP connection,
        as Django's backend would send it after serialising; any other backend gets its
        EmailMessage (`message.message`).
        """
        # Opened by ensure_open(), which the sender calls before each message.
        backend = cast(BaseEmailBackend, self.backend)
        if hasattr(message, "raw_bytes"):
            smtp = getattr(backend, "connection", None)
            if isinstance(backend, SmtpBackend) and isinstance(smtp, smtplib.SMTP):
                smtp.ehlo_or_helo_if_needed()
                send = send_pipelined if smtp.has_extn("pipelining") else smtplib.SMTP.sendmail
                send(smtp, message.envelope_from, message.envelope_to, message.raw_bytes())
                return message
            message = message.message
        if backend.send_messages([message]) != 1:
            raise smtplib.SMTPException("the mail backend did not send the message")
        return message

    def usable(self) -> bool:
        # smtplib closes its socket itself after a 421 reply; Django's backend does not notice.
        smtp = getattr(self.backend, "connection", None)
        return not isinstance(smtp, smtplib.SMTP) or smtp.sock is not None

    def close(self) -> None:
        if self.backend is None:
            return
        backend, self.backend = self.backend, None
        try:
            backend.close()
        except TEMPORARY_ERRORS as error:  # Closing a broken connection may fail: it is gone.
            logger.debug("Closing the mail connection failed: %s", error)
