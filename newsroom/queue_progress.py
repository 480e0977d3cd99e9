"""The task queue as people watch it: waiting, running, done and failed by task, and the
rate. What `manage.py queue_progress` prints and the admin's queue view shows (read-only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def queue_by_kind() -> list[dict[str, Any]]:
    """Tasks waiting, running, done and failed, by task: what the progress command and the
    admin's queue view show. Sorted by what is left, most first."""
    rows = DBTaskResult.objects.values("task_path", "status").annotate(count=Count("pk"))
    kinds: dict[str, dict[str, Any]] = {}
    for row in rows:
        kind = kinds.setdefault(
            row["task_path"],
            {
                "task": row["task_path"].rsplit(".", 1)[-1],
                "path": row["task_path"],
                "READY": 0,
                "RUNNING": 0,
                "SUCCESSFUL": 0,
                "FAILED": 0,
            },
        )
        kind[row["status"]] = kind.get(row["status"], 0) + row["count"]
    return sorted(
        kinds.values(), key=lambda kind: (-(kind["READY"] + kind["RUNNING"]), kind["task"])
    )


RATE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class QueueProgress:
    """The queue as the progress command and the admin's queue view show it."""

    kinds: list[dict[str, Any]]
    done: int
    left: int
    per_second: float  # tasks finished over the last RATE_WINDOW

    @property
    def seconds_left(self) -> int | None:
        return round(self.left / self.per_second) if self.per_second and self.left else None


def queue_progress() -> QueueProgress:
    kinds = queue_by_kind()
    recent = DBTaskResult.objects.filter(finished_at__gte=timezone.now() - RATE_WINDOW).count()
    return QueueProgress(
        kinds=kinds,
        done=sum(kind["SUCCESSFUL"] + kind["FAILED"] for kind in kinds),
        left=sum(kind["READY"] + kind["RUNNING"] for kind in kinds),
        per_second=recent / RATE_WINDOW.total_seconds(),
    )
