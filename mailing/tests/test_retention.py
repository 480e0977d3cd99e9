"""Sent matches are forgotten once they can no longer stop a second copy of their article
(#15): the rows do not grow by one per reader per article for ever, and nobody gets an
article twice because its row went."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from enrichment.models import Entity
from mailing.matching import (
    forget_sent_matches,
    match_article,
    queue_digests,
    queue_instant_alerts,
)
from mailing.models import Delivery, PendingMatch
from mailing.tests.test_matching import (
    DAILY,
    INSTANT,
    at,
    diplomacy_article,
    follow,
)
from newsroom.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tags(db):
    return SimpleNamespace(
        diplomacy=TopicFactory(name="Diplomatie"),
        putin=Entity.objects.create(kind="PER", name="Vladimir Poutine", slug="vladimir-poutine"),
    )


@pytest.fixture
def sent(site_tree, tags, clock):
    """One article in a sent alert and a sent daily digest (Monday 7:00)."""
    follow("alerte@example.org", ("topic", tags.diplomacy.pk, INSTANT))
    follow("matin@example.org", ("topic", tags.diplomacy.pk, DAILY))
    article = diplomacy_article(site_tree, tags)
    match_article(article)
    clock.move_to(at(0, 7))
    assert queue_instant_alerts() == 1
    assert queue_digests(DAILY) == 1
    Delivery.objects.update(status=Delivery.Status.SENT)
    return article


def test_sent_matches_are_forgotten_once_no_matching_can_come(sent, clock):
    assert forget_sent_matches(timezone.now()) == 0  # still within the matching window
    clock.move_to(at(2, 5, 59))
    assert forget_sent_matches(timezone.now()) == 0

    clock.move_to(at(2, 6, 1))
    assert forget_sent_matches(timezone.now()) == 2
    assert not PendingMatch.objects.exists()

    # Nothing comes twice: the article is too old to be matched again.
    assert match_article(sent) == 0
    clock.move_to(at(3, 7))
    assert queue_instant_alerts() == 0
    assert queue_digests(DAILY) == 0
    assert Delivery.objects.count() == 2


def test_a_digest_row_stays_until_the_reader_has_had_a_digest_since_the_last_matching(sent, clock):
    clock.move_to(at(0, 10))
    assert match_article(sent) == 0  # matched again after the digest (an editor's change)

    clock.move_to(at(2, 11))
    assert forget_sent_matches(timezone.now()) == 1  # the alert's row only
    assert PendingMatch.objects.get().frequency == DAILY
    assert queue_digests(DAILY) == 0  # it would have been a second copy
    assert forget_sent_matches(timezone.now()) == 1
    assert not PendingMatch.objects.exists()


@pytest.mark.parametrize("status", ["queued", "sending", "failed"])
def test_rows_of_messages_not_over_are_kept(sent, clock, status):
    Delivery.objects.update(status=status)

    clock.move_to(at(5, 12))
    assert forget_sent_matches(timezone.now()) == 0
    assert PendingMatch.objects.count() == 2


def test_the_periodic_command_forgets_sent_matches(sent, clock):
    from io import StringIO

    from django.core.management import call_command

    clock.move_to(at(2, 7))
    out = StringIO()
    call_command("queue_digests", "--dry-run", stdout=out)
    assert "would forget 2 sent matches" in out.getvalue()
    assert PendingMatch.objects.count() == 2
    call_command("queue_digests", "-v0")
    assert not PendingMatch.objects.exists()
    clock.shift(timedelta(days=1))
    assert queue_digests(DAILY) == 0
