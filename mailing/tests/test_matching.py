"""Published articles find their readers through the index; matches become alerts and digests."""

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enrichment.models import ArticleCountry, ArticleEntity, ArticleTopic, Entity, Status
from mailing.matching import (
    article_keys,
    article_profile,
    find_matches,
    index_subscriber,
    match_article,
    queue_digests,
    queue_instant_alerts,
    subscription_keys,
)
from mailing.models import (
    Delivery,
    Frequency,
    PendingMatch,
    Subscriber,
    Subscription,
    SubscriptionKey,
    Suppression,
)
from mailing.tasks import match_published_article, queue_due_messages
from mailing.tests.conftest import MONDAY_6AM
from newsroom.tests.factories import ArticlePageFactory, TopicFactory

pytestmark = pytest.mark.django_db

INSTANT, DAILY, WEEKLY = Frequency.INSTANT, Frequency.DAILY, Frequency.WEEKLY


def at(day_offset, hour, minute=0):
    """A Paris time counted from Monday 10 March 2025."""
    return (MONDAY_6AM + timedelta(days=day_offset)).replace(hour=hour, minute=minute)


@pytest.fixture
def tags(db):
    return SimpleNamespace(
        diplomacy=TopicFactory(name="Diplomatie"),
        sport=TopicFactory(name="Sport"),
        putin=Entity.objects.create(kind="PER", name="Vladimir Poutine", slug="vladimir-poutine"),
    )


def follow(email, *interests, status=Subscriber.Status.ACTIVE, digest_hour=7):
    """A reader with (kind, value, frequency) subscriptions, indexed as the services do."""
    subscriber = Subscriber.objects.create(email=email, status=status, digest_hour=digest_hour)
    for kind, value, frequency in interests:
        Subscription.objects.create(
            subscriber=subscriber, kind=kind, value=str(value), frequency=frequency
        )
    index_subscriber(subscriber)
    return subscriber


@pytest.fixture
def gas_article(site_tree, tags, clock):
    article = ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Le prix plafond du gaz russe divise les Vingt-Sept",
        standfirst="Sanctions : l'Égypte et l'Algérie regardent vers Bruxelles.",
        topics=[tags.diplomacy],
        countries=["EG"],
        body__0__paragraph__value="<p>Vladimir Poutine menace de couper les livraisons.</p>",
    )
    ArticleEntity.objects.create(article=article, entity=tags.putin, status=Status.ACCEPTED)
    return article


@pytest.fixture
def football_article(site_tree, tags, clock):
    return ArticlePageFactory(
        parent=site_tree.golfe,
        title="Le Qatar accueille la finale de football",
        standfirst="Un stade plein pour un match sans enjeu.",
        topics=[tags.sport],
        countries=["QA"],
        body__0__paragraph__value="<p>Les supporters ont chanté toute la nuit.</p>",
    )


def diplomacy_article(site_tree, tags, **fields):
    return ArticlePageFactory(parent=site_tree.maghreb, topics=[tags.diplomacy], **fields)


def reached(article):
    """Who the article reaches, at every frequency, with the reasons: matching's decision
    (digest readers get no row at publication, #15)."""
    return {
        (pk, frequency): reasons
        for pk, frequency, reasons in find_matches(article_profile(article))
    }


# --- The index --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "keys"),
    [
        ("newsletter", "", ["all"]),
        ("section", "12", ["section:12"]),
        ("topic", "3", ["topic:3"]),
        ("country", "eg", ["country:EG"]),
        ("entity", "42", ["entity:42"]),
        ("keywords", "gaz sanctions", ["term:sanction"]),
        ("keywords", "Égypte OR Soudan -football", ["term:egypt", "term:soudan"]),
        ("keywords", "-football", []),
    ],
)
def test_each_subscription_has_its_index_keys(kind, value, keys):
    subscription = Subscription(kind=kind, value=value, frequency=DAILY)

    assert subscription_keys(subscription) == keys


def test_the_index_holds_active_readers_only_and_is_rebuilt_not_appended(tags):
    reader = follow(
        "lectrice@example.org",
        ("topic", tags.diplomacy.pk, INSTANT),
        ("keywords", "gaz OR pétrole", DAILY),
    )
    assert set(SubscriptionKey.objects.values_list("key", "frequency")) == {
        (f"topic:{tags.diplomacy.pk}", INSTANT),
        ("term:gaz", DAILY),
        ("term:petrol", DAILY),
    }
    assert index_subscriber(reader) == 3
    assert SubscriptionKey.objects.count() == 3

    for status in ("pending", "paused", "unsubscribed"):
        reader.status = status
        assert index_subscriber(reader) == 0
        assert not SubscriptionKey.objects.exists()


def test_an_article_carries_its_tagging_accepted_suggestions_and_words(gas_article, tags):
    extra_topic = TopicFactory(name="Énergie")
    rejected_topic = TopicFactory(name="Économie")
    ArticleTopic.objects.create(article=gas_article, topic=extra_topic, status=Status.ACCEPTED)
    ArticleTopic.objects.create(article=gas_article, topic=rejected_topic, status=Status.SUGGESTED)
    ArticleCountry.objects.create(article=gas_article, country="DZ", status=Status.ACCEPTED)
    ArticleCountry.objects.create(article=gas_article, country="RU", status=Status.REJECTED)

    keys = article_keys(gas_article)

    assert {key for key in keys if not key.startswith("term:")} == {
        "all",
        f"section:{gas_article.get_parent().pk}",
        f"topic:{tags.diplomacy.pk}",
        f"topic:{extra_topic.pk}",
        "country:EG",
        "country:DZ",
        f"entity:{tags.putin.pk}",
    }
    assert {"term:gaz", "term:sanction", "term:egypt", "term:poutin"} <= keys


# --- Matching ---------------------------------------------------------------------------------

INTERESTS = {
    "section": lambda site, tags: ("section", site.maghreb.pk),
    "topic": lambda site, tags: ("topic", tags.diplomacy.pk),
    "country": lambda site, tags: ("country", "EG"),
    "entity": lambda site, tags: ("entity", tags.putin.pk),
    "keywords": lambda site, tags: ("keywords", "gaz sanctions"),
}


@pytest.mark.parametrize("interest", INTERESTS.values(), ids=INTERESTS)
def test_each_kind_of_subscription_matches_its_articles_and_no_other(
    site_tree, tags, gas_article, football_article, interest
):
    kind, value = interest(site_tree, tags)
    reader = follow("lectrice@example.org", (kind, value, DAILY))

    assert set(reached(gas_article)) == {(reader.pk, DAILY)}
    assert reached(football_article) == {}


def test_the_newsletter_matches_every_published_article(gas_article, football_article):
    reader = follow("lecteur@example.org", ("newsletter", "", WEEKLY))

    assert set(reached(gas_article)) == {(reader.pk, WEEKLY)}
    assert reached(football_article) == {(reader.pk, WEEKLY): ["newsletter"]}


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ('"prix plafond"', True),
        ('"plafond prix"', False),
        ("pétrole OR gaz", True),
        ("pétrole OR charbon", False),
        ('charbon OR "gaz russe"', True),
        ("gaz -football", True),
        ("gaz -Poutine", False),  # excluded word in the body
        ('gaz -"Vingt-Sept"', False),
        ("egypte", True),  # accents folded
        ("ALGÉRIE Bruxelles", True),
        ("sanction", True),  # plurals stripped
        ("livraison", True),
        ("gaz pétrole", False),
        ("-football", False),
    ],
)
def test_keyword_queries_are_checked_exactly(gas_article, query, matches):
    follow("lectrice@example.org", ("keywords", query, INSTANT))

    assert match_article(gas_article) == int(matches)


def test_an_entity_merged_into_the_followed_one_matches(gas_article, tags):
    duplicate = Entity.objects.create(
        kind="PER", name="Poutine", slug="poutine", merged_into=tags.putin
    )
    ArticleEntity.objects.filter(article=gas_article).update(entity=duplicate)
    reader = follow("lectrice@example.org", ("entity", tags.putin.pk, DAILY))

    assert set(reached(gas_article)) == {(reader.pk, DAILY)}


def test_suggestions_not_yet_accepted_do_not_match(gas_article, tags):
    ArticleEntity.objects.filter(article=gas_article).update(status=Status.SUGGESTED)
    follow("lectrice@example.org", ("entity", tags.putin.pk, DAILY))

    assert reached(gas_article) == {}


def test_a_match_records_every_reason_once_per_frequency(gas_article, tags):
    reader = follow(
        "lectrice@example.org",
        ("topic", tags.diplomacy.pk, DAILY),
        ("entity", tags.putin.pk, DAILY),
        ("keywords", "gaz", DAILY),
        ("country", "EG", DAILY),
        ("keywords", "Poutine", INSTANT),
    )

    assert reached(gas_article)[reader.pk, DAILY] == [
        "topic:Diplomatie",
        "country:Égypte",
        "entity:Vladimir Poutine",
        "keywords:gaz",
    ]
    assert match_article(gas_article) == 1  # the instant alert's row, written at once
    assert PendingMatch.objects.get(subscriber=reader, frequency=INSTANT).reasons == [
        "keywords:Poutine"
    ]


def test_an_instant_row_holds_every_reason_in_order_each_once(gas_article, tags):
    """Publishing decides and writes in the database: the row still has each reason once,
    the tagging's order first, then keyword reasons by their text (label, else query)."""
    reader = follow(
        "lectrice@example.org",
        ("keywords", "gaz sanctions", INSTANT),  # filed under one word, checked whole
        ("entity", tags.putin.pk, INSTANT),
        ("keywords", "Poutine OR livraisons", INSTANT),  # filed under both of its words
        ("country", "eg", INSTANT),
        ("country", "EG", INSTANT),  # the same index key twice: one reason
        ("keywords", "Bruxelles", INSTANT),
    )
    Subscription.objects.filter(subscriber=reader, value="Bruxelles").update(label="Europe")
    index_subscriber(reader)

    assert match_article(gas_article) == 1
    assert PendingMatch.objects.get(subscriber=reader).reasons == [
        "country:Égypte",
        "entity:Vladimir Poutine",
        "keywords:Europe",
        "keywords:Poutine OR livraisons",
        "keywords:gaz sanctions",
    ]


def test_a_suppressed_address_without_a_reader_excludes_no_one(gas_article, tags):
    reader = follow("lectrice@example.org", ("topic", tags.diplomacy.pk, INSTANT))
    Suppression.objects.create(email="inconnu@example.org", reason=Suppression.Reason.BOUNCE)

    assert match_article(gas_article) == 1
    assert PendingMatch.objects.get().subscriber == reader


def test_an_article_with_more_words_than_sqlite_takes_parameters(site_tree, tags, clock):
    """The article's words reach the database as one value, not one parameter each
    (SQLite refuses more than 999 in older builds)."""
    words = " ".join(f"mot{number}" for number in range(1500)).replace("0", "a")
    article = ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Un très long communiqué",
        body__0__paragraph__value=f"<p>{words} Dernier</p>",
    )
    reader = follow("lectrice@example.org", ("keywords", "dernier", INSTANT))
    assert len(article_profile(article).text.words) > 1000

    assert match_article(article) == 1
    assert PendingMatch.objects.get().subscriber == reader


@pytest.mark.parametrize("status", ["pending", "paused", "unsubscribed"])
def test_readers_who_are_not_active_never_match(gas_article, tags, status):
    follow("jamais@example.org", ("topic", tags.diplomacy.pk, INSTANT), status=status)

    assert match_article(gas_article) == 0


@pytest.mark.parametrize("status", ["pending", "paused", "unsubscribed"])
def test_a_stale_index_row_never_becomes_an_alert(gas_article, tags, clock, status):
    """Matching trusts the index (#15: reading the 20,000 readers who may not receive mail
    for every article was a third of the decision); a status written around the services,
    which leaves the reader's rows behind, is caught when alerts are queued."""
    stale = follow("ancien@example.org", ("topic", tags.diplomacy.pk, INSTANT))
    Subscriber.objects.filter(pk=stale.pk).update(status=status)
    match_article(gas_article)

    clock.shift(timedelta(minutes=10))
    assert queue_instant_alerts() == 0
    assert not Delivery.objects.exists()


def test_a_suppression_takes_the_address_out_of_the_index_and_lifting_it_back(tags):
    reader = follow("rebond@example.org", ("topic", tags.diplomacy.pk, INSTANT))
    indexed = SubscriptionKey.objects.filter(subscriber=reader)
    assert indexed.exists()

    Suppression.objects.create(email=reader.email, reason=Suppression.Reason.BOUNCE)
    assert not indexed.exists()

    Suppression.objects.filter(email__iexact=reader.email).delete()
    assert indexed.count() == 1


def test_suppressed_addresses_never_match(gas_article, tags):
    follow("rebond@example.org", ("topic", tags.diplomacy.pk, INSTANT))
    Suppression.objects.create(email="rebond@example.org", reason=Suppression.Reason.BOUNCE)

    assert match_article(gas_article) == 0


def test_matching_the_same_article_again_creates_nothing(gas_article, tags):
    follow("lectrice@example.org", ("topic", tags.diplomacy.pk, INSTANT))
    assert match_article(gas_article) == 1

    assert match_article(gas_article) == 0

    follow("nouveau@example.org", ("entity", tags.putin.pk, INSTANT))
    assert match_article(gas_article) == 1
    assert PendingMatch.objects.count() == 2


def test_only_live_recent_articles_are_matched(site_tree, tags, clock):
    follow("lectrice@example.org", ("topic", tags.diplomacy.pk, INSTANT))
    draft = diplomacy_article(site_tree, tags, publish=False)
    published = diplomacy_article(site_tree, tags)

    assert match_article(draft) == 0
    # A correction republished days later alerts nobody new.
    clock.shift(timedelta(days=3))
    assert match_article(published) == 0


def test_match_queries_do_not_grow_with_non_matching_readers(
    gas_article, tags, site_tree, django_assert_max_num_queries
):
    follow("lectrice@example.org", ("topic", tags.diplomacy.pk, INSTANT))

    def crowd(first, size):
        for number in range(first, first + size):
            follow(
                f"autre{number}@example.org",
                ("topic", tags.sport.pk, DAILY),
                ("country", "QA", DAILY),
                ("section", site_tree.golfe.pk, INSTANT),
                ("keywords", "football OR handball", INSTANT),
                ("keywords", "gaz -Poutine", WEEKLY),  # looked up, then rejected
            )

    crowd(0, 2)
    with CaptureQueriesContext(connection) as few:
        assert match_article(gas_article) == 1
    PendingMatch.objects.all().delete()
    crowd(2, 60)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert match_article(gas_article) == 1


# --- Instant alerts ---------------------------------------------------------------------------


def test_articles_matched_within_the_window_travel_in_one_alert(site_tree, tags, clock):
    reader = follow("alerte@example.org", ("topic", tags.diplomacy.pk, INSTANT))
    first = diplomacy_article(site_tree, tags)
    match_article(first)
    clock.shift(timedelta(minutes=2))
    second = diplomacy_article(site_tree, tags)
    match_article(second)

    clock.shift(timedelta(minutes=2))
    assert queue_instant_alerts() == 0  # the oldest match is 4 minutes old: still bundling
    clock.shift(timedelta(minutes=2))
    assert queue_instant_alerts() == 1

    alert = Delivery.objects.get()
    first_match = PendingMatch.objects.get(article=first)
    assert (alert.subscriber, alert.kind, alert.status) == (reader, "alert", "queued")
    assert alert.message_key == f"alert:{first_match.pk}"
    assert set(alert.matches.values_list("article", flat=True)) == {first.pk, second.pk}
    assert queue_instant_alerts() == 0
    assert Delivery.objects.count() == 1

    clock.shift(timedelta(minutes=10))
    third = diplomacy_article(site_tree, tags)
    match_article(third)
    clock.shift(timedelta(minutes=5))
    assert queue_instant_alerts() == 1
    later = Delivery.objects.exclude(pk=alert.pk).get()
    assert list(later.matches.values_list("article", flat=True)) == [third.pk]


def test_alerts_are_bundled_per_reader(site_tree, tags, clock):
    follow("une@example.org", ("topic", tags.diplomacy.pk, INSTANT))
    follow("deux@example.org", ("section", site_tree.maghreb.pk, INSTANT))
    follow("digest@example.org", ("topic", tags.diplomacy.pk, DAILY))
    match_article(diplomacy_article(site_tree, tags))

    assert queue_instant_alerts(bundle_seconds=0) == 2
    assert sorted(Delivery.objects.values_list("subscriber__email", flat=True)) == [
        "deux@example.org",
        "une@example.org",
    ]


@pytest.mark.parametrize("change", ["pause", "suppress"])
def test_no_alert_for_a_reader_who_left_after_the_match(site_tree, tags, clock, change):
    reader = follow("partie@example.org", ("topic", tags.diplomacy.pk, INSTANT))
    match_article(diplomacy_article(site_tree, tags))
    if change == "pause":
        Subscriber.objects.filter(pk=reader.pk).update(status=Subscriber.Status.PAUSED)
    else:
        Suppression.objects.create(email=reader.email, reason=Suppression.Reason.COMPLAINT)

    clock.shift(timedelta(minutes=10))
    assert queue_instant_alerts() == 0
    assert not Delivery.objects.exists()


# --- Digests ----------------------------------------------------------------------------------


def test_the_daily_digest_goes_at_the_readers_hour_once_a_day(site_tree, tags, clock):
    reader = follow("matin@example.org", ("topic", tags.diplomacy.pk, DAILY), digest_hour=7)
    first = diplomacy_article(site_tree, tags)
    match_article(first)

    clock.move_to(at(0, 6, 59))
    assert queue_digests(DAILY) == 0
    clock.move_to(at(0, 7, 1))
    assert queue_digests(DAILY) == 1

    digest = Delivery.objects.get()
    assert (digest.kind, digest.message_key) == ("daily", "daily:2025-03-10")
    assert list(digest.matches.values_list("article", flat=True)) == [first.pk]
    reader.refresh_from_db()
    assert reader.last_daily_digest_at == timezone.now()

    # Later the same day: matches wait for tomorrow.
    clock.move_to(at(0, 9))
    second = diplomacy_article(site_tree, tags)
    match_article(second)
    clock.move_to(at(0, 23, 59))
    assert queue_digests(DAILY) == 0
    clock.move_to(at(1, 7))
    assert queue_digests(DAILY) == 1
    tomorrow = Delivery.objects.get(message_key="daily:2025-03-11")
    assert list(tomorrow.matches.values_list("article", flat=True)) == [second.pk]
    assert queue_digests(DAILY) == 0


def test_an_empty_digest_is_skipped_not_postponed(site_tree, tags, clock):
    reader = follow("rien@example.org", ("topic", tags.diplomacy.pk, DAILY), digest_hour=7)

    clock.move_to(at(0, 7))
    assert queue_digests(DAILY) == 0
    assert not Delivery.objects.exists()
    reader.refresh_from_db()
    assert reader.last_daily_digest_at == timezone.now()

    clock.move_to(at(0, 8))
    match_article(diplomacy_article(site_tree, tags))
    clock.move_to(at(0, 9))
    assert queue_digests(DAILY) == 0
    clock.move_to(at(1, 7))
    assert queue_digests(DAILY) == 1


def test_a_reader_who_joins_after_the_hour_gets_the_first_digest_next_day(site_tree, tags, clock):
    clock.move_to(at(0, 10))
    follow("nouvelle@example.org", ("topic", tags.diplomacy.pk, DAILY), digest_hour=7)
    match_article(diplomacy_article(site_tree, tags))

    clock.move_to(at(0, 10, 5))
    assert queue_digests(DAILY) == 0
    clock.move_to(at(1, 7))
    assert queue_digests(DAILY) == 1


def test_the_weekly_digest_goes_once_a_week(site_tree, tags, clock):
    follow("semaine@example.org", ("topic", tags.diplomacy.pk, WEEKLY), digest_hour=8)
    match_article(diplomacy_article(site_tree, tags))

    clock.move_to(at(0, 7))
    assert queue_digests(WEEKLY) == 0
    clock.move_to(at(0, 8))
    assert queue_digests(WEEKLY) == 1
    assert Delivery.objects.get().message_key == "weekly:2025-W11"

    clock.move_to(at(2, 10))
    match_article(diplomacy_article(site_tree, tags))
    assert queue_digests(WEEKLY) == 0
    clock.move_to(at(7, 8))
    assert queue_digests(WEEKLY) == 1
    assert Delivery.objects.filter(message_key="weekly:2025-W12").exists()


def test_a_missed_weekly_digest_catches_up_later_in_the_week(site_tree, tags, clock):
    follow("retard@example.org", ("topic", tags.diplomacy.pk, WEEKLY), digest_hour=20)
    match_article(diplomacy_article(site_tree, tags))

    clock.move_to(at(2, 6))  # Wednesday morning: the Monday 20:00 run never happened
    assert queue_digests(WEEKLY) == 1
    assert Delivery.objects.get().message_key == "weekly:2025-W11"


def test_the_newsletter_puts_every_article_in_the_digest(site_tree, tags, clock):
    follow("tout@example.org", ("newsletter", "", DAILY), digest_hour=7)
    articles = [
        diplomacy_article(site_tree, tags),
        ArticlePageFactory(parent=site_tree.golfe),
    ]
    for article in articles:
        match_article(article)

    clock.move_to(at(0, 7))
    assert queue_digests(DAILY) == 1
    digest = Delivery.objects.get()
    assert {match.article_id for match in digest.matches.all()} == {a.pk for a in articles}


@pytest.mark.parametrize("change", ["unsubscribe", "suppress"])
def test_no_digest_for_a_reader_who_left(site_tree, tags, clock, change):
    reader = follow("partie@example.org", ("topic", tags.diplomacy.pk, DAILY))
    match_article(diplomacy_article(site_tree, tags))
    if change == "unsubscribe":
        Subscriber.objects.filter(pk=reader.pk).update(status=Subscriber.Status.UNSUBSCRIBED)
    else:
        Suppression.objects.create(email=reader.email, reason=Suppression.Reason.BOUNCE)

    clock.move_to(at(0, 8))
    assert queue_digests(DAILY) == 0
    assert not Delivery.objects.exists()


# --- Publishing, tasks and the command --------------------------------------------------------


def test_publishing_queues_matching_after_commit(
    site_tree, tags, clock, settings, django_capture_on_commit_callbacks
):
    settings.MAILING_MATCH_ON_PUBLISH = True  # the default, whatever the test settings say
    follow("lectrice@example.org", ("topic", tags.diplomacy.pk, INSTANT))

    with django_capture_on_commit_callbacks(execute=True):
        article = diplomacy_article(site_tree, tags)
        assert not PendingMatch.objects.exists()  # nothing in the publishing request

    assert PendingMatch.objects.filter(article=article).count() == 1


def test_matching_on_publish_can_be_turned_off(
    site_tree, tags, clock, settings, django_capture_on_commit_callbacks
):
    settings.MAILING_MATCH_ON_PUBLISH = False
    follow("lectrice@example.org", ("topic", tags.diplomacy.pk, INSTANT))

    with django_capture_on_commit_callbacks(execute=True):
        diplomacy_article(site_tree, tags)

    assert not PendingMatch.objects.exists()


def test_the_matching_task_returns_quietly_for_a_deleted_article(db):
    assert match_published_article.call(987654) == 0


def test_the_periodic_task_queues_alerts_and_digests(site_tree, tags, clock):
    follow("alerte@example.org", ("topic", tags.diplomacy.pk, INSTANT))
    follow("matin@example.org", ("topic", tags.diplomacy.pk, DAILY), digest_hour=7)
    match_article(diplomacy_article(site_tree, tags))

    clock.move_to(at(0, 7))
    assert queue_due_messages.call() == {"alerts": 1, "daily": 1, "weekly": 0}


def test_the_command_has_a_dry_run(site_tree, tags, clock):
    follow("alerte@example.org", ("topic", tags.diplomacy.pk, INSTANT))
    match_article(diplomacy_article(site_tree, tags))
    clock.shift(timedelta(minutes=5))

    out = io.StringIO()
    call_command("queue_digests", "--dry-run", stdout=out)
    assert "would queue 1 alerts" in out.getvalue()
    assert not Delivery.objects.exists()

    call_command("queue_digests", stdout=out)
    assert Delivery.objects.count() == 1
