"""Several task workers forked from one process that loaded, once, what they all read.

Why (issue #15): each `db_worker` loaded the French spaCy model itself on its first
enrichment, 4.1 CPU-s a worker (2.9 s of it compiling the tokenizer's exceptions), and kept
its own copy, some 200 MB. Here the parent announces `task_workers_starting`, whose
receivers (each app's own, in its ``signals.py``: newsroom imports no app above it) load
what their tasks read, freezes what they
built out of the garbage collector (`gc.freeze`, so the children's collections neither walk
nor copy it), closes its database connections and forks the workers: each child shares the
loaded model page for page and runs django-tasks-db's own `Worker` loop, claiming jobs as a
lone `db_worker` does. The parent forwards SIGTERM and SIGINT and waits for every child.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from django.db import connections
from django_tasks.utils import get_random_id
from django_tasks_db.management.commands.db_worker import Worker

from newsroom import events


def preload() -> list[str]:
    """Have each app load what its tasks read (`task_workers_starting`); returns the
    receivers that ran, by dotted name."""
    answered = events.task_workers_starting.send(sender=None)
    gc.collect()
    gc.freeze()
    return [f"{receiver.__module__}.{receiver.__qualname__}" for receiver, _ in answered]


def _run_child(make_worker: Callable[[str], Worker], worker_id: str) -> None:
    """The child's whole life: django-tasks-db's loop, then exit without running the
    parent's clean-up (its atexit hooks, its buffered output)."""
    code = 0
    try:
        make_worker(worker_id).run()
    except SystemExit as stop:  # the Worker's own way out on SIGTERM
        code = stop.code if isinstance(stop.code, int) else 0
    except BaseException:  # noqa: BLE001 - reported, then the child ends with an error code
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run_forked(
    processes: int, worker_options: dict[str, Any], *, ready: Callable[[], None]
) -> dict[int, int]:
    """Preload, fork `processes` workers with `worker_options` (those of `Worker`, less the
    id: each child gets its own) and wait for them; returns the exit codes by child."""
    preload()
    # A connection opened by the loaders must not be shared by the children.
    connections.close_all()

    def make_worker(worker_id: str) -> Worker:
        worker = Worker(worker_id=worker_id, **worker_options)
        worker.configure_signals()
        return worker

    children: list[int] = []
    for index in range(processes):
        worker_id = f"{get_random_id()[:48]}-{index}"
        pid = os.fork()
        if pid == 0:
            _run_child(make_worker, worker_id)
        children.append(pid)

    def forward(signum: int, frame: Any) -> None:
        for child in children:
            try:
                os.kill(child, signum)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    ready()
    codes = {}
    for child in children:
        _, status = os.waitpid(child, 0)
        codes[child] = os.waitstatus_to_exitcode(status)
    return codes
