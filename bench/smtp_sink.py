"""A fast SMTP sink for the sending benchmark: several processes, one port, nothing kept.

aiosmtpd's `Sink` parses every command and message in Python and used one of the machine's
two cores by itself: the benchmark measured the sink, for our sender and for the bare
smtplib loop alike. This one speaks just enough SMTP for both (EHLO, MAIL, RCPT, DATA,
RSET, NOOP, QUIT; PIPELINING and 8BITMIME advertised) and throws each message away: the
only per-message work is finding the end of DATA. `--processes N` forks N servers sharing
the port with SO_REUSEPORT, so the kernel spreads connections over them.

    python bench/smtp_sink.py --port 2525 [--processes 2]

Both sides of the benchmark talk to the same sink, so the ratio stays fair.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket

END_OF_DATA = b"\r\n.\r\n"


class SinkProtocol(asyncio.Protocol):
    """One SMTP session: replies to each command line, discards each message."""

    def connection_made(self, transport):  # noqa: D102
        self.transport = transport
        self.buffer = b""
        self.in_data = False
        transport.write(b"220 bench-sink ESMTP\r\n")

    def data_received(self, data):  # noqa: D102
        buffer = self.buffer + data
        replies = []
        while True:
            if self.in_data:
                # The buffer holds the message since the DATA line, behind the line break
                # put in front of it there (so an empty message ends at once too).
                end = buffer.find(END_OF_DATA)
                if end < 0:
                    break
                buffer = buffer[end + len(END_OF_DATA) :]
                self.in_data = False
                replies.append(b"250 2.0.0 Ok: discarded\r\n")
                continue
            line_end = buffer.find(b"\r\n")
            if line_end < 0:
                break
            line, buffer = buffer[:line_end], buffer[line_end + 2 :]
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                replies.append(b"250-bench-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                self.in_data = True
                replies.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                buffer = b"\r\n" + buffer
            elif verb == b"QUIT":
                replies.append(b"221 Bye\r\n")
                self.transport.write(b"".join(replies))
                self.transport.close()
                return
            else:  # MAIL, RCPT, RSET, NOOP, anything else: accepted
                replies.append(b"250 Ok\r\n")
        self.buffer = buffer
        if replies:
            self.transport.write(b"".join(replies))


def listening_socket(port: int) -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(128)
    return listener


def serve(port: int) -> None:
    async def run():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(SinkProtocol, sock=listening_socket(port))
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        async with server:
            await stop.wait()

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    children = []
    for _ in range(args.processes - 1):
        pid = os.fork()
        if pid == 0:
            serve(args.port)
            os._exit(0)
        children.append(pid)
    try:
        serve(args.port)
    finally:
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        for pid in children:
            os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
