"""`make run` stops, saying why, when a port it needs is taken or a helper dies (issue #12, item 8).

Before, with port 1025 taken the SMTP sink died, the site kept running and its mail went to
whatever held 1025. The launcher (rotative/launcher.py) is tested directly, with real
processes and real sockets, without the full set-up.
"""

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings

from rotative.launcher import MANAGE, Child, child_env, start_smtp_sink, stop_all, supervise

REPO = Path(settings.BASE_DIR)


@pytest.fixture
def taken_port():
    """A port some other program listens on."""
    with socket.create_server(("127.0.0.1", 0)) as other_program:
        yield other_program.getsockname()[1]


def free_port():
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return sock.getsockname()[1]


def processes_mentioning(text):
    """PIDs of live processes whose command line contains `text`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def is_gone(pid):
    """True once `pid` has exited (a zombie waiting for its reaper counts as gone)."""
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def launch(*args):
    return subprocess.run(  # noqa: S603 - our interpreter, our launcher
        [sys.executable, "-m", "rotative.launcher", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_taken_smtp_port_stops_make_run_before_anything_starts(taken_port):
    result = launch("--port", str(free_port()), "--smtp-port", str(taken_port))

    assert result.returncode == 1
    assert f"port {taken_port} on 127.0.0.1 is already in use" in result.stderr
    assert "so the SMTP sink cannot start" in result.stderr
    assert "SMTP_PORT=" in result.stderr and "make run" in result.stderr
    assert "SMTP sink on" not in result.stdout
    assert processes_mentioning(f"--port {taken_port}") == []


def test_a_taken_web_port_stops_make_run_before_the_helpers_start(taken_port):
    smtp_port = free_port()

    result = launch("--port", str(taken_port), "--smtp-port", str(smtp_port))

    assert result.returncode == 1
    assert "so the web server (gunicorn) cannot start" in result.stderr
    assert "PORT=" in result.stderr
    assert processes_mentioning(f"--port {smtp_port}") == []


def test_a_sink_that_cannot_listen_is_reported_and_nothing_else_starts(taken_port, capfd):
    # The port taken between the launcher's check and the sink's start: the sink's own
    # failure is seen, not the other program answering on the port.
    sink = Child(
        "the SMTP sink", [*MANAGE, "run_smtp_sink", "--port", str(taken_port)], capture_stdout=True
    )

    started = start_smtp_sink(sink)

    assert started is False
    assert sink.process.wait(timeout=60) == 1
    error = capfd.readouterr().err
    assert f"Cannot listen on 127.0.0.1:{taken_port}" in error
    assert "address already in use" in error
    assert "Another program holds this port" in error


def test_a_sink_that_listens_is_started_and_stopped_whole(tmp_path, capfd):
    port = free_port()
    sink = Child(
        "the SMTP sink",
        [*MANAGE, "run_smtp_sink", "--port", str(port), "--dir", str(tmp_path)],
        capture_stdout=True,
    )

    assert start_smtp_sink(sink) is True
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        assert client.recv(100).startswith(b"220")
    stop_all([sink])

    assert sink.exit_status() is not None
    assert f"SMTP sink on 127.0.0.1:{port}" in capfd.readouterr().out


def python_child(name, code, **options):
    return Child(name, [sys.executable, "-c", code], **options).start()


def test_when_one_helper_dies_make_run_stops_all_the_others_and_fails(capfd):
    web = python_child("the web server", "import time; time.sleep(120)")
    worker = python_child("the task worker", "import time; time.sleep(120)")
    sender = python_child("the email sender", "import sys; sys.exit(3)")

    status = supervise([web, worker, sender], threading.Event(), poll_seconds=0.05)

    assert status == 3
    assert web.exit_status() is not None and worker.exit_status() is not None
    assert "the email sender stopped (exit status 3); stopping everything else." in (
        capfd.readouterr().err
    )


def test_a_helper_that_exits_cleanly_still_stops_make_run_with_an_error():
    web = python_child("the web server", "import time; time.sleep(120)")
    sender = python_child("the email sender", "pass")

    assert supervise([web, sender], threading.Event(), poll_seconds=0.05) == 1
    assert web.exit_status() is not None


def test_stopping_on_ctrl_c_returns_zero_and_stops_everyone():
    web = python_child("the web server", "import time; time.sleep(120)")
    stop = threading.Event()
    stop.set()

    assert supervise([web], stop) == 0
    assert web.exit_status() is not None


def test_stopping_kills_a_helper_that_ignores_sigterm_and_its_own_children():
    stubborn = python_child(
        "the stubborn one",
        "import signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(120)\n",
        capture_stdout=True,
    )
    grandchild = int(stubborn.process.stdout.readline())

    stop_all([stubborn], grace=0.2)

    assert stubborn.exit_status() is not None
    assert is_gone(grandchild)


def test_the_site_sends_its_mail_to_the_sinks_port():
    env = child_env(2526)
    env["DJANGO_SETTINGS_MODULE"] = "rotative.settings.dev"
    env["ROTATIVE_VAR_DIR"] = str(REPO / "var")

    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.EMAIL_HOST, settings.EMAIL_PORT)",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["127.0.0.1", "2526"]
