"""The sign-up form tells nobody what we hold for an address: not by answer, not by time.

Issue #12, item 7, and RELIABILITY D24. Timing is not measured (that flakes); instead the
request is shown to do the same work for every kind of address: the same statements on the
same tables, nothing read from the subscribers or the suppression list, no mail sent, one
task queued. What depends on the address runs in that task, after the response.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django_tasks.signals import task_enqueued

from mailing import tasks
from mailing.models import ConsentRecord, Delivery, SignupAttempt, Subscriber, Suppression
from newsroom.restrictions import restricted_paths

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/newsletter/"
ADDRESS = "connue@example.org"
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
KINDS = [
    "new",
    "pending",
    "active",
    "active, nothing new",
    "paused",
    "unsubscribed",
    "bounced",
    "complained",
    "suppressed by hand",
]
IDENTIFIER = re.compile(r'"(\w+)"')
LITERAL = re.compile(r"'(?:[^']|'')*'")


def prepare(kind):
    """An address in the given state; `new` has nothing stored."""
    if kind in {"bounced", "complained", "suppressed by hand"}:
        reason = {"bounced": "bounce", "complained": "complaint"}.get(kind, "manual")
        Suppression.objects.create(email=ADDRESS, reason=reason)
    elif kind != "new":
        status = "active" if kind.startswith("active") else kind
        subscriber = Subscriber.objects.create(email=ADDRESS, status=status)
        if kind == "active, nothing new":
            subscriber.subscriptions.create(kind="newsletter", frequency="daily")
        if kind == "unsubscribed":
            Suppression.objects.create(email=ADDRESS, reason="unsubscribe")


def shape(sql):
    """A statement without its values: its verb and the tables and columns it names."""
    verb = sql.split(None, 1)[0].upper()
    if verb in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
        return (verb,)
    return (verb, *sorted(set(IDENTIFIER.findall(LITERAL.sub("", sql)))))


def comparable(response):
    headers = {k: v for k, v in response.headers.items() if k not in {"Date", "Expires"}}
    return response.status_code, headers, response.content


def sign_up(client, django_capture_on_commit_callbacks):
    """One post, seen from outside: the answer, the statements, the follow-ups queued."""
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=False) as queued,
    ):
        response = client.post(
            SIGNUP_URL,
            {"email": ADDRESS, "newsletter": "daily"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_USER_AGENT="Sonde/1.0",
        )
    return response, [shape(q["sql"]) for q in queries.captured_queries], queued


@pytest.fixture
def new_address_seen_from_outside(client, site_tree, django_capture_on_commit_callbacks):
    # The long-lived keys warm, as on a running site: the first request would otherwise
    # read the restricted paths (`newsroom.restrictions`) and the next ones not.
    restricted_paths()
    with time_machine.travel(NOW, tick=False):
        return sign_up(client, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("kind", KINDS)
def test_the_request_does_the_same_work_whatever_the_address_already_is(
    client, site_tree, django_capture_on_commit_callbacks, new_address_seen_from_outside, kind
):
    reference, reference_queries, _queued = new_address_seen_from_outside
    SignupAttempt.objects.all().delete()
    Subscriber.objects.all().delete()
    prepare(kind)

    with time_machine.travel(NOW, tick=False):
        response, queries, queued = sign_up(client, django_capture_on_commit_callbacks)

    assert comparable(response) == comparable(reference)
    assert response.status_code == 303
    assert queries == reference_queries
    # Nothing the request runs looks at what we hold for the address.
    touched = {name for query in queries for name in query[1:]}
    assert not touched & {"mailing_subscriber", "mailing_suppression", "mailing_delivery"}
    assert len(queued) == 1  # the task, queued once the attempt is committed
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("kind", "consents", "confirmations"),
    [
        ("new", 1, 1),
        ("pending", 1, 1),
        ("active", 1, 1),
        ("active, nothing new", 0, 0),
        ("unsubscribed", 1, 1),
        ("bounced", 0, 0),
        ("complained", 0, 0),
    ],
)
def test_the_task_then_does_what_the_address_calls_for(
    client, site_tree, django_capture_on_commit_callbacks, kind, consents, confirmations
):
    prepare(kind)
    with time_machine.travel(NOW, tick=False):
        _response, _queries, queued = sign_up(client, django_capture_on_commit_callbacks)
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        for callback in queued:
            callback()

    assert ConsentRecord.objects.filter(action="subscribe").count() == consents
    assert Delivery.objects.filter(kind="confirmation").count() == confirmations
    # The proof says when the reader asked, not when the worker got to it.
    assert set(ConsentRecord.objects.values_list("created_at", flat=True)) <= {NOW}
    # What the form asked (IP, user agent) does not linger once applied.
    assert list(SignupAttempt.objects.values_list("pending_request", flat=True)) == [None]


def test_the_task_is_given_an_id_not_the_address(client, site_tree):
    enqueued = []

    def remember(sender, task_result, **kwargs):
        enqueued.append((task_result.task.name, task_result.args, task_result.kwargs))

    task_enqueued.connect(remember)
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(SIGNUP_URL, {"email": ADDRESS, "newsletter": "daily"})
    finally:
        task_enqueued.disconnect(remember)

    attempt = SignupAttempt.objects.get()
    assert enqueued == [("apply_sign_up", [attempt.pk], {})]
    assert Subscriber.objects.get().email == ADDRESS


def test_a_sign_up_applied_twice_is_applied_once(
    client, site_tree, django_capture_on_commit_callbacks
):
    _response, _queries, queued = sign_up(client, django_capture_on_commit_callbacks)
    attempt = SignupAttempt.objects.get()

    for callback in queued:
        callback()
    assert tasks.apply_sign_up.call(attempt.pk) is False

    assert ConsentRecord.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_a_choice_gone_before_the_task_runs_drops_the_request(
    client, site_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(SIGNUP_URL, {"email": ADDRESS, "sections": [site_tree.maghreb.pk]})
    site_tree.maghreb.unpublish()

    for callback in queued:
        callback()

    assert not Subscriber.objects.exists() and not ConsentRecord.objects.exists()
    assert SignupAttempt.objects.get().pending_request is None
