"""One pending job per task and arguments, however many events or transactions asked for it.

Why (issue #15): a bulk import published 1,332 articles and left 12,793 tasks, most of them
the same job asked again — an article's enrichment, index entry, reference index and related
list, requested by its creation, its publication and its enrichment in separate
transactions. `on_commit_once` dedupes within one transaction only; this dedupes across
them, against the database queue (django_tasks_db) itself, and `enqueue_once_on_commit`
queues all the jobs one transaction asked for in one lookup and one insert.

The rule that keeps it safe: a request is dropped only for a twin that has *not started*
(status READY) and that this process holds locked until its own transaction ends. A worker
claims a row under ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL) or ``BEGIN EXCLUSIVE``
(SQLite), so it cannot start the twin before what asked for the job is committed, and the
twin then reads the new state. A twin already running, locked by another process, deferred
to another time or on another queue is never used: the job is queued again. The worst case
is a duplicate (every coalesced task is idempotent: it recomputes from the database), never
a lost job. Other backends (the immediate one of the tests) enqueue as before.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable
from functools import partial
from typing import Any

from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskContext, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction

from newsroom.events import gathered_on_commit

# Tasks enqueued by code we do not own (Wagtail's post_save handlers, inside the saving
# transaction) and coalesced after the fact: see `coalesce_enqueued`.
_coalesced_paths: set[str] = set()


def _twins_of(task: Task, backend: BaseTaskBackend) -> Any:
    """READY rows of `task`, whatever their arguments, to run now rather than at a chosen
    time."""
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after=get_date_max(), **_same_task(task, backend)
    )


def _same_task(task: Task, backend: BaseTaskBackend) -> dict[str, Any]:
    """The columns a twin shares with `task`, its arguments aside."""
    return {
        "task_path": task.module_path,
        "queue_name": task.queue_name,
        "priority": task.priority,
        "backend_name": backend.alias,
    }


def _held(twins: Any, *fields: str) -> Any:
    """The `fields` of `twins`, held as `_lock_twin` holds one: locked with SKIP LOCKED on
    PostgreSQL, the database's write lock on SQLite (the UPDATE), until the caller's
    transaction ends."""
    if connections[DBTaskResult.objects.db].vendor == "sqlite":
        twins.update(status=TaskResultStatus.READY)  # the write lock, before reading
        return twins.values_list(*fields)
    return twins.select_for_update(skip_locked=True).values_list(*fields)


def _twins(task: Task, backend: BaseTaskBackend, args_kwargs: dict) -> Any:
    """READY rows that would run exactly this job, now rather than at a chosen time."""
    return _twins_of(task, backend).filter(args_kwargs=args_kwargs)


def _lock_twin(twins: Any) -> bool:
    """Whether one twin is now held by this transaction, still READY.

    PostgreSQL: the row is locked with SKIP LOCKED, so this never waits (no deadlock with
    another publisher or a worker; a row being claimed is skipped). SQLite has no row locks:
    the UPDATE takes the database's write lock, so no worker can claim anything before this
    transaction ends. Either way the UPDATE re-checks that the twin has not started.
    """
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    if connections[DBTaskResult.objects.db].vendor == "sqlite":
        # One statement where there are no row locks to take first (issue #15: an import
        # coalesces about ten enqueues an article).
        first = twins.values("pk")[:1]
        return ready.filter(pk__in=first).update(status=TaskResultStatus.READY) == 1
    ids = list(twins.select_for_update(skip_locked=True).values_list("pk", flat=True)[:1])
    if not ids:
        return False
    return ready.filter(pk=ids[0]).update(status=TaskResultStatus.READY) == 1


def _held_until_commit() -> Any:
    """The block that holds a twin once locked: the caller's transaction when one is open
    (no savepoint needed: the lock lasts until it ends), else a transaction of its own.

    Two statements fewer per request than a savepoint (SAVEPOINT, RELEASE); an error in it
    fails the caller's transaction, as any database error there would.
    """
    return transaction.atomic(using=DBTaskResult.objects.db, savepoint=False)


def enqueue_once(task: Task, *args: Any, **kwargs: Any) -> TaskResult | None:
    """Enqueue `task` unless the same job is already waiting; None when it was.

    Call it from an ``on_commit`` job (`on_commit_once`) or inside the transaction that
    made the change; both are safe (see the module's docstring).
    """
    if not isinstance(task, Task):  # a stand-in that records what was asked (tests)
        return task.enqueue(*args, **kwargs)
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend) or task.run_after is not None:
        return task.enqueue(*args, **kwargs)
    args_kwargs = normalize_json({"args": list(args), "kwargs": kwargs})
    with _held_until_commit():
        if _lock_twin(_twins(task, backend, args_kwargs)):
            return None
        return task.enqueue(*args, **kwargs)


def enqueue_once_each(task: Task, values: Iterable[Any]) -> int:
    """`enqueue_once(task, value)` for each value (the task's one positional argument), with
    one lookup of the twins already waiting; returns how many jobs were queued.

    Why (issue #15): a related refresh asks for the lists of some twenty neighbours, most of
    them already waiting; one `enqueue_once` each was a third of the refresh's time. The
    twins are held as `_lock_twin` holds one: locked with SKIP LOCKED on PostgreSQL, the
    database's write lock on SQLite (the UPDATE), until the caller's transaction ends.
    """
    values = list(dict.fromkeys(values))
    backend = task.get_backend() if isinstance(task, Task) else None
    if not isinstance(backend, DatabaseBackend) or task.run_after is not None:
        return sum(enqueue_once(task, value) is not None for value in values)
    with _held_until_commit():
        twins = _twins_of(task, backend).filter(args_kwargs__args__0__in=values)
        wanted = {
            json.dumps(normalize_json({"args": [value], "kwargs": {}}), sort_keys=True): value
            for value in values
        }
        for (args_kwargs,) in _held(twins, "args_kwargs"):
            wanted.pop(json.dumps(args_kwargs, sort_keys=True), None)
        for value in wanted.values():
            task.enqueue(value)
    return len(wanted)


_REQUESTS = "newsroom.task_queue.requests"  # the key of a transaction's gathered requests


class _Requests:
    """The jobs one transaction asked for, by key, queued together once it commits."""

    def __init__(self) -> None:
        self.by_key: dict[Hashable, tuple[Task, tuple[Any, ...], dict[str, Any]]] = {}

    def __call__(self) -> None:
        requests = list(self.by_key.values())
        if len(requests) == 1:  # one job: `_lock_twin`'s one statement, then the insert
            task, args, kwargs = requests[0]
            enqueue_once(task, *args, **kwargs)
        else:
            enqueue_all_once(requests)


def enqueue_once_on_commit(
    key: Hashable, task: Task, *args: Any, replace: bool = False, **kwargs: Any
) -> None:
    """`enqueue_once(task, *args, **kwargs)` after the current transaction commits, once per
    `key` in it (as `on_commit_once`; ``replace=True``: this request replaces the one
    waiting under `key`), with the other jobs that transaction asked for: one lookup of
    their twins and one insert for all of them (`enqueue_all_once`). Outside a transaction,
    at once (each request alone).

    Why (issue #15): an imported article asks for four jobs (its enrichment, matching,
    related list, "À lire" links), a lookup and an insert each, a sixth of the ingest.
    """
    requests = gathered_on_commit(_REQUESTS, _Requests)
    if requests is None:  # as `on_commit_once`: at once, or after a test's own block
        transaction.on_commit(partial(enqueue_once, task, *args, **kwargs))
    elif replace or key not in requests.by_key:
        requests.by_key[key] = (task, args, kwargs)


def enqueue_all_once(requests: list[tuple[Task, tuple[Any, ...], dict[str, Any]]]) -> int:
    """`enqueue_once(task, *args, **kwargs)` for each request, in order, those for the
    database queue with one lookup of the twins waiting and one insert of the jobs left
    (held as `_lock_twin` holds one); returns how many jobs were queued."""
    queued = 0
    pooled: dict[tuple[Any, ...], tuple[Task, DatabaseBackend, Any]] = {}
    for task, args, kwargs in requests:
        backend = task.get_backend() if isinstance(task, Task) else None
        if not isinstance(backend, DatabaseBackend) or task.run_after is not None:
            queued += enqueue_once(task, *args, **kwargs) is not None
            continue
        args_kwargs = normalize_json({"args": list(args), "kwargs": kwargs})
        identity = _identity(
            task.module_path, task.queue_name, task.priority, backend.alias, args_kwargs
        )
        pooled.setdefault(identity, (task, backend, args_kwargs))
    if not pooled:
        return queued
    for task, backend, _ in pooled.values():
        backend.validate_task(task)
    same = Q()
    for task, backend, args_kwargs in pooled.values():
        same |= Q(**_same_task(task, backend), args_kwargs=args_kwargs)
    fields = ("task_path", "queue_name", "priority", "backend_name", "args_kwargs")
    with _held_until_commit():
        twins = DBTaskResult.objects.filter(
            same, status=TaskResultStatus.READY, run_after=get_date_max()
        )
        for row in _held(twins, *fields):
            pooled.pop(_identity(*row), None)
        created = DBTaskResult.objects.bulk_create(
            DBTaskResult(
                id=backend._get_id(),
                args_kwargs=args_kwargs,
                priority=task.priority,
                task_path=task.module_path,
                queue_name=task.queue_name,
                run_after=get_date_max(),
                backend_name=backend.alias,
            )
            for task, backend, args_kwargs in pooled.values()
        )
    for (_, backend, _), row in zip(pooled.values(), created, strict=True):
        task_enqueued.send(type(backend), task_result=row.task_result)
    return queued + len(created)


def _identity(
    task_path: str, queue_name: str, priority: int, backend_name: str, args_kwargs: Any
) -> tuple[Any, ...]:
    """What makes two jobs twins, as a key (the arguments as sorted JSON)."""
    return (
        task_path,
        queue_name,
        priority,
        backend_name,
        json.dumps(args_kwargs, sort_keys=True),
    )


def coalesce_enqueued(sender: type, task_result: TaskResult, **kwargs: Any) -> None:
    """A job just enqueued by someone else's code (`task_enqueued`) is deleted again when an
    older twin is waiting: the older one keeps its place in the queue.

    The new row is ours until our transaction commits (no worker sees it), so deleting it
    loses nothing once the twin is locked; outside a transaction, the delete only takes a
    row that is still READY, so a worker that already claimed it runs it (a duplicate).
    """
    if not issubclass(sender, DatabaseBackend) or task_result.task.module_path not in (
        _coalesced_paths
    ):
        return
    task = task_result.task
    if task.run_after is not None:
        return
    backend = task.get_backend()
    args_kwargs = normalize_json({"args": task_result.args, "kwargs": task_result.kwargs})
    with _held_until_commit():
        twins = _twins(task, backend, args_kwargs).exclude(pk=task_result.id)
        if _lock_twin(twins):
            DBTaskResult.objects.filter(pk=task_result.id, status=TaskResultStatus.READY).delete()


def coalesce_task(task: Task) -> None:
    """Coalesce every enqueue of `task`, wherever it comes from (Wagtail's index tasks)."""
    _coalesced_paths.add(task.module_path)
    task_enqueued.connect(coalesce_enqueued, dispatch_uid="newsroom_coalesce_enqueued")


def claim_waiting(
    task: Task, limit: int, *, worker: str, only: Q | None = None
) -> list[DBTaskResult]:
    """Up to `limit` jobs of `task` waiting to run now (any arguments), claimed for `worker`
    as the worker itself claims one, for a task that does several at once; oldest first.

    Why (issue #15): enrichment reads an article through spaCy 30–45 % faster in a batch
    (`nlp.pipe`) than alone, and a bulk import leaves one enrichment an article. The caller
    marks each claimed job done or failed (`DBTaskResult.set_successful`, `set_failed`).
    The claim is taken as db_worker takes its own (a row locked with SKIP LOCKED, or the
    database's write lock on SQLite), so no job is run twice. Other backends: none.
    `only`: the jobs it matches, no others.
    """
    backend = task.get_backend()
    if limit <= 0 or not isinstance(backend, DatabaseBackend):
        return []
    waiting = (
        DBTaskResult.objects.ready()
        .filter(
            task_path=task.module_path,
            queue_name=task.queue_name,
            backend_name=backend.alias,
        )
        .order_by("enqueued_at", "pk")
    )
    if only is not None:
        waiting = waiting.filter(only)
    # Inside an open transaction (a test's, a caller's), that one already holds the lock.
    opened = transaction.get_connection(waiting.db).in_atomic_block
    with transaction.atomic(using=waiting.db) if opened else exclusive_transaction(waiting.db):
        claimed = list(waiting.select_for_update(skip_locked=True)[:limit])
        for row in claimed:
            row.claim(worker)  # one UPDATE each: no nested transaction in SQLite's BEGIN
    return claimed


def run_with_waiting(
    task: Task,
    context: TaskContext,
    own: tuple[Any, ...],
    *,
    batch: int,
    arguments: Callable[[DBTaskResult], tuple[Any, ...]],
    pages: QuerySet[Any],
    gone: str,
    read: Callable[[list[tuple[Any, tuple[Any, ...]]]], list[Any]],
    store: Callable[[Any, tuple[Any, ...], Any], str],
    only: Q | None = None,
    after: Callable[[], object] | None = None,
) -> str:
    """Run this job of `task` (its arguments `own`) with up to `batch - 1` of the same task
    waiting behind it (`claim_waiting`), read together; returns this job's summary.

    Each job's first argument is an article id, looked up in `pages` (a job whose article is
    not there is done, `gone`). `read` gets every (page, arguments) found and returns one
    result each, in order; `store` records one and returns its summary. A job taken is marked
    done or failed on its own row; this job's own error is raised once the others are
    recorded, for the worker to record as it records any. Enrichment and the related lists
    both batch this way (issue #15). `only`: which of the waiting jobs may be taken;
    `after`: what follows once every job is stored (what they queue, queued together)."""
    worker = (context.task_result.worker_ids or [task.name])[-1]
    taken = claim_waiting(task, batch - 1, worker=worker, only=only)
    jobs = [(None, own), *((row, arguments(row)) for row in taken)]
    by_id = pages.in_bulk([values[0] for _, values in jobs])
    for row, values in jobs:
        if row is not None and values[0] not in by_id:
            row.set_successful(gone)
    found = [(row, by_id[values[0]], values) for row, values in jobs if values[0] in by_id]
    try:
        results = read([(page, values) for _, page, values in found])
    except Exception as error:
        for row, _, _ in found:
            if row is not None:
                row.set_failed(error)
        raise
    summary: str | Exception = gone
    for (row, page, values), result in zip(found, results, strict=True):
        try:
            done = store(page, values, result)
        except Exception as error:  # noqa: BLE001 - recorded on its own job, as db_worker does
            if row is None:
                summary = error  # raised once the jobs taken are recorded
            else:
                row.set_failed(error)
            continue
        if row is None:
            summary = done
        else:
            row.set_successful(done)
    if after is not None:
        after()
    if isinstance(summary, Exception):
        raise summary
    return summary
