"""`manage.py task_workers`: workers forked from one parent that loaded the French model
once (issue #15) run the queue as `db_worker`s do, each under its own id."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from newsroom.events import task_workers_starting
from newsroom.task_workers import preload

LOADS: list[int] = []


def record_load(sender, **kwargs) -> None:
    LOADS.append(os.getpid())


def test_the_parent_runs_each_loader_that_listens():
    task_workers_starting.connect(record_load, dispatch_uid="test_record_load")
    LOADS.clear()
    try:
        assert "newsroom.tests.test_task_workers.record_load" in preload()
    finally:
        task_workers_starting.disconnect(dispatch_uid="test_record_load")
    assert LOADS == [os.getpid()]


def test_the_site_preloads_the_french_model_for_its_workers():
    receivers = preload()
    assert "enrichment.signals.load_model_for_workers" in receivers
    assert "related.signals.load_ranking_for_workers" in receivers


@pytest.mark.slow
def test_forked_workers_run_every_waiting_job_and_stop(tmp_path):
    """A real site on a SQLite file: jobs queued, two forked workers in batch mode."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rotative.settings.dev",
        "ROTATIVE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    }

    def manage(*arguments):
        return subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *arguments],
            cwd=Path(settings.BASE_DIR),
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    assert manage("migrate", "--noinput", "-v0").returncode == 0
    queued = manage(
        "shell",
        "-c",
        "from related.tasks import link_read_also\n"
        "for pk in range(900, 912): link_read_also.enqueue(pk)",
    )
    assert queued.returncode == 0, queued.stderr
    done = manage(
        "task_workers", "--processes", "2", "--batch", "--queue-name", "*",
        "--no-startup-delay", "--no-reload", "-v0",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "ready"
    with sqlite3.connect(tmp_path / "site.sqlite3") as connection:
        rows = connection.execute(
            "SELECT status, return_value, worker_ids FROM django_tasks_database_dbtaskresult"
        ).fetchall()
    assert len(rows) == 12
    assert {(status, value) for status, value, _ in rows} == {
        ("SUCCESSFUL", '"article gone or unpublished"')
    }
    # Each child claims under its own id ("…-0", "…-1").
    ids = {worker_ids for _, _, worker_ids in rows}
    assert ids and all(worker_ids.rstrip('"]').rsplit("-", 1)[-1] in "01" for worker_ids in ids)
