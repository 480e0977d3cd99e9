"""The pipeline behind an import: ingest N published items, then drain the queue with workers.

Issue #15: a JSON Feed of 1,332 short items ingested with ``--publish`` left 12,793 tasks
(enrichment, search and reference index, matching, related refreshes spawning more) and one
``db_worker`` drained them at about one article per second. This builds a fresh SQLite site
(or a PostgreSQL database with ``--database-url``) for the working tree and, beside it in the
same run, for a baseline revision exported with ``git archive`` (the commit before the task
coalescing, by default); in each it writes a JSON Feed of N French Wikinews texts, runs
``manage.py ingest FEED --publish``, counts the tasks queued by kind, then starts
``--workers`` workers and waits until nothing is ready or running. A tree that has
``manage.py task_workers`` runs its workers forked from one parent that loaded the French
model once; another runs ``--workers`` ``manage.py db_worker`` processes. With ``--running``
the workers start before the ingest and work beside it, as a running site's do.

End to end = ingest + drain: every article enriched, indexed, matched and its related list
stored. The ratio ours / baseline is the figure (the machine is shared and noisy). Beside
the wall-clock figures, the CPU seconds the ingest and the workers used (their rusage) say
the same with less of the noise: another program's load stretches the wall clock, not the
work done.

    .venv/bin/python bench/pipeline.py [--items 300] [--baseline-items N] [--workers 2]
        [--baseline REV | --no-baseline] [--ours REV] [--baseline-first] [--running] [--json]

One run cannot tell a 20 % difference on this shared machine: the same code measured 0.21 to
0.34 CPU-s an article from one run to the next, quiet as the machine was (the CPU time itself
varies, not only the wall clock). Run it several times, in both orders (`--baseline-first`),
with ours from this tree or exported like the baseline (`--ours REV`), and take the median.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from trees import REPO, export

WIKINEWS = REPO.parent / "shared" / "data" / "ner" / "winer_fr_2016_2017.jsonl"
BASELINE = "9e5a818"  # the last commit before issue #15's task coalescing
TASKS_TABLE = "django_tasks_database_dbtaskresult"


def write_feed(path: Path, count: int) -> int:
    """A JSON Feed of `count` short Wikinews items (headline, then the first paragraphs)."""
    items = []
    with WIKINEWS.open(encoding="utf-8") as lines:
        for line in lines:
            if len(items) >= count:
                break
            record = json.loads(line)
            title, _, text = record["text"].partition("\n")
            items.append(
                {
                    "id": record["url"],
                    "url": record["url"],
                    "title": title.strip(),
                    "content_text": text.strip()[:1500],
                    "date_published": "2017-01-02T10:00:00+00:00",
                }
            )
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Bench", "items": items}
    path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    return len(items)


class Site:
    """One tree's fresh site: its own var/ folder and database."""

    def __init__(self, tree: Path, folder: Path, database_url: str | None) -> None:
        self.tree = tree
        folder.mkdir(parents=True, exist_ok=True)
        self.sqlite_path = None if database_url else folder / "bench.sqlite3"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rotative.settings.dev",
            "ROTATIVE_VAR_DIR": str(folder),
            "DATABASE_URL": database_url or f"sqlite:///{self.sqlite_path}",
            "ROTATIVE_ADMIN_PASSWORD": "bench-only-password",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(tree),
        }
        self.database_url = database_url

    def manage(self, *arguments: str) -> str:
        done = subprocess.run(
            [str(REPO / ".venv" / "bin" / "python"), "manage.py", *arguments],
            cwd=self.tree,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(arguments)}: {done.stderr[-2000:]}")
        return done.stdout

    def query(self, sql: str) -> list[tuple]:
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path, timeout=30) as connection:
                return connection.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.database_url) as connection:
            return connection.execute(sql).fetchall()  # type: ignore[arg-type]

    def tasks_by_kind(self, status: str) -> dict[str, int]:
        rows = self.query(
            f"SELECT task_path, COUNT(*) FROM {TASKS_TABLE} "  # noqa: S608 - constants
            f"WHERE status = '{status}' GROUP BY task_path"
        )
        return {path.rsplit(".", 1)[-1]: count for path, count in rows}

    def seconds_by_kind(self) -> dict[str, list]:
        """[tasks run, seconds spent in them] by kind, from the rows' start and end times."""
        if self.sqlite_path is not None:
            spent = "SUM((julianday(finished_at) - julianday(started_at)) * 86400)"
        else:
            spent = "SUM(EXTRACT(EPOCH FROM finished_at - started_at))"
        rows = self.query(
            f"SELECT task_path, COUNT(*), {spent} FROM {TASKS_TABLE} "  # noqa: S608 - constants
            "WHERE finished_at IS NOT NULL GROUP BY task_path"
        )
        return {path.rsplit(".", 1)[-1]: [n, round(float(s or 0), 1)] for path, n, s in rows}

    def unfinished(self) -> int:
        rows = self.query(
            f"SELECT COUNT(*) FROM {TASKS_TABLE} "  # noqa: S608 - constants
            "WHERE status IN ('READY', 'RUNNING')"
        )
        return int(rows[0][0])

    def forks(self) -> bool:
        """Whether the tree has `manage.py task_workers` (workers forked from one parent
        that loaded the French model once)."""
        return (self.tree / "newsroom" / "management" / "commands" / "task_workers.py").exists()

    def start_workers(self, workers: int, forked: bool) -> list[subprocess.Popen]:
        """`workers` db_worker processes, or one task_workers forking them (once "ready")."""
        python = str(REPO / ".venv" / "bin" / "python")
        options = ["--interval", "0.2", "--no-startup-delay", "--no-reload", "-v0"]
        if forked:
            command = [python, "manage.py", "task_workers", "--processes", str(workers)]
            parent = subprocess.Popen(  # noqa: S603
                command + options, cwd=self.tree, env=self.env, stdout=subprocess.PIPE, text=True
            )
            if parent.stdout is None or parent.stdout.readline().strip() != "ready":
                raise RuntimeError("task_workers did not start")
            return [parent]
        command = [python, "manage.py", "db_worker", *options]
        return [
            subprocess.Popen(command, cwd=self.tree, env=self.env)  # noqa: S603
            for _ in range(workers)
        ]

    def wait_drained(self, processes: list[subprocess.Popen]) -> float:
        """The moment (perf_counter) from which nothing was ready or running; then the
        workers are stopped and waited for (their CPU time is then counted)."""
        try:
            quiet_since = None
            while True:
                if any(process.poll() is not None for process in processes):
                    raise RuntimeError("a db_worker stopped")
                if self.unfinished() == 0:
                    quiet_since = quiet_since or time.perf_counter()
                    # Nothing for a whole polling round of the workers: the queue is drained.
                    if time.perf_counter() - quiet_since > 0.6:
                        return quiet_since
                else:
                    quiet_since = None
                time.sleep(0.1)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=60)

    def drain(self, workers: int, forked: bool = False) -> float:
        """Seconds for `workers` started now to leave nothing ready or running."""
        started = time.perf_counter()
        return self.wait_drained(self.start_workers(workers, forked)) - started


def children_cpu_seconds() -> float:
    """User + system seconds of every child process ended and waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pipeline(
    tree: Path, folder: Path, items: int, workers: int, database_url, *, running: bool
) -> dict:
    """One tree's import: `running` starts the workers before the ingest (a running site's
    workers, already warm); else they start once the ingest is done and drain what it left."""
    feed = folder / "feed.json"
    site = Site(tree, folder / "var", database_url)
    site.manage("migrate", "--noinput", "-v0")
    site.manage("setup_newsroom", "--no-demo")
    site.manage(
        "shell", "-c", "from newsroom.demo_content import ensure_site_tree; ensure_site_tree()"
    )
    forked = site.forks()
    site.drain(workers, forked)  # whatever set-up queued, untimed
    count = write_feed(feed, items)
    before = site.query(f"SELECT COUNT(*) FROM {TASKS_TABLE}")[0][0]  # noqa: S608
    cpu_before = children_cpu_seconds()
    processes = site.start_workers(workers, forked) if running else []
    started = time.perf_counter()
    site.manage("ingest", str(feed), "--publish")
    ingest_seconds = time.perf_counter() - started
    ingest_cpu = children_cpu_seconds() - cpu_before
    queued = site.tasks_by_kind("READY")
    if running:
        drain_seconds = site.wait_drained(processes) - started - ingest_seconds
    else:
        drain_seconds = site.drain(workers, forked)  # the workers are waited for
    drain_cpu = children_cpu_seconds() - cpu_before - ingest_cpu
    total = site.query(f"SELECT COUNT(*) FROM {TASKS_TABLE}")[0][0] - before  # noqa: S608
    failed = site.tasks_by_kind("FAILED")
    seconds_by_kind = site.seconds_by_kind()
    live = site.query("SELECT COUNT(*) FROM wagtailcore_page WHERE live AND depth > 3")[0][0]
    with_lists = site.query("SELECT COUNT(DISTINCT article_id) FROM related_relatedarticle")[0][0]
    end_to_end = ingest_seconds + drain_seconds
    return {
        "items": count,
        "workers": workers,
        "workers_command": "task_workers" if forked else "db_worker",
        "started": "before the ingest" if running else "after the ingest",
        "ingest_s": round(ingest_seconds, 1),
        "queued_after_ingest": sum(queued.values()),
        "queued_by_kind": queued,
        "tasks_run": total,
        "failed": failed,
        "run_by_kind_s": seconds_by_kind,
        "drain_s": round(drain_seconds, 1),
        "articles_per_s_end_to_end": round(count / end_to_end, 2),
        "ingest_cpu_s": round(ingest_cpu, 1),
        "drain_cpu_s": round(drain_cpu, 1),
        "cpu_s_per_article": round((ingest_cpu + drain_cpu) / count, 3),
        "live_articles": live,
        "articles_with_related_list": with_lists,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--baseline-items", type=int, help="default: --items")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (else SQLite)")
    parser.add_argument(
        "--running",
        action="store_true",
        help="start the workers before the ingest, as a running site's are (else after it)",
    )
    parser.add_argument(
        "--ours",
        help="a git revision exported for ours too, instead of this working tree",
    )
    parser.add_argument(
        "--baseline-first",
        action="store_true",
        help="run the baseline before ours",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = {"database": "postgresql" if args.database_url else "sqlite"}
    if args.database_url and not args.no_baseline:
        raise SystemExit("--database-url runs ours only (pass --no-baseline)")
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        # An exported tree reads its data (IPTC topics, the gazetteer's sources) from ../shared.
        (Path(tmp) / "shared").symlink_to(REPO.parent / "shared")
        ours = export(args.ours, Path(tmp) / "ours-tree") if args.ours else REPO
        runs = {"ours": (ours, args.items, args.database_url)}
        if not args.no_baseline:
            tree = export(args.baseline, Path(tmp) / "baseline-tree")
            runs["baseline"] = (tree, args.baseline_items or args.items, None)
        order = ["baseline", "ours"] if args.baseline_first else ["ours", "baseline"]
        for name in [name for name in order if name in runs]:
            tree, items, database_url = runs[name]
            report[name] = run_pipeline(
                tree, Path(tmp) / name, items, args.workers, database_url, running=args.running
            )
        report["order"] = [name for name in order if name in runs]
        if not args.no_baseline:
            report["baseline_revision"] = args.baseline
            report["ratio"] = round(
                report["ours"]["articles_per_s_end_to_end"]
                / report["baseline"]["articles_per_s_end_to_end"],
                2,
            )
            report["cpu_ratio"] = round(
                report["baseline"]["cpu_s_per_article"] / report["ours"]["cpu_s_per_article"], 2
            )
    if args.json:
        print(json.dumps(report, indent=2))  # noqa: T201
        return
    print(f"Pipeline behind an import ({report['database']}, JSON Feed of Wikinews items)")  # noqa: T201
    for name in ("ours", "baseline"):
        if name in report:
            figures = report[name]
            print(  # noqa: T201
                f"  {name:8} {figures['items']} items, {figures['workers']} workers "
                f"({figures['workers_command']}, started {figures['started']}): "
                f"ingest {figures['ingest_s']} s, {figures['queued_after_ingest']} tasks queued, "
                f"{figures['tasks_run']} run, drain {figures['drain_s']} s, "
                f"{figures['articles_per_s_end_to_end']} articles/s end to end; "
                f"{figures['live_articles']} live, {figures['articles_with_related_list']} "
                f"with a related list, failed {figures['failed'] or 0}"
            )
            print(  # noqa: T201
                f"           CPU: ingest {figures['ingest_cpu_s']} s, workers "
                f"{figures['drain_cpu_s']} s, {figures['cpu_s_per_article']} s an article"
            )
            print(f"           queued by kind: {figures['queued_by_kind']}")  # noqa: T201
            print(f"           run by kind [n, s]: {figures['run_by_kind_s']}")  # noqa: T201
    if "ratio" in report:
        print(f"  ratio ours / baseline ({report['baseline_revision']}): {report['ratio']}x")  # noqa: T201
        print(f"  CPU an article, baseline / ours: {report['cpu_ratio']}x")  # noqa: T201


if __name__ == "__main__":
    main()
