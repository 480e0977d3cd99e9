"""Recording sent messages a few at a time, and what it bounds (issue #15, RELIABILITY 13).

A pass records the messages the server accepted MAILING_MARK_BATCH at a time, in one commit:
between two records, the accepted messages are the worker's in-flight window, what a kill
could make it send twice. These tests watch the ledger between messages (`should_stop` is
asked before each one) against the real H3 sink.
"""

import pytest
from django.db import connection

from mailing import claims
from mailing.claims import quick_commits
from mailing.models import Delivery
from mailing.sending import send_due


def sent_before_each_message(monkeypatch, settings, batch, **pass_options):
    """Run one pass; the number of rows marked sent each time a message was about to go."""
    settings.MAILING_MARK_BATCH = batch
    seen = []

    def watch():
        seen.append(Delivery.objects.filter(status=Delivery.Status.SENT).count())
        return False

    report = send_due(rate_per_second=0, worker_id="w", should_stop=watch, **pass_options)
    return report, seen


def test_sent_messages_are_recorded_a_batch_at_a_time(alerts, smtp_sink, settings, monkeypatch):
    monkeypatch.setattr(claims, "MARK_AT_LEAST_EVERY", 3600)  # only the count decides
    alerts(8)

    report, seen = sent_before_each_message(monkeypatch, settings, batch=3)

    # Before message k, the first 3 * (k // 3) are recorded: never more than 2 accepted
    # messages wait for their record, plus the one about to go.
    assert seen[:8] == [0, 0, 0, 3, 3, 3, 6, 6]
    assert report.sent == 8
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 8
    assert len(smtp_sink.messages) == 8


def test_a_batch_of_one_records_each_message_before_the_next(
    alerts, smtp_sink, settings, monkeypatch
):
    alerts(4)

    _report, seen = sent_before_each_message(monkeypatch, settings, batch=1)

    assert seen[:4] == [0, 1, 2, 3]


def test_an_accepted_message_waits_at_most_the_time_bound(alerts, smtp_sink, settings, monkeypatch):
    monkeypatch.setattr(claims, "MARK_AT_LEAST_EVERY", 0)  # a slow send: every wait is too long
    alerts(4)

    _report, seen = sent_before_each_message(monkeypatch, settings, batch=100)

    assert seen[:4] == [0, 1, 2, 3]


def test_stopping_records_what_was_sent_and_gives_back_the_rest(
    alerts, smtp_sink, settings, monkeypatch
):
    monkeypatch.setattr(claims, "MARK_AT_LEAST_EVERY", 3600)
    deliveries = alerts(6)
    settings.MAILING_MARK_BATCH = 100
    asked = []

    def stop_after_four():
        asked.append(True)
        return len(asked) > 4

    report = send_due(rate_per_second=0, worker_id="w", should_stop=stop_after_four)

    statuses = [Delivery.objects.get(pk=delivery.pk).status for delivery in deliveries]
    assert statuses == ["sent"] * 4 + ["queued"] * 2
    assert (report.sent, report.released) == (4, 2)


def test_a_row_taken_over_before_its_record_is_counted_lost_not_sent(
    alerts, smtp_sink, settings, monkeypatch
):
    monkeypatch.setattr(claims, "MARK_AT_LEAST_EVERY", 3600)
    deliveries = alerts(3)
    settings.MAILING_MARK_BATCH = 100
    asked = []

    def take_over_the_first_once_sent():
        asked.append(True)
        if len(asked) == 2:  # the first message went, and is not recorded yet
            Delivery.objects.filter(pk=deliveries[0].pk).update(claimed_by="someone-else")
        return False

    report = send_due(rate_per_second=0, worker_id="w", should_stop=take_over_the_first_once_sent)

    assert (report.sent, report.lost_claims) == (2, 1)
    first = Delivery.objects.get(pk=deliveries[0].pk)
    assert (first.status, first.claimed_by) == ("sending", "someone-else")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
@pytest.mark.parametrize(("fast", "expected"), [(False, "on"), (True, "off")])
def test_commits_wait_for_the_disk_unless_fast_commits_are_asked_for(db, settings, fast, expected):
    settings.MAILING_FAST_COMMITS = fast
    with quick_commits(), connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == expected
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
