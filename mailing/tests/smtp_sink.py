"""H3: a real SMTP server on 127.0.0.1:<free port> that records what it receives and fails on cue.

    sink = SmtpSink().start()
    sink.fail("bad@example.org", "550 5.1.1 No such user")           # at RCPT, every time
    sink.fail("slow@example.org", "451 4.3.0 Try later", times=1)    # once, then accept
    sink.fail("x@example.org", "554 5.7.1 Rejected", stage="data")   # after the message
    sink.drop_after_data("y@example.org", times=1)  # store it, then cut the connection
    ...
    sink.messages          # ReceivedMessage, in arrival order
    sink.connections       # SMTP sessions that greeted (EHLO/HELO)
    sink.stop()

`on_message` (a callable taking the ReceivedMessage) runs in the server's thread after a
message is stored and before the server answers 250: a test can act in that window.
"""

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class ReceivedMessage:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message_id: str
    message: EmailMessage
    raw: bytes
    connection: int
    received_at: float  # time.monotonic() when the DATA was complete

    @property
    def recipient(self) -> str:
        return self.rcpt_tos[0]


@dataclass
class Fault:
    reply: str
    stage: str = "rcpt"  # "rcpt" or "data"
    times: int | None = None  # None: every time
    drop: bool = False  # store the message, then close the connection without a reply


@dataclass
class SinkHandler:
    """The aiosmtpd handler: records sessions and messages, applies scripted faults."""

    messages: list = field(default_factory=list)
    connections: int = 0
    faults: dict = field(default_factory=dict)
    on_message: object = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    pipelining: bool = True  # offered, as common servers do (aiosmtpd reads pipelined input)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        self._greeted(session)
        if self.pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):  # noqa: N802
        session.host_name = hostname
        self._greeted(session)
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        fault = self._take(address, "rcpt")
        if fault is not None:
            return fault.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        faults = [self._take(address, "data") for address in envelope.rcpt_tos]
        fault = next((fault for fault in faults if fault is not None), None)
        if fault is not None and not fault.drop:
            return fault.reply
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        parsed = BytesParser(policy=default_policy).parsebytes(raw)
        received = ReceivedMessage(
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            message_id=str(parsed.get("Message-ID", "")),
            message=parsed,
            raw=raw,
            connection=getattr(session, "connection_number", 0),
            received_at=time.monotonic(),
        )
        with self.lock:
            self.messages.append(received)
        if self.on_message is not None:
            self.on_message(received)
        if fault is not None:  # A drop: the client never learns the message arrived.
            server.transport.close()
        return "250 OK"

    def _greeted(self, session):
        with self.lock:
            self.connections += 1
            session.connection_number = self.connections

    def _take(self, address, stage):
        with self.lock:
            fault = self.faults.get(address.lower())
            if fault is None or fault.stage != stage:
                return None
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    del self.faults[address.lower()]
            return fault


class _FreePortController(Controller):
    """aiosmtpd's Controller, told to bind port 0: it learns the port the system gave."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpSink:
    def __init__(self, hostname="127.0.0.1"):
        self.handler = SinkHandler()
        self.controller = _FreePortController(self.handler, hostname=hostname, port=0)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def host(self) -> str:
        return self.controller.hostname

    @property
    def port(self) -> int:
        return self.controller.port

    # -- scripting ---------------------------------------------------------------------------

    def fail(self, address, reply, *, stage="rcpt", times=None):
        """Answer `reply` (e.g. "451 4.3.0 Try later") for `address` at RCPT or DATA."""
        with self.handler.lock:
            self.handler.faults[address.lower()] = Fault(reply=reply, stage=stage, times=times)

    def drop_after_data(self, address, *, times=1):
        """Store the message for `address`, then close the connection instead of replying."""
        with self.handler.lock:
            self.handler.faults[address.lower()] = Fault(
                reply="", stage="data", times=times, drop=True
            )

    def offer_pipelining(self, offered: bool):
        self.handler.pipelining = offered

    def on_message(self, callback):
        self.handler.on_message = callback

    def clear(self):
        with self.handler.lock:
            self.handler.messages.clear()
            self.handler.faults.clear()
            self.handler.connections = 0

    # -- reading -----------------------------------------------------------------------------

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def connections(self) -> int:
        with self.handler.lock:
            return self.handler.connections

    def recipients(self) -> Counter:
        """How many messages each recipient received."""
        return Counter(address for message in self.messages for address in message.rcpt_tos)

    def to(self, address) -> list[ReceivedMessage]:
        return [message for message in self.messages if address in message.rcpt_tos]

    def wait_for(self, count, *, timeout=10.0) -> list[ReceivedMessage]:
        """The messages once at least `count` have arrived; AssertionError after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self.messages
            if len(messages) >= count:
                return messages
            time.sleep(0.02)
        raise AssertionError(f"{len(self.messages)} messages at the sink, expected {count}")
