"""The packed index decides what the index rows decide, whatever was written and in what
order, before and after the changes are folded in (#15)."""

import io
import random

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailing.matching import (
    ArticleProfile,
    decide,
    decide_by_rows,
    index_subscriber,
    match_article,
    pack_key_readers,
    queue_due_messages,
    rebuild_key_readers,
)
from mailing.matching.folding import fold
from mailing.models import (
    Frequency,
    KeyChange,
    KeyReaders,
    Subscriber,
    Subscription,
    SubscriptionKey,
    Suppression,
)
from mailing.query import Text
from newsroom.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

READERS = 5
INTERESTS = [
    ("newsletter", ""),
    ("topic", "12"),
    ("topic", "13"),
    ("country", "LB"),
    ("country", "lb"),  # the same key as "LB": a reader may be filed twice under it
    ("section", " 12"),
    ("entity", "7"),
    ("keywords", "gaz"),
    ("keywords", "gaz -football"),
    ("keywords", "pétrole OR gaz"),
    ("keywords", '"prix plafond"'),
    ("keywords", "football"),
]
QUERIES = ["gaz", "pétrole", "football", "prix plafond", "gaz OR football"]
LABELS = ["", "Énergie", "Sport"]
PROFILE = ArticleProfile(
    reasons={
        "all": "newsletter",
        "section:12": "section:Maghreb",
        "topic:12": "topic:Diplomatie",
        "country:LB": "country:Liban",
        "entity:7": "entity:Vladimir Poutine",
    },
    text=Text.of("Le prix plafond du gaz russe divise les Vingt-Sept ; le pétrole aussi."),
)


def email(number):
    return f"lecteur{number}@example.org"


def reader(number):
    subscriber, _ = Subscriber.objects.get_or_create(
        email=email(number), defaults={"status": Subscriber.Status.ACTIVE}
    )
    return subscriber


def subscribe(number, interest, frequency):
    subscriber = reader(number)
    kind, value = INTERESTS[interest]
    Subscription.objects.update_or_create(
        subscriber=subscriber, kind=kind, value=value, defaults={"frequency": frequency}
    )
    index_subscriber(subscriber)


def unsubscribe(number, interest):
    kind, value = INTERESTS[interest]
    Subscription.objects.filter(subscriber__email=email(number), kind=kind, value=value).delete()


def set_status(number, status):
    subscriber = reader(number)
    subscriber.status = status
    subscriber.save()
    index_subscriber(subscriber)


def suppress(number):
    Suppression.objects.get_or_create(email=email(number), defaults={"reason": "bounce"})


def unsuppress(number):
    Suppression.objects.filter(email=email(number)).delete()  # the signal reindexes


def rewrite_query(number, query, label):
    """One keyword subscription's query changed around the services (no reindex).

    A reader never holds the same query twice (a unique constraint), so with two keyword
    subscriptions only the first is rewritten, and a query they hold already is left alone.
    """
    keywords = Subscription.objects.filter(subscriber__email=email(number), kind="keywords")
    if keywords.filter(value=query).exists():
        return
    first = list(keywords.order_by("pk").values_list("pk", flat=True)[:1])
    Subscription.objects.filter(pk__in=first).update(value=query, label=label)


def reindex(number):
    index_subscriber(reader(number))


def forget(number):
    Subscriber.objects.filter(email=email(number)).delete()


def shuffle_frequency(number, frequency):
    """Index rows rewritten around the services: an UPDATE of their frequency."""
    SubscriptionKey.objects.filter(subscriber__email=email(number)).update(frequency=frequency)


numbers = st.integers(0, READERS - 1)
frequencies = st.sampled_from(Frequency.values)
steps = st.one_of(
    st.tuples(st.just(subscribe), numbers, st.integers(0, len(INTERESTS) - 1), frequencies),
    st.tuples(st.just(unsubscribe), numbers, st.integers(0, len(INTERESTS) - 1)),
    st.tuples(st.just(set_status), numbers, st.sampled_from(Subscriber.Status.values)),
    st.tuples(st.just(suppress), numbers),
    st.tuples(st.just(unsuppress), numbers),
    st.tuples(st.just(rewrite_query), numbers, st.sampled_from(QUERIES), st.sampled_from(LABELS)),
    st.tuples(st.just(reindex), numbers),
    st.tuples(st.just(forget), numbers),
    st.tuples(st.just(shuffle_frequency), numbers, frequencies),
    st.tuples(st.just(pack_key_readers)),
)


def audiences(found):
    return sorted(
        (pk, audience.frequency, tuple(audience.reasons))
        for audience in found
        for pk in audience.readers
    )


def assert_same(frequencies=None):
    packed = audiences(decide(PROFILE, frequencies))
    assert packed == audiences(decide_by_rows(PROFILE, frequencies))
    return packed


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(steps, min_size=1, max_size=25))
def test_packed_decision_is_the_rows_decision(sequence):
    """After any writes, with changes pending or folded in, the packed index finds the same
    readers with the same reasons as the rows; folding leaves no change pending."""
    with transaction.atomic():
        for operation, *arguments in sequence:
            operation(*arguments)
            assert_same([Frequency.INSTANT])
        assert_same()
        pack_key_readers()
        assert not KeyChange.objects.exists()
        assert_same()
        transaction.set_rollback(True)


def test_folding_keeps_the_arrays_of_a_rebuild(db):
    """Arrays folded change by change are those built from the rows at once."""
    rng = random.Random(15)  # noqa: S311 (reproducible writes, not secrets)
    for _ in range(120):
        interest, frequency = rng.randrange(len(INTERESTS)), rng.choice(Frequency.values)
        subscribe(rng.randrange(READERS), interest, frequency)
        if rng.random() < 0.3:
            unsubscribe(rng.randrange(READERS), rng.randrange(len(INTERESTS)))
        if rng.random() < 0.2:
            pack_key_readers()
    pack_key_readers()

    def arrays():
        return sorted(
            (row.key, row.frequency, row.query, row.label, bytes(row.readers))
            for row in KeyReaders.objects.all()
        )

    folded = arrays()
    assert folded
    rebuild_key_readers()
    assert arrays() == folded


def test_a_truncate_needs_a_rebuild(db):
    """A TRUNCATE (or SQLite's DELETE without triggers) notes nothing: rebuilding puts the
    arrays back in step with the rows."""
    subscribe(0, 1, Frequency.INSTANT)
    pack_key_readers()
    table = SubscriptionKey._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no foreign key check left due
            cursor.execute(f"TRUNCATE {table}")
        else:  # what a TRUNCATE does: the rows gone, no trigger fired
            cursor.execute("DROP TRIGGER mailing_key_deleted")
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert audiences(decide(PROFILE)) != audiences(decide_by_rows(PROFILE))
    out = io.StringIO()
    call_command("rebuild_key_readers", stdout=out)
    assert "packed index rebuilt" in out.getvalue()
    assert_same()


def test_changes_are_folded_in_by_matching_and_by_the_queueing(db, site_tree):
    subscribe(0, 1, Frequency.INSTANT)
    assert KeyChange.objects.exists()
    queue_due_messages()
    assert not KeyChange.objects.exists()
    subscribe(1, 0, Frequency.INSTANT)
    match_article(ArticlePageFactory(parent=site_tree.maghreb))
    assert not KeyChange.objects.exists()
    assert_same()


def test_the_decision_is_one_statement(db):
    for number in range(READERS):
        subscribe(number, number, Frequency.INSTANT)
    subscribe(0, 7, Frequency.INSTANT)  # a change pending beside the arrays
    with CaptureQueriesContext(connection) as queries:
        found = decide(PROFILE)
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 1
    assert found


def reference_fold(lists):
    readers = {}
    for reason, ids in lists:
        for pk in ids.tolist():
            readers.setdefault(pk, set()).add(reason)
    groups = {}
    for pk, reasons in readers.items():
        groups.setdefault(frozenset(reasons), []).append(pk)
    return {reasons: sorted(pks) for reasons, pks in groups.items()}


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 140),  # past 64 reasons: several words of bits
            st.lists(st.integers(1, 60), max_size=20, unique=True).map(sorted),
        ),
        max_size=160,
    )
)
def test_folding_groups_readers_by_their_reasons(raw):
    lists = [(f"reason {reason}", np.array(ids, dtype=np.int64)) for reason, ids in raw]
    folded = {frozenset(reasons): members for reasons, members in fold(lists)}
    assert folded == reference_fold(lists)
    for reasons, _ in fold(lists):
        assert len(reasons) == len(set(reasons))
