"""A worker SIGKILLed mid-send loses nothing; only its in-flight window may go twice, same id.

RELIABILITY 12–13 and 20, with a real `manage.py send_deliveries --loop` process and the H3
sink. The kill lands in the ambiguity window on purpose: the sink stores message 20 and,
before answering 250, kills the worker. That row stays `sending`, with the rows of the
messages accepted but not yet recorded (at most MAILING_MARK_BATCH, 5 here, with it); a second
worker takes them over once the claim's lease (2 s here) runs out, with the other rows the
first had claimed.

The worker needs the test's data: on PostgreSQL it connects to the test database; on SQLite
(an in-memory test database) the database is copied to a file first, and read back from it.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from mailing.models import Delivery

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES = 60
KILL_AT = 20
LEASE_SECONDS = 2
MARK_BATCH = 5
DEADLINE_SECONDS = 25


def test_a_killed_worker_loses_nothing_and_duplicates_at_most_its_in_flight_window(
    tmp_path, smtp_sink, make_subscriber, queue_delivery, article
):
    deliveries = [
        queue_delivery(make_subscriber(), Delivery.Kind.ALERT, articles=[article])
        for _ in range(MESSAGES)
    ]
    database = WorkerDatabase(tmp_path)
    env = worker_environment(tmp_path, smtp_sink.port, database.url)
    workers = []
    killed = threading.Event()

    def kill_in_flight(message):
        # Runs in the sink before it answers 250: the worker never learns it was accepted.
        if len(smtp_sink.messages) == KILL_AT and not killed.is_set():
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
            killed.set()

    smtp_sink.on_message(kill_in_flight)
    try:
        workers.append(start_worker(env, tmp_path / "worker-1.log"))
        assert killed.wait(DEADLINE_SECONDS), read_logs(tmp_path)
        workers.append(start_worker(env, tmp_path / "worker-2.log"))

        deadline = time.monotonic() + DEADLINE_SECONDS
        while database.statuses() != {"sent": MESSAGES}:
            assert time.monotonic() < deadline, (database.statuses(), read_logs(tmp_path))
            time.sleep(0.1)

        workers[1].send_signal(signal.SIGTERM)  # finishes its message, then exits
        assert workers[1].wait(timeout=10) == 0, read_logs(tmp_path)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

    assert workers[0].returncode == -signal.SIGKILL
    received = Counter(smtp_sink.recipients())
    addresses = {delivery.subscriber.email for delivery in deliveries}
    assert set(received) == addresses  # nothing lost
    duplicated = {address: count for address, count in received.items() if count > 1}
    # The window is the message in flight, where the kill was placed, and the accepted
    # messages not yet recorded: at most MARK_BATCH in all.
    assert 1 <= sum(count - 1 for count in duplicated.values()) <= MARK_BATCH
    assert set(received.values()) <= {1, 2}
    for address in duplicated:
        copies = smtp_sink.to(address)
        assert len({copy.message_id for copy in copies}) == 1
        assert copies[0].message_id == database.message_id(address)


class WorkerDatabase:
    """The test database as a worker process reaches it, and a reader for the outcome."""

    def __init__(self, tmp_path: Path):
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "worker.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(self.path) as copy:
                connection.connection.backup(copy)
            self.url = f"sqlite:///{self.path}"
        elif self.vendor == "postgresql":
            db = connection.settings_dict
            credentials = quote(db["USER"] or "", safe="")
            if db["PASSWORD"]:
                credentials += ":" + quote(db["PASSWORD"], safe="")
            host = db["HOST"] or "127.0.0.1"
            port = db["PORT"] or 5432
            self.url = f"postgres://{credentials}@{host}:{port}/{db['NAME']}"
        else:
            pytest.skip(f"no way to share a {self.vendor} test database with a subprocess")

    def _query(self, sql, params=()):
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=10) as reader:
                return reader.execute(sql, params).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall()

    def statuses(self) -> dict:
        return dict(self._query("SELECT status, COUNT(*) FROM mailing_delivery GROUP BY status"))

    def message_id(self, address) -> str:
        [(message_id,)] = self._query(
            "SELECT d.message_id FROM mailing_delivery d JOIN mailing_subscriber s"
            " ON s.id = d.subscriber_id WHERE s.email = ?",
            (address,),
        )
        return message_id


def worker_environment(tmp_path: Path, smtp_port: int, database_url: str) -> dict:
    # The test settings send mail to locmem; the worker needs SMTP to the sink, and a lease
    # short enough for the test.
    (tmp_path / "worker_settings.py").write_text(
        textwrap.dedent(
            f"""\
            from rotative.settings.test import *  # noqa: F403

            EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            EMAIL_HOST = "127.0.0.1"
            EMAIL_PORT = {smtp_port}
            EMAIL_TIMEOUT = 5
            MAILING_CLAIM_LEASE_SECONDS = {LEASE_SECONDS}
            MAILING_MARK_BATCH = {MARK_BATCH}
            """
        )
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "worker_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "manage.py",
        "send_deliveries",
        "--loop",
        "--rate",
        "20",
        "--batch-size",
        "10",
    ]
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def read_logs(tmp_path: Path) -> str:
    return "\n".join(
        f"--- {log.name}\n{log.read_text(errors='replace')}"
        for log in sorted(tmp_path.glob("worker-*.log"))
    )
