"""Sending throughput: our `send_due` path beside a bare smtplib loop, both to a local sink.

Ours — `mailing.sending.send_due(rate_per_second=0)` over N queued alerts: claiming, the
send-time checks (subscriber, suppression list), rendering (Django templates + MJML), the
ledger writes (claim renewal, Message-ID, outcome) and one reused SMTP connection.
Baseline — the same N messages rendered beforehand, sent by `smtplib.SMTP.sendmail` in a
loop over one connection: the cost of SMTP itself on loopback. The ratio is the figure.

The sink is aiosmtpd's discarding `Sink` handler in its own process (it must not compete
with the sender for the GIL). The database is a fresh, migrated SQLite file in a temporary
directory, so nothing of `var/` is touched.

    .venv/bin/python bench/sending.py [-n 500] [--workers N]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<fresh db> \
        .venv/bin/python bench/sending.py

`--workers N` also times `manage.py send_deliveries --workers N` (N processes, N connections)
over a second queue of N messages. BENCH_DATABASE_URL names an empty database to use instead
of SQLite (its tables are created, and the rows left there).
"""

from __future__ import annotations

import argparse
import os
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="rotative-bench-sending-"))

sys.path.insert(0, str(REPO))
os.environ["DJANGO_SETTINGS_MODULE"] = "rotative.settings.test"
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
)
os.environ.setdefault("LOG_LEVEL", "WARNING")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
        + ["-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return sink
        except OSError:
            time.sleep(0.05)
    sink.kill()
    raise RuntimeError("the SMTP sink did not start")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=500, help="messages per run (default 500)")
    parser.add_argument("--workers", type=int, default=0, help="also time N worker processes")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from mailing.models import Delivery
    from mailing.rendering import ArticleCache, render_delivery
    from mailing.sending import send_due

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    deliveries = build_site_and_queue(args.n)
    print(f"setup (migrate + {args.n} deliveries): {time.perf_counter() - started:.1f} s")

    port = free_port()
    sink = start_sink(port)
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port

        started = time.perf_counter()
        report = send_due(batch_size=args.n, rate_per_second=0)
        ours = time.perf_counter() - started
        assert report.sent == args.n, report

        rows = Delivery.objects.select_related("subscriber").filter(
            pk__in=[d.pk for d in deliveries]
        )
        started = time.perf_counter()
        articles = ArticleCache()
        messages = [render_delivery(row, articles=articles) for row in rows]
        rendering = time.perf_counter() - started
        raw = [(m.from_email, m.to, m.message().as_bytes(linesep="\r\n")) for m in messages]

        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for sender, recipients, data in raw:
                smtp.sendmail(sender, recipients, data)
        bare = time.perf_counter() - started
        workers = time_workers(args.workers, args.n, port) if args.workers else None
    finally:
        sink.terminate()
        sink.wait()

    size = sum(len(data) for _sender, _recipients, data in raw) / len(raw)
    print(f"N = {args.n} messages, {size / 1024:.1f} KiB each (alert, text + MJML HTML)")
    print(f"send_due (render + ledger + one connection): {args.n / ours:8.1f} msg/s")
    print(f"bare smtplib loop, pre-rendered, one conn.:  {args.n / bare:8.1f} msg/s")
    print(f"ratio send_due / bare smtplib:               {bare / ours:8.3f}")
    if workers is not None:
        print(f"send_deliveries --workers {args.workers}:           {args.n / workers:8.1f} msg/s")
        print(f"ratio workers / bare smtplib:                {bare / workers:8.3f}")
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(
        f"of which rendering alone (templates + MJML): {rendering / args.n * 1000:.2f} ms/msg; "
        f"SMTP alone {bare / args.n * 1000:.2f} ms/msg; send_due {ours / args.n * 1000:.2f} ms/msg"
    )


def time_workers(count: int, n: int, port: int) -> float:
    """Seconds `manage.py send_deliveries --workers count` takes over n fresh queued alerts."""
    from django.db import connection

    from mailing.models import Delivery, PendingMatch, Subscriber

    match = PendingMatch.objects.first()
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"lectrice{k}@example.org", status=Subscriber.Status.ACTIVE)
        for k in range(n)
    )
    deliveries = Delivery.objects.bulk_create(
        Delivery(subscriber=s, kind=Delivery.Kind.ALERT, message_key=f"w:{s.pk}")
        for s in subscribers
    )
    PendingMatch.objects.bulk_create(
        PendingMatch(
            subscriber=d.subscriber, article_id=match.article_id, delivery=d, frequency="instant"
        )
        for d in deliveries
    )
    connection.close()
    (WORKDIR / "bench_settings.py").write_text(
        "from rotative.settings.test import *  # noqa: F403\n"
        'EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"\n'
        f'EMAIL_HOST, EMAIL_PORT = "127.0.0.1", {port}\n'
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(WORKDIR), str(REPO)]),
    }
    command = [sys.executable, "manage.py", "send_deliveries", "--rate", "0"]
    command += ["--batch-size", "200", "--workers", str(count)]
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    seconds = time.perf_counter() - started
    sent = Delivery.objects.filter(pk__in=[d.pk for d in deliveries], status="sent").count()
    assert sent == n, f"{sent} of {n} sent by the workers"
    return seconds


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
