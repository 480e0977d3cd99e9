"""`make run`: the site and its helpers, started together and stopped together.

`python -m rotative.launcher --port 8000 --smtp-port 1025` checks that both ports are free,
starts the SMTP sink and waits until it listens, then the task worker, the email sender, the
once-a-minute jobs and gunicorn, and watches them: if any of them stops, it stops the others
and exits non-zero, saying which one. Before, `make run` started them in the background of
a shell and kept serving when one died, e.g. the sink on a taken port 1025, which sent every
email of the instance to whatever else listened there (issue #12, item 8). The site's
EMAIL_PORT is set to the sink's port, so the two always agree.

No Django import here: the launcher runs before (and beside) the processes that load it.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MANAGE = [PYTHON, str(REPO / "manage.py")]
# Each child gets this long to stop after SIGTERM before it is killed.
STOP_GRACE_SECONDS = 10
# How long to wait for the rest of a killed child's process group to be reaped.
GROUP_END_SECONDS = 2
# How long the sink may take to start listening (Django's start-up included).
SINK_START_SECONDS = 60
SINK_READY = "SMTP sink on "
EVERY_MINUTE = [
    ["publish_scheduled", "-v0"],
    ["poll_feeds", "-v0"],
    ["queue_digests", "--enqueue", "-v0"],
]


def say(message: str) -> None:
    sys.stderr.write(f"make run: {message}\n")
    sys.stderr.flush()


@dataclass(frozen=True)
class Port:
    """A port one of the processes must listen on, and how the user picks another."""

    host: str
    number: int
    role: str
    variable: str


def free_port(host: str) -> int:
    with socket.create_server((host, 0)) as sock:
        return sock.getsockname()[1]


def port_problem(port: Port) -> str | None:
    """Why `port` cannot be listened on, or None if it can (checked by binding it)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            port.host, port.number, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        return f"cannot listen on {port.host}:{port.number} for {port.role}: {error}"
    with socket.socket(family, kind, proto) as sock:
        # As gunicorn and aiosmtpd do, so a connection of the previous run still in
        # TIME_WAIT is not taken for a conflict.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as error:
            return (
                f"port {port.number} on {port.host} is already in use ({error.strerror}), "
                f"so {port.role} cannot start. Stop the program listening there "
                f"(`ss -ltnp 'sport = :{port.number}'` shows it), or pick another port: "
                f"{port.variable}={free_port(port.host)} make run"
            )
    return None


@dataclass
class Child:
    """One supervised process, in its own process group so it is stopped whole."""

    name: str
    command: list[str]
    env: dict[str, str] | None = None
    capture_stdout: bool = False
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> "Child":
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our commands
            self.command,
            cwd=REPO,
            env=self.env,
            stdout=subprocess.PIPE if self.capture_stdout else None,
            text=True,
            start_new_session=True,
        )
        return self

    def exit_status(self) -> int | None:
        return self.process.poll() if self.process else None

    def signal(self, signum) -> None:
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signum)
            except ProcessLookupError:
                pass


def stop_all(children: list[Child], grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM every child's group, then SIGKILL what is still there after `grace`."""
    for child in children:
        child.signal(signal.SIGTERM)
    for child in children:
        if child.process is None:
            continue
        try:
            child.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            say(f"{child.name} did not stop within {grace:g} s; killing it")
            child.signal(signal.SIGKILL)
            child.process.wait()
        # Its group may outlive it (gunicorn's workers, a job of the scheduler): nothing of
        # it is left running.
        try:
            os.killpg(child.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + GROUP_END_SECONDS
        while time.monotonic() < deadline:
            try:
                os.killpg(child.process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)


def start_smtp_sink(sink: Child) -> bool:
    """Start the sink and wait for its "listening" line; False if it stopped instead.

    Connecting to the port would not do: when the port is taken, whatever holds it answers.
    """
    sink.start()
    answered = threading.Event()
    listening = threading.Event()

    def forward():
        for line in sink.process.stdout:
            if line.startswith(SINK_READY):
                listening.set()
                answered.set()
            sys.stdout.write(line)
            sys.stdout.flush()
        answered.set()  # end of its output: the sink is gone

    threading.Thread(target=forward, daemon=True).start()
    answered.wait(timeout=SINK_START_SECONDS)
    return listening.is_set() and sink.exit_status() is None


def supervise(children: list[Child], stop: threading.Event, poll_seconds=0.5) -> int:
    """Wait until a child stops (stop the rest, return non-zero) or `stop` is set (return 0)."""
    try:
        while not stop.wait(timeout=poll_seconds):
            for child in children:
                status = child.exit_status()
                if status is not None:
                    say(f"{child.name} stopped (exit status {status}); stopping everything else.")
                    return status or 1
        return 0
    finally:
        stop_all(children)


def child_env(smtp_port: int) -> dict[str, str]:
    """The environment of every child: the site's mail goes to the sink and nowhere else."""
    return {**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port)}


def run(options) -> int:
    ports = [
        Port(options.host, options.port, "the web server (gunicorn)", "PORT"),
        Port("127.0.0.1", options.smtp_port, "the SMTP sink", "SMTP_PORT"),
    ]
    for problem in filter(None, map(port_problem, ports)):
        say(problem)
        return 1

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: stop.set())

    env = child_env(options.smtp_port)
    sink = Child(
        "the SMTP sink",
        [*MANAGE, "run_smtp_sink", "--port", str(options.smtp_port)],
        env=env,
        capture_stdout=True,
    )
    if not start_smtp_sink(sink):
        say(f"the SMTP sink did not start on 127.0.0.1:{options.smtp_port}; nothing else started.")
        stop_all([sink])
        return 1
    children = [
        sink,
        Child("the task worker", [*MANAGE, "db_worker", "--queue-name", "*"], env=env).start(),
        Child("the email sender", [*MANAGE, "send_deliveries", "--loop"], env=env).start(),
        Child(
            "the once-a-minute jobs", [PYTHON, "-m", "rotative.launcher", "every-minute"], env=env
        ).start(),
        Child(
            "the web server (gunicorn)",
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "rotative.wsgi",
                "--bind",
                f"{options.host}:{options.port}",
                "--workers",
                str(options.web_workers),
                "--access-logfile",
                "-",
                "--forwarded-allow-ips",
                "127.0.0.1",
            ],
            env=env,
        ).start(),
    ]
    site = f"http://{options.host}:{options.port}/"
    say(f"Rotative: {site}  — admin: {site}admin/")
    say(
        f"emails are not sent out: the sink on 127.0.0.1:{options.smtp_port} keeps them "
        "(admin → Newsletters → Inbox)"
    )
    return supervise(children, stop)


def every_minute() -> int:
    """Wagtail's scheduled publishing, due feeds, due alerts and digests, once a minute."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(timeout=60):
        for command in EVERY_MINUTE:
            result = subprocess.run([*MANAGE, *command], cwd=REPO, check=False)  # noqa: S603
            if result.returncode:
                say(f"`manage.py {command[0]}` failed (exit status {result.returncode})")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rotative.launcher", description=__doc__)
    parser.add_argument("mode", nargs="?", choices=["run", "every-minute"], default="run")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--web-workers", type=int, default=2)
    options = parser.parse_args(argv)
    if options.mode == "every-minute":
        return every_minute()
    return run(options)


if __name__ == "__main__":
    sys.exit(main())
