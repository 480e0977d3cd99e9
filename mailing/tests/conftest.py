"""Fixtures for mailing: the SMTP sink (H3) wired into Django's SMTP backend, and ledger rows."""

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mailing.models import Delivery, PendingMatch, Subscriber
from mailing.tests.smtp_sink import SmtpSink

_numbers = itertools.count(1)

PARIS = ZoneInfo("Europe/Paris")
MONDAY_6AM = datetime(2025, 3, 10, 6, 0, tzinfo=PARIS)  # ISO week 2025-W11


@pytest.fixture
def clock():
    """Time stands at Monday 10 March 2025, 6:00 in Paris, until the traveller moves it."""
    with time_machine.travel(MONDAY_6AM, tick=False) as traveller:
        yield traveller


@pytest.fixture
def smtp_sink(settings):
    """H3: an aiosmtpd server on 127.0.0.1:<free port>; Django's SMTP backend sends to it."""
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.stop()


@pytest.fixture
def https_site(settings):
    """Links in emails as production writes them: absolute and HTTPS."""
    settings.ROTATIVE_BASE_URL = "https://testserver"
    return settings.ROTATIVE_BASE_URL


@pytest.fixture
def make_subscriber(db):
    def make(email=None, status=Subscriber.Status.ACTIVE, **fields):
        email = email or f"lecteur{next(_numbers)}@example.org"
        return Subscriber.objects.create(email=email, status=status, **fields)

    return make


@pytest.fixture
def queue_delivery(db):
    """A queued Delivery; for alerts and digests, `articles` become its PendingMatches."""

    def queue(subscriber, kind=Delivery.Kind.ALERT, *, articles=(), key=None, **fields):
        frequency = {"alert": "instant", "daily": "daily", "weekly": "weekly"}.get(kind)
        key = key or f"{kind}:{subscriber.pk}:{next(_numbers)}"
        delivery = Delivery.objects.create(
            subscriber=subscriber, kind=kind, message_key=key, **fields
        )
        for article in articles:
            PendingMatch.objects.create(
                subscriber=subscriber, article=article, frequency=frequency, delivery=delivery
            )
        return delivery

    return queue


@pytest.fixture
def article(site_tree):
    """A published article with a full dateline: “(Rome, Paris, 19 décembre 2022)”."""
    from newsroom.tests.factories import ArticlePageFactory

    return ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Rome et Paris s’accordent sur le gaz algérien",
        standfirst="Les deux capitales signent un accord d’approvisionnement.",
        dateline_places=["Rome", "Paris"],
        dateline_date=date(2022, 12, 19),
    )


@pytest.fixture
def alerts(make_subscriber, queue_delivery, article):
    """`alerts(n)`: n queued alerts with the same article, to n active subscribers."""

    def make(count, **fields):
        return [
            queue_delivery(make_subscriber(), Delivery.Kind.ALERT, articles=[article], **fields)
            for _ in range(count)
        ]

    return make
