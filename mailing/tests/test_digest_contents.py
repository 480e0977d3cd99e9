"""A digest decides its contents when it is built (#15): publishing writes no row for digest
readers, each digest holds exactly the articles matched for the reader since their last one,
and an instant alert still goes once however often its article is matched."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from enrichment.models import ArticleEntity, Entity, Status
from mailing.matching import (
    collect_digest_matches,
    match_article,
    queue_digests,
    queue_instant_alerts,
)
from mailing.models import Delivery, MatchedArticle, PendingMatch, Subscriber
from mailing.services import pause, resume, update_preferences
from mailing.services.choices import Choice
from mailing.tests.test_matching import (
    DAILY,
    INSTANT,
    WEEKLY,
    at,
    diplomacy_article,
    follow,
)
from newsroom.events import article_enriched
from newsroom.models import ArticlePage
from newsroom.tests.factories import ArticlePageFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tags(db):
    return SimpleNamespace(
        diplomacy=TopicFactory(name="Diplomatie"),
        sport=TopicFactory(name="Sport"),
        putin=Entity.objects.create(kind="PER", name="Vladimir Poutine", slug="vladimir-poutine"),
    )


def digest_articles(reader, key=None):
    """The articles in the reader's digest (the one with `key`, or their only one)."""
    digests = Delivery.objects.filter(subscriber=reader, kind__in=["daily", "weekly"])
    digest = digests.get(message_key=key) if key else digests.get()
    return set(digest.matches.values_list("article_id", flat=True))


def test_publishing_writes_rows_for_instant_alerts_only(
    site_tree, tags, clock, settings, django_capture_on_commit_callbacks
):
    settings.MAILING_MATCH_ON_PUBLISH = True
    for number in range(20):
        frequency = DAILY if number % 2 else WEEKLY
        follow(f"digest{number}@example.org", ("topic", tags.diplomacy.pk, frequency))
    alerted = follow("alerte@example.org", ("topic", tags.diplomacy.pk, INSTANT))

    with django_capture_on_commit_callbacks(execute=True):
        article = diplomacy_article(site_tree, tags)

    assert list(PendingMatch.objects.values_list("subscriber", "frequency")) == [
        (alerted.pk, INSTANT)
    ]
    assert MatchedArticle.objects.filter(article=article).count() == 1
    # The digests are decided when they are built: then each carries the article.
    clock.move_to(at(0, 8))
    assert queue_digests(DAILY) == 10
    assert PendingMatch.objects.filter(frequency=DAILY, delivery__isnull=False).count() == 10


def test_a_digest_holds_exactly_the_articles_that_match_its_reader(site_tree, tags, clock):
    reader = follow(
        "diplomatie@example.org",
        ("topic", tags.diplomacy.pk, DAILY),
        ("entity", tags.putin.pk, DAILY),
        ("keywords", "football", INSTANT),  # another frequency: never in the digest
    )
    fan = follow("sport@example.org", ("topic", tags.sport.pk, DAILY))
    diplomacy = diplomacy_article(site_tree, tags)
    tagged = ArticlePageFactory(parent=site_tree.golfe, title="Un entretien au Kremlin")
    ArticleEntity.objects.create(article=tagged, entity=tags.putin, status=Status.ACCEPTED)
    football = ArticlePageFactory(
        parent=site_tree.golfe, topics=[tags.sport], title="La finale de football"
    )
    unmatched = ArticlePageFactory(parent=site_tree.golfe)
    for article in (diplomacy, tagged, football, unmatched):
        match_article(article)

    clock.move_to(at(0, 7))
    assert queue_digests(DAILY) == 2

    assert digest_articles(reader) == {diplomacy.pk, tagged.pk}
    assert digest_articles(fan) == {football.pk}
    reasons = PendingMatch.objects.get(subscriber=reader, article=tagged, frequency=DAILY).reasons
    assert reasons == ["entity:Vladimir Poutine"]


def test_a_digest_takes_only_what_was_matched_since_the_previous_one(site_tree, tags, clock):
    reader = follow("semaine@example.org", ("topic", tags.diplomacy.pk, WEEKLY), digest_hour=8)
    first = diplomacy_article(site_tree, tags)
    match_article(first)
    clock.move_to(at(0, 8))
    assert queue_digests(WEEKLY) == 1

    clock.move_to(at(3, 12))
    second = diplomacy_article(site_tree, tags)
    match_article(second)
    clock.move_to(at(5, 12))
    third = diplomacy_article(site_tree, tags)
    match_article(third)
    clock.move_to(at(7, 8))
    assert queue_digests(WEEKLY) == 1

    assert digest_articles(reader, "weekly:2025-W11") == {first.pk}
    assert digest_articles(reader, "weekly:2025-W12") == {second.pk, third.pk}


def test_an_entity_accepted_later_reaches_its_followers_in_the_next_digest_and_no_one_twice(
    site_tree, tags, clock, django_capture_on_commit_callbacks
):
    early = follow("diplomatie@example.org", ("topic", tags.diplomacy.pk, DAILY))
    follower = follow("poutine@example.org", ("entity", tags.putin.pk, DAILY))
    article = diplomacy_article(site_tree, tags)
    match_article(article)
    clock.move_to(at(0, 7))
    assert queue_digests(DAILY) == 1
    assert digest_articles(early) == {article.pk}

    # An editor accepts the entity: the article is matched again (newsroom's event).
    clock.move_to(at(0, 10))
    ArticleEntity.objects.create(article=article, entity=tags.putin, status=Status.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        article_enriched.send(
            sender=ArticlePage, instance=article, by_editor=True, entity_accepted=True
        )
    clock.move_to(at(1, 7))
    assert queue_digests(DAILY) == 1

    assert digest_articles(follower) == {article.pk}
    assert Delivery.objects.filter(subscriber=early).count() == 1
    assert PendingMatch.objects.filter(subscriber=early, article=article).count() == 1


def test_a_reader_gets_no_article_matched_before_they_followed_it(site_tree, tags, clock):
    early = follow("tot@example.org", ("topic", tags.diplomacy.pk, DAILY))
    article = diplomacy_article(site_tree, tags)
    match_article(article)
    clock.move_to(at(0, 6, 30))
    late = follow("tard@example.org", ("topic", tags.diplomacy.pk, DAILY))

    clock.move_to(at(0, 7))
    assert queue_digests(DAILY) == 1
    assert digest_articles(early) == {article.pk}
    assert not Delivery.objects.filter(subscriber=late).exists()
    late.refresh_from_db()
    assert late.last_daily_digest_at is not None  # that day's digest is over for them


def test_an_article_matched_before_a_readers_last_digest_is_not_taken_later(site_tree, tags, clock):
    follower = follow("poutine@example.org", ("entity", tags.putin.pk, DAILY))
    newcomer = follow("nouveau@example.org", ("topic", tags.diplomacy.pk, DAILY))
    article = diplomacy_article(site_tree, tags)
    match_article(article)
    # Tagged later without being matched again: the follower's digest of that day is over.
    ArticleEntity.objects.create(article=article, entity=tags.putin, status=Status.ACCEPTED)

    written = collect_digest_matches(
        DAILY, {follower.pk: at(0, 7), newcomer.pk: None}, now=at(1, 7)
    )

    assert written == 1
    assert list(PendingMatch.objects.values_list("subscriber", "article")) == [
        (newcomer.pk, article.pk)
    ]


def test_what_was_matched_during_a_pause_never_arrives(site_tree, tags, clock):
    follow("toujours@example.org", ("topic", tags.diplomacy.pk, DAILY))
    reader = follow("pause@example.org", ("topic", tags.diplomacy.pk, DAILY))
    reader.confirmed_at = at(-1, 12)
    reader.save()
    clock.move_to(at(0, 6, 10))
    pause(reader)
    article = diplomacy_article(site_tree, tags)
    match_article(article)
    clock.move_to(at(0, 6, 50))
    resume(Subscriber.objects.get(pk=reader.pk))

    clock.move_to(at(0, 7))
    assert queue_digests(DAILY) == 1  # the reader who stayed
    assert not Delivery.objects.filter(subscriber=reader).exists()
    clock.move_to(at(0, 9))
    after = diplomacy_article(site_tree, tags)
    match_article(after)
    clock.move_to(at(1, 7))
    assert queue_digests(DAILY) == 2
    assert digest_articles(reader) == {after.pk}


def test_an_article_unpublished_before_the_digest_is_not_in_it(site_tree, tags, clock):
    reader = follow("matin@example.org", ("topic", tags.diplomacy.pk, DAILY))
    kept = diplomacy_article(site_tree, tags)
    withdrawn = diplomacy_article(site_tree, tags)
    for article in (kept, withdrawn):
        match_article(article)
    withdrawn.unpublish()

    clock.move_to(at(0, 7))
    assert queue_digests(DAILY) == 1
    assert digest_articles(reader) == {kept.pk}


def test_an_instant_alert_goes_once_however_often_its_article_is_matched(
    site_tree, tags, clock, django_capture_on_commit_callbacks
):
    reader = follow(
        "alerte@example.org",
        ("topic", tags.diplomacy.pk, INSTANT),
        ("entity", tags.putin.pk, INSTANT),
    )
    article = diplomacy_article(site_tree, tags)
    assert match_article(article) == 1
    clock.shift(timedelta(minutes=5))
    assert queue_instant_alerts() == 1

    ArticleEntity.objects.create(article=article, entity=tags.putin, status=Status.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        article_enriched.send(
            sender=ArticlePage, instance=article, by_editor=True, entity_accepted=True
        )
    assert match_article(article) == 0
    clock.shift(timedelta(minutes=10))
    assert queue_instant_alerts() == 0

    assert Delivery.objects.filter(subscriber=reader).count() == 1
    assert PendingMatch.objects.filter(subscriber=reader).count() == 1


def test_changing_preferences_keeps_what_the_other_subscriptions_matched(site_tree, tags, clock):
    reader = follow("matin@example.org", ("topic", tags.diplomacy.pk, DAILY))
    article = diplomacy_article(site_tree, tags)
    match_article(article)
    clock.move_to(at(0, 6, 30))
    update_preferences(reader, add=[Choice("entity", str(tags.putin.pk))], frequency=DAILY)

    clock.move_to(at(0, 7))
    assert queue_digests(DAILY) == 1
    assert digest_articles(reader) == {article.pk}
