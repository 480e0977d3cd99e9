"""`manage.py task_workers --processes N [db_worker's options]`: N task workers forked
from one process that loaded the French model once (`newsroom.task_workers`).

Why (issue #15): N `db_worker`s each load and keep their own copy of the model. This runs
django-tasks-db's own worker loop in each child, with `db_worker`'s options; it prints
"ready" once the workers are started.
"""

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from newsroom.task_workers import run_forked


class Command(DbWorkerCommand):
    help = "Run N database task workers forked from one process that loaded the model once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--processes", type=int, default=2, help="Workers (default: 2).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        worker_options = {
            "queue_names": options["queue_name"].split(","),
            "interval": options["interval"],
            "batch": options["batch"],
            "backend_name": options["backend_name"],
            "startup_delay": options["startup_delay"],
            "max_tasks": options["max_tasks"],
        }

        def ready() -> None:
            self.stdout.write("ready")
            self.stdout.flush()

        codes = run_forked(max(1, options["processes"]), worker_options, ready=ready)
        failed = [code for code in codes.values() if code not in (0, -15)]
        if failed:
            raise SystemExit(failed[0] if failed[0] > 0 else 1)
