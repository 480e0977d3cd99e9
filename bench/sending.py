"""Sending throughput: our `send_due` path beside a bare smtplib loop, both to a local sink.

Ours — `mailing.sending.send_due(rate_per_second=0)` over N queued alerts: claiming, the
send-time checks (subscriber, suppression list), rendering (edition once, filled per reader),
the ledger writes (claim renewal, Message-ID, outcomes) and one reused SMTP connection.
Baseline — the same N messages rendered beforehand, sent by `smtplib.SMTP.sendmail` in a
loop over one connection: the cost of SMTP itself on loopback. The ratio is the figure.

Both talk to the same sink, in its own processes: by default bench/smtp_sink.py (2 processes
sharing the port, nothing done per message); `--sink aiosmtpd` for aiosmtpd's `Sink`, whose
parsing was the limit of both sides before. Each database runs in its own process, one after
the other in the same run (`--databases sqlite,postgres`), `--rounds` times, ours and the
bare loop taking turns so a burst of load on the shared machine hits both; the median of
each is printed, and the median of the per-round ratios. Between rounds the same rows are
put back in the queue. SQLite is a fresh file in a temporary directory; PostgreSQL a fresh
database (`--pg-url`, dropped and created again), so nothing of `var/` is touched.

    .venv/bin/python bench/sending.py [-n 2000] [--rounds 3] [--databases sqlite,postgres]
        [--workers 2] [--mark-batch 20]

`--workers N` also times `manage.py send_deliveries --workers N` (N processes, N connections)
over the same rows once more: end to end (with N Django start-ups) and between the first
and the last `sent_at` (the sending itself).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/sending_bench"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sink(port: int, kind: str = "fast", processes: int = 2) -> subprocess.Popen:
    if kind == "aiosmtpd":
        command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
        command += ["-c", "aiosmtpd.handlers.Sink"]
    else:
        command = [sys.executable, str(REPO / "bench" / "smtp_sink.py"), "--port", str(port)]
        command += ["--processes", str(processes)]
    sink = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return sink
        except OSError:
            time.sleep(0.05)
    sink.kill()
    raise RuntimeError("the SMTP sink did not start")


def fresh_postgres(url: str) -> None:
    """Drop and create the benchmark database named by `url`."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


# The parent: the sink, one child per database, the table -------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="messages per run (default 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per database (default 3)")
    parser.add_argument("--databases", default="sqlite", help="sqlite,postgres (default sqlite)")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="dropped and created again")
    parser.add_argument("--batch-size", type=int, default=500, help="rows claimed per pass")
    parser.add_argument("--mark-batch", type=int, default=None, help="MAILING_MARK_BATCH")
    parser.add_argument("--workers", type=int, default=0, help="also time N worker processes")
    parser.add_argument("--sink", choices=["fast", "aiosmtpd"], default="fast")
    parser.add_argument("--sink-processes", type=int, default=2)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args)))
        return

    port = free_port()
    sink = start_sink(port, args.sink, args.sink_processes)
    results = []
    workdir = Path(tempfile.mkdtemp(prefix="rotative-bench-sending-"))
    try:
        for database in args.databases.split(","):
            if database == "postgres":
                fresh_postgres(args.pg_url)
                url = args.pg_url
            else:
                url = f"sqlite:///{workdir / 'bench.sqlite3'}"
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "bench_settings",
                "PYTHONPATH": os.pathsep.join([str(workdir), str(REPO)]),
                "DATABASE_URL": url,
                "LOG_LEVEL": "WARNING",
            }
            write_settings(workdir, port, args.mark_batch)
            child = [sys.executable, __file__, "--child", "--port", str(port)]
            child += sys.argv[1:]
            out = subprocess.run(child, env=env, check=True, capture_output=True, text=True)  # noqa: S603
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        sink.terminate()
        sink.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    report(args, results)


def write_settings(workdir: Path, port: int, mark_batch: int | None) -> None:
    text = (
        "from rotative.settings.test import *  # noqa: F403\n"
        'EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"\n'
        f'EMAIL_HOST, EMAIL_PORT = "127.0.0.1", {port}\n'
    )
    if mark_batch is not None:
        text += f"MAILING_MARK_BATCH = {mark_batch}\n"
    (workdir / "bench_settings.py").write_text(text)


def report(args, results: list[dict]) -> None:
    first = results[0]
    print(
        f"N = {args.n} messages, {first['size'] / 1024:.1f} KiB each (alert, text + MJML HTML), "
        f"{args.rounds} rounds, sink: {args.sink}"
        + (f" x{args.sink_processes}" if args.sink == "fast" else "")
        + f", claims of {args.batch_size}, mark batch {first['mark_batch']}"
    )
    header = f"{'database':<10} {'send_due msg/s':>15} {'bare smtplib':>13} {'ratio':>7}"
    if args.workers:
        header += f" {'--workers ' + str(args.workers):>14} {'ratio':>7} {'end to end':>11}"
    print(header)
    for result in results:
        line = (
            f"{result['database']:<10} {result['ours']:>15.1f} {result['bare']:>13.1f}"
            f" {result['ratio']:>7.3f}"
        )
        if args.workers:
            line += (
                f" {result['workers']:>14.1f} {result['workers'] / result['bare']:>7.3f}"
                f" {result['workers_end_to_end']:>11.1f}"
            )
        print(line)
        rounds = ", ".join(f"{ours:.0f}/{bare:.0f}" for ours, bare in result["rounds"])
        print(f"{'':<10} rounds (ours/bare msg/s): {rounds}")


# The child: one database, its rounds ----------------------------------------------------------


def build_site_and_queue(count: int):
    """A site with one article, and `count` active readers with one queued alert each."""
    from wagtail.models import Locale, Page, Site

    from mailing.models import Delivery, PendingMatch, Subscriber
    from newsroom.tests.factories import (
        ArticlePageFactory,
        HomePageFactory,
        SectionPageFactory,
    )

    Locale.objects.get_or_create(language_code="fr")
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    section = SectionPageFactory(parent=home, title="Maghreb", slug="maghreb")
    article = ArticlePageFactory(
        parent=section,
        title="Rome et Paris s’accordent sur le gaz algérien",
        dateline_places=["Rome", "Paris"],
    )
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"lecteur{n}@example.org", status=Subscriber.Status.ACTIVE)
        for n in range(count)
    )
    deliveries = Delivery.objects.bulk_create(
        Delivery(subscriber=s, kind=Delivery.Kind.ALERT, message_key=f"alert:{s.pk}")
        for s in subscribers
    )
    PendingMatch.objects.bulk_create(
        PendingMatch(subscriber=d.subscriber, article=article, frequency="instant", delivery=d)
        for d in deliveries
    )
    return deliveries


def requeue() -> None:
    """Every row back in the queue, as if never sent (its Message-ID kept)."""
    from django.utils import timezone

    from mailing.models import Delivery

    Delivery.objects.update(
        status=Delivery.Status.QUEUED,
        claimed_by="",
        claimed_at=None,
        attempts=0,
        sent_at=None,
        not_before=timezone.now(),
    )


def bare_loop(port: int, raw: list) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, recipients, data in raw:
            smtp.sendmail(sender, recipients, data)
    return time.perf_counter() - started


def measure(args) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from mailing.models import Delivery
    from mailing.rendering import ArticleCache, render_delivery
    from mailing.sending import DEFAULT_MARK_BATCH, send_due, setting

    call_command("migrate", verbosity=0)
    deliveries = build_site_and_queue(args.n)
    rows = Delivery.objects.select_related("subscriber").filter(pk__in=[d.pk for d in deliveries])
    articles = ArticleCache()
    messages = [render_delivery(row, articles=articles) for row in rows]
    raw = [(m.from_email, m.to, m.message().as_bytes(linesep="\r\n")) for m in messages]

    def ours() -> float:
        requeue()
        started = time.perf_counter()
        report = send_due(batch_size=args.batch_size, rate_per_second=0)
        sent = report.sent
        while report.claimed:
            report = send_due(batch_size=args.batch_size, rate_per_second=0)
            sent += report.sent
        seconds = time.perf_counter() - started
        assert sent == args.n, (sent, report)
        return seconds

    rounds = []
    for number in range(args.rounds):
        if number % 2:  # take turns at going first
            bare = bare_loop(args.port, raw)
            mine = ours()
        else:
            mine = ours()
            bare = bare_loop(args.port, raw)
        rounds.append((args.n / mine, args.n / bare))
    result = {
        "database": connection.vendor,
        "size": sum(len(data) for _sender, _recipients, data in raw) / len(raw),
        "mark_batch": setting("MAILING_MARK_BATCH", DEFAULT_MARK_BATCH),
        "rounds": rounds,
        "ours": statistics.median(ours for ours, _bare in rounds),
        "bare": statistics.median(bare for _ours, bare in rounds),
        "ratio": statistics.median(ours / bare for ours, bare in rounds),
    }
    if args.workers:
        result.update(time_workers(args, settings))
    return result


def time_workers(args, settings) -> dict:
    """`manage.py send_deliveries --workers N` over the same rows put back in the queue."""
    from django.db import connection
    from django.db.models import Max, Min

    from mailing.models import Delivery

    requeue()
    connection.close()
    command = [sys.executable, "manage.py", "send_deliveries", "--rate", "0"]
    command += ["--batch-size", str(args.batch_size), "--workers", str(args.workers)]
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    seconds = time.perf_counter() - started
    sent = Delivery.objects.filter(status=Delivery.Status.SENT)
    assert sent.count() == args.n, f"{sent.count()} of {args.n} sent by the workers"
    span = sent.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    sending = (span["last"] - span["first"]).total_seconds()
    return {"workers": (args.n - 1) / sending, "workers_end_to_end": args.n / seconds}


if __name__ == "__main__":
    main()
