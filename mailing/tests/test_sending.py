"""Sending the ledger to a real SMTP server (H3): once each, paced, retried, bounced, suppressed."""

import io
import socket
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from mailing.models import Delivery, Subscriber, Suppression
from mailing.sending import RateLimiter, claim_due, retry_delay, send_due
from newsroom.tests.factories import ArticlePageFactory

TEMPORARY = "451 4.3.0 Mailbox busy, try again later"
PERMANENT = "550 5.1.1 No such user here"


def statuses(deliveries):
    return [Delivery.objects.get(pk=delivery.pk).status for delivery in deliveries]


def test_a_batch_goes_over_one_connection_and_every_row_is_marked_sent(alerts, smtp_sink):
    deliveries = alerts(5)

    report = send_due(rate_per_second=0, worker_id="worker-1")

    assert report.sent == 5
    assert smtp_sink.connections == 1
    assert sorted(smtp_sink.recipients()) == sorted(d.subscriber.email for d in deliveries)
    for delivery in Delivery.objects.filter(pk__in=[d.pk for d in deliveries]):
        assert delivery.status == Delivery.Status.SENT
        assert delivery.sent_at is not None
        assert delivery.attempts == 1
        assert delivery.claimed_by == "worker-1"
        assert delivery.message_id in {m.message_id for m in smtp_sink.messages}


def test_sending_again_sends_nothing_twice(alerts, smtp_sink):
    alerts(3)
    send_due(rate_per_second=0)

    report = send_due(rate_per_second=0)

    assert report.claimed == 0
    assert len(smtp_sink.messages) == 3
    assert set(smtp_sink.recipients().values()) == {1}


def test_batch_size_bounds_one_pass(alerts, smtp_sink):
    alerts(5)

    assert send_due(batch_size=2, rate_per_second=0).sent == 2
    assert send_due(batch_size=2, rate_per_second=0).sent == 2
    assert send_due(batch_size=2, rate_per_second=0).sent == 1
    assert len(smtp_sink.messages) == 5


def test_rate_limit_holds_in_every_window_at_the_server(alerts, smtp_sink):
    rate = 20
    alerts(6)

    send_due(rate_per_second=rate)

    arrivals = sorted(message.received_at for message in smtp_sink.messages)
    assert len(arrivals) == 6
    # Starts are paced 1/rate apart; arrivals may jitter by the time one message takes.
    jitter = 0.02
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert min(gaps) >= 1 / rate - jitter
    assert arrivals[-1] - arrivals[0] >= 5 / rate - jitter


def test_rate_limiter_allows_at_most_rate_sends_in_any_one_second_window():
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(200):
        limiter.wait()
        starts.append(clock())
        clock.sleep(0.013)  # the send itself

    for index, start in enumerate(starts):
        # (less a nanosecond: the sum of float intervals lands a hair short of 1.0)
        in_window = [other for other in starts[index:] if other < start + 1.0 - 1e-9]
        assert len(in_window) <= 10
    assert starts[-1] - starts[0] >= 199 / 10 - 1e-9


def test_rate_zero_means_unlimited():
    clock = FakeClock()
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)
    for _ in range(100):
        limiter.wait()
    assert clock() == 0


def test_a_temporary_failure_is_retried_after_a_growing_backoff(alerts, smtp_sink):
    [delivery] = alerts(1)
    address = delivery.subscriber.email
    smtp_sink.fail(address, TEMPORARY, times=1)

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        report = send_due(rate_per_second=0)
        delivery.refresh_from_db()
        assert report.retried == 1
        assert delivery.status == Delivery.Status.QUEUED
        assert delivery.attempts == 1
        assert delivery.not_before == timezone.now() + timedelta(minutes=1)
        assert "451" in delivery.last_error

        traveller.shift(timedelta(seconds=59))
        assert send_due(rate_per_second=0).claimed == 0

        traveller.shift(timedelta(seconds=2))
        assert send_due(rate_per_second=0).sent == 1

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 2
    assert len(smtp_sink.to(address)) == 1


def test_repeated_temporary_failures_give_up_after_five_attempts(alerts, smtp_sink):
    [delivery] = alerts(1)
    smtp_sink.fail(delivery.subscriber.email, "421 4.7.0 Too many connections")
    delays = []

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            send_due(rate_per_second=0)
            delivery.refresh_from_db()
            if delivery.status == Delivery.Status.QUEUED:
                delays.append(delivery.not_before - timezone.now())
                traveller.move_to(delivery.not_before)

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 5
    assert delays == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8)]
    assert smtp_sink.messages == []


def test_a_server_refusing_everything_pauses_the_pass_without_burning_attempts(alerts, smtp_sink):
    deliveries = alerts(8)
    for delivery in deliveries:
        smtp_sink.fail(delivery.subscriber.email, "451 4.7.1 Sending rate exceeded")

    with time_machine.travel(timezone.now(), tick=False):
        report = send_due(rate_per_second=0)
        now = timezone.now()

    assert (report.retried, report.released) == (5, 3)
    assert report.server_error == "5 temporary failures in a row"
    untouched = Delivery.objects.filter(attempts=0)
    assert untouched.count() == 3
    assert {d.status for d in untouched} == {Delivery.Status.QUEUED}
    assert {d.not_before for d in untouched} == {now + timedelta(minutes=1)}


def test_backoff_is_capped_at_six_hours():
    assert retry_delay(1) == timedelta(minutes=1)
    assert retry_delay(4) == timedelta(minutes=8)
    assert retry_delay(20) == timedelta(hours=6)


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_a_permanent_refusal_bounces_suppresses_and_is_never_retried(stage, alerts, smtp_sink):
    refused, accepted = alerts(2)
    address = refused.subscriber.email
    smtp_sink.fail(address, PERMANENT, stage=stage)

    report = send_due(rate_per_second=0)

    assert report.bounced == 1
    assert report.sent == 1
    refused.refresh_from_db()
    assert refused.status == Delivery.Status.BOUNCED
    assert "550" in refused.last_error
    suppression = Suppression.objects.get(email=address)
    assert suppression.reason == Suppression.Reason.BOUNCE
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert send_due(rate_per_second=0).claimed == 0
    assert smtp_sink.to(address) == []
    assert len(smtp_sink.to(accepted.subscriber.email)) == 1


def test_a_bounced_address_gets_no_later_mail(alerts, queue_delivery, site_tree, smtp_sink):
    [first] = alerts(1)
    smtp_sink.fail(first.subscriber.email, PERMANENT, times=1)
    send_due(rate_per_second=0)

    newer = ArticlePageFactory(parent=site_tree.golfe)
    later = queue_delivery(first.subscriber, Delivery.Kind.DAILY, articles=[newer])
    send_due(rate_per_second=0)

    later.refresh_from_db()
    assert later.status == Delivery.Status.SUPPRESSED
    assert smtp_sink.messages == []


@pytest.mark.parametrize("reason", list(Suppression.Reason))
def test_a_suppressed_address_is_never_sent_list_mail(reason, alerts, smtp_sink):
    [delivery] = alerts(1)
    Suppression.objects.create(email=delivery.subscriber.email.upper(), reason=reason)
    Suppression.objects.create(email=delivery.subscriber.email, reason=reason)

    report = send_due(rate_per_second=0)

    assert report.suppressed == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUPPRESSED
    assert "suppressed" in delivery.last_error
    assert smtp_sink.messages == []


@pytest.mark.parametrize(
    "status",
    [Subscriber.Status.PAUSED, Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.PENDING],
)
def test_alerts_to_a_subscriber_who_is_not_active_are_suppressed(status, alerts, smtp_sink):
    [delivery] = alerts(1)
    # The reader pauses after the alert was queued: checked again at send time.
    Subscriber.objects.filter(pk=delivery.subscriber_id).update(status=status)

    send_due(rate_per_second=0)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUPPRESSED
    assert status in delivery.last_error
    assert smtp_sink.messages == []


def test_confirmation_goes_to_pending_readers_only(make_subscriber, queue_delivery, smtp_sink):
    pending = queue_delivery(
        make_subscriber(status=Subscriber.Status.PENDING), Delivery.Kind.CONFIRMATION
    )
    already = queue_delivery(
        make_subscriber(status=Subscriber.Status.ACTIVE), Delivery.Kind.CONFIRMATION
    )

    send_due(rate_per_second=0)

    assert statuses([pending, already]) == [Delivery.Status.SENT, Delivery.Status.SUPPRESSED]
    assert list(smtp_sink.recipients()) == [pending.subscriber.email]
    pending.subscriber.refresh_from_db()
    assert pending.subscriber.confirmation_sent_at is not None


def test_confirmation_after_an_unsubscribe_is_sent_but_not_after_a_bounce(
    make_subscriber, queue_delivery, smtp_sink
):
    came_back, bounced = (
        queue_delivery(
            make_subscriber(status=Subscriber.Status.PENDING), Delivery.Kind.CONFIRMATION
        )
        for _ in range(2)
    )
    Suppression.objects.create(
        email=came_back.subscriber.email, reason=Suppression.Reason.UNSUBSCRIBE
    )
    Suppression.objects.create(email=bounced.subscriber.email, reason=Suppression.Reason.BOUNCE)

    send_due(rate_per_second=0)

    assert statuses([came_back, bounced]) == [Delivery.Status.SENT, Delivery.Status.SUPPRESSED]


def test_a_bounce_outranks_an_earlier_unsubscribe(make_subscriber, queue_delivery, smtp_sink):
    delivery = queue_delivery(
        make_subscriber(status=Subscriber.Status.PENDING), Delivery.Kind.CONFIRMATION
    )
    address = delivery.subscriber.email
    Suppression.objects.create(email=address, reason=Suppression.Reason.UNSUBSCRIBE)
    smtp_sink.fail(address, PERMANENT)

    send_due(rate_per_second=0)

    assert Suppression.objects.get(email=address).reason == Suppression.Reason.BOUNCE


def test_an_alert_whose_articles_were_all_unpublished_is_not_sent(alerts, article, smtp_sink):
    [delivery] = alerts(1)
    article.unpublish()

    send_due(rate_per_second=0)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUPPRESSED
    assert smtp_sink.messages == []


def test_a_connection_dropped_after_data_loses_nothing_and_resends_the_same_message_id(
    alerts, smtp_sink
):
    deliveries = alerts(5)
    dropped = deliveries[2]
    smtp_sink.drop_after_data(dropped.subscriber.email, times=1)

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        report = send_due(rate_per_second=0)
        assert (report.sent, report.retried) == (4, 1)
        assert smtp_sink.connections == 2  # reconnected for the rest of the batch
        dropped.refresh_from_db()
        assert dropped.status == Delivery.Status.QUEUED

        traveller.shift(timedelta(minutes=1))
        assert send_due(rate_per_second=0).sent == 1

    assert set(statuses(deliveries)) == {Delivery.Status.SENT}
    counts = smtp_sink.recipients()
    assert all(counts[d.subscriber.email] == 1 for d in deliveries if d != dropped)
    # The server had stored the first copy: the resend is a duplicate a receiver can spot.
    copies = smtp_sink.to(dropped.subscriber.email)
    assert len(copies) == 2
    assert (
        copies[0].message_id
        == copies[1].message_id
        == Delivery.objects.get(pk=dropped.pk).message_id
    )


def test_a_421_closing_the_connection_mid_batch_reconnects_for_the_rest(alerts, smtp_sink):
    deliveries = alerts(4)
    smtp_sink.fail(deliveries[1].subscriber.email, "421 4.3.2 Shutting down", times=1)

    report = send_due(rate_per_second=0)

    assert (report.sent, report.retried) == (3, 1)
    assert smtp_sink.connections == 2


def test_an_unreachable_server_releases_the_batch_without_counting_attempts(alerts, settings):
    deliveries = alerts(3)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()

    with time_machine.travel(timezone.now(), tick=False):
        report = send_due(rate_per_second=0)
        now = timezone.now()

    assert report.server_error
    assert report.released == 3
    for delivery in Delivery.objects.filter(pk__in=[d.pk for d in deliveries]):
        assert delivery.status == Delivery.Status.QUEUED
        assert delivery.attempts == 0
        assert delivery.not_before == now + timedelta(minutes=1)


def test_a_row_left_sending_by_a_dead_worker_is_taken_over_after_the_lease(alerts, smtp_sink):
    stale, fresh = alerts(2)
    long_ago = timezone.now() - timedelta(minutes=11)
    Delivery.objects.filter(pk=stale.pk).update(
        status=Delivery.Status.SENDING, claimed_by="dead", claimed_at=long_ago
    )
    Delivery.objects.filter(pk=fresh.pk).update(
        status=Delivery.Status.SENDING, claimed_by="alive", claimed_at=timezone.now()
    )

    report = send_due(rate_per_second=0)

    assert report.sent == 1
    assert statuses([stale, fresh]) == [Delivery.Status.SENT, Delivery.Status.SENDING]
    assert list(smtp_sink.recipients()) == [stale.subscriber.email]


def test_a_claim_taken_over_by_another_worker_is_not_sent_by_the_first(alerts, smtp_sink):
    deliveries = alerts(2)
    now = timezone.now()
    Delivery.objects.update(not_before=now - timedelta(hours=1))
    claimed = claim_due(worker_id="slow", batch_size=10, now=now - timedelta(minutes=11))
    assert len(claimed) == 2
    # The slow worker's lease ran out; a second worker took both rows and sent them.
    assert send_due(rate_per_second=0, worker_id="second", now=now).sent == 2

    assert claim_due(worker_id="slow", batch_size=10, now=now) == []
    assert len(smtp_sink.messages) == 2
    assert {d.claimed_by for d in Delivery.objects.filter(pk__in=[d.pk for d in deliveries])} == {
        "second"
    }


def test_stopping_gives_back_the_rows_not_started(alerts, smtp_sink):
    deliveries = alerts(5)

    report = send_due(rate_per_second=0, should_stop=lambda: len(smtp_sink.messages) >= 2)

    sent = [d for d in deliveries if Delivery.objects.get(pk=d.pk).status == "sent"]
    assert (report.sent, report.released) == (2, 3)
    assert len(sent) == 2
    queued = Delivery.objects.filter(status=Delivery.Status.QUEUED)
    assert queued.count() == 3
    assert {d.attempts for d in queued} == {0}
    assert {d.claimed_by for d in queued} == {""}


def test_provider_message_id_is_recorded_from_anymail(alerts, settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    [delivery] = alerts(1)

    assert send_due(rate_per_second=0).sent == 1

    delivery.refresh_from_db()
    assert delivery.provider_message_id == "0"


def test_the_command_sends_one_pass_and_reports_it(alerts, smtp_sink):
    alerts(3)
    output = io.StringIO()

    call_command("send_deliveries", "--dry-run", stdout=output)
    assert "3 deliveries due" in output.getvalue()
    assert smtp_sink.messages == []

    call_command("send_deliveries", "--rate", "0", "--batch-size", "2", stdout=output)
    assert "sent 2" in output.getvalue()
    assert len(smtp_sink.messages) == 2


def test_the_command_refuses_nonsense_arguments(db):
    with pytest.raises(CommandError):
        call_command("send_deliveries", "--batch-size", "0")
    with pytest.raises(CommandError):
        call_command("send_deliveries", "--rate", "-1")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs SELECT … FOR UPDATE SKIP LOCKED"
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_send_a_row_twice(alerts, smtp_sink):
    deliveries = alerts(40)
    reports = []
    errors = []

    def work(name):
        try:
            while True:
                report = send_due(batch_size=3, rate_per_second=0, worker_id=name)
                reports.append(report)
                if not report.claimed:
                    return
        except Exception as error:  # noqa: BLE001 - reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(smtp_sink.messages) == 40
    assert set(smtp_sink.recipients().values()) == {1}
    assert set(statuses(deliveries)) == {Delivery.Status.SENT}
    assert sum(report.sent for report in reports) == 40
    assert {report.worker_id for report in reports if report.sent} == {"worker-0", "worker-1"}


def closed_port():
    """A loopback port nothing listens on (the system gave it, then it was closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.now += seconds
