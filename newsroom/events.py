"""The newsroom's domain events: each change of state announced once, by the code that made it.

Why here: every app may import the bottom layer, so an event defined in `newsroom` can be
sent by ingest or enrichment and heard by search, related, mailing and the reader cache
without any of them importing the others (issue #13). A subscriber lives in its own app's
``signals.py``, connected in ``AppConfig.ready()``, and only enqueues its own task after
commit, through `on_commit_once` so that one transaction queues each job once however many
events it heard.

Every event is sent with ``sender=ArticlePage`` (or ``Entity``) and keyword arguments:

- `article_published` (``instance``: the live page): Wagtail published an article, from the
  admin, a schedule, ingest or an accepted topic. Sent by `newsroom.signals`, the one place
  that listens to Wagtail's ``page_published``.
- `article_unpublished` (``instance``): the article left the site.
- `article_changed` (``instance``, ``article``: the `ExtractedArticle` written): ingest
  created or updated an article's text without publishing it (a draft, or an update held
  for review is *not* one: nothing changed).
- `article_enriched` (``instance``, ``by_editor``, ``entities_changed``,
  ``entity_accepted``): suggestions were stored (``by_editor=False``) or an editor decided
  one or tagged an entity by hand (``by_editor=True``).
- `entity_changed` (``instance``: the Entity): a record was renamed, given aliases or merged.
- `article_shown_changed` (``instance``: the live page): something the article shows that is
  not its own text changed without a publish (its picture's caption, credit, focal point or
  file): every page showing the article must be rebuilt, as after a publish, and nothing
  else (no enrichment, no ranking) runs again.
- `task_workers_starting` (no arguments): `manage.py task_workers` is about to fork its
  workers; each app loads here, once, what its tasks read (the French model, the ranking),
  so every child shares it. Sent by `newsroom.task_workers`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from django.db import transaction
from django.dispatch import Signal

article_published = Signal()
article_unpublished = Signal()
article_changed = Signal()
article_enriched = Signal()
entity_changed = Signal()
article_shown_changed = Signal()
task_workers_starting = Signal()

T = TypeVar("T", bound=Callable[[], object])


class _Job:
    """A job waiting for the commit; a later request for the same key may replace its run."""

    def __init__(self, run: Callable[[], object]) -> None:
        self.run = run
        self.block: object = None  # the atomic block (the transaction) it waits in

    def __call__(self) -> None:
        self.run()


def on_commit_once(key: Hashable, run: Callable[[], object], *, replace: bool = False) -> None:
    """Run `run` after the current transaction commits, once per `key` in that transaction.

    Publishing through ingest, for instance, is heard as both a change and a publication;
    the enrichment of that article must still be queued once. With ``replace=True`` a later
    request replaces the job already waiting (it knows more, e.g. what ingest extracted).
    Outside a transaction `run` runs at once.

    The scope is the outermost atomic block, the transaction itself, known by its savepoint
    id (None in production, where it opens the transaction). The block a test case wraps
    every test in is not one (Django marks it ``_from_testcase``), so in tests each
    transaction the code opens is its own scope, as in production; Django reuses one
    ``Atomic`` object for a decorated function, so the object itself cannot be the scope.
    A job whose savepoint rolled back, or that already ran, is no longer in Django's list
    of callbacks, and is queued again. A block without a savepoint (``savepoint=False``, as
    Django's multi-table saves and deletes open) has no id, so the job also remembers its
    block: in tests, where such a block's jobs never run, a later block at the same depth
    would otherwise find them waiting and queue nothing.
    """
    waiting = _waiting_job(key, lambda: run)
    if waiting is None:
        transaction.on_commit(_Job(run))
    elif replace:
        waiting.run = run


def gathered_on_commit(key: Hashable, make: Callable[[], T]) -> T | None:
    """The callable `make()` built for the current transaction under `key`, run once after
    it commits; every later call in that transaction gets the same one (to add to it).
    None outside a transaction of the code's own (where `on_commit_once` runs a job at
    once, or, in a test, after the test's block): nothing gathers there.

    Why (issue #15): the jobs one transaction asks for can be queued together, in one
    lookup and one insert (`newsroom.task_queue.enqueue_once_on_commit`), rather than a
    lookup and an insert each. Same scope as `on_commit_once`.
    """
    waiting = _waiting_job(key, make)
    return None if waiting is None else waiting.run  # type: ignore[return-value]


def _waiting_job(key: Hashable, make: Callable[[], Callable[[], object]]) -> _Job | None:
    """The job waiting for the current transaction's commit under `key`, a new one
    (`make()`, registered now) when none is; None outside a transaction."""
    connection = transaction.get_connection()
    blocks = connection.atomic_blocks
    index = next(
        (i for i, block in enumerate(blocks) if not getattr(block, "_from_testcase", False)),
        None,
    )
    if index is None:
        return None
    # The outermost block opens the transaction and has no savepoint; block i has the i-1th.
    scope = connection.savepoint_ids[index - 1] if index > 0 else None
    pending = {id(callback) for _savepoints, callback, _robust in connection.run_on_commit}
    jobs = {
        job_key: job
        for job_key, job in getattr(connection, "_rotative_jobs", {}).items()
        if id(job) in pending
    }
    connection._rotative_jobs = jobs  # our own bookkeeping, per connection
    waiting = jobs.get((scope, key))
    if waiting is not None and waiting.block is blocks[index]:
        return waiting
    job = jobs[(scope, key)] = _Job(make())
    job.block = blocks[index]
    transaction.on_commit(job)
    return job
