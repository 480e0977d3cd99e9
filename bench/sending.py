"""Sending throughput: our `send_due` path beside a bare smtplib loop, both to a local sink.

Ours — `mailing.sending.send_due(rate_per_second=0)` over N queued alerts: claiming, the
send-time checks (subscriber, suppression list), rendering (Django templates + MJML), the
ledger writes (claim renewal, Message-ID, outcome) and one reused SMTP connection.
Baseline — the same N messages rendered beforehand, sent by `smtplib.SMTP.sendmail` in a
loop over one connection: the cost of SMTP itself on loopback. The ratio is the figure.

The sink is aiosmtpd's discarding `Sink` handler in its own process (it must not compete
with the sender for the GIL). The database is a fresh, migrated SQLite file in a temporary
directory, so nothing of `var/` is touched.

    .venv/bin/python bench/sending.py [-n 500]
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
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
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
    finally:
        sink.terminate()
        sink.wait()

    size = sum(len(data) for _sender, _recipients, data in raw) / len(raw)
    print(f"N = {args.n} messages, {size / 1024:.1f} KiB each (alert, text + MJML HTML)")
    print(f"send_due (render + ledger + one connection): {args.n / ours:8.1f} msg/s")
    print(f"bare smtplib loop, pre-rendered, one conn.:  {args.n / bare:8.1f} msg/s")
    print(f"ratio send_due / bare smtplib:               {bare / ours:8.3f}")
    print(
        f"of which rendering alone (templates + MJML): {rendering / args.n * 1000:.2f} ms/msg; "
        f"SMTP alone {bare / args.n * 1000:.2f} ms/msg; send_due {ours / args.n * 1000:.2f} ms/msg"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
