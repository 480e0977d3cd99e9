"""Who an article reaches, as audiences (#15): readers sharing a frequency and their reasons,
each reader once, with every reason they have however many, and no reader who may not
receive mail; publishing writes exactly one row per instant reader."""

import pytest

from mailing.matching import article_profile, decide, find_matches, match_article
from mailing.models import PendingMatch, Suppression
from mailing.services.preferences import pause
from mailing.tests.test_matching import DAILY, INSTANT, follow
from newsroom.tests.factories import ArticlePageFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(db):
    return TopicFactory(name="Diplomatie")


@pytest.fixture
def article(site_tree, topic, clock):
    return ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Le prix du gaz divise les Vingt-Sept",
        topics=[topic],
        countries=["EG"],
    )


def test_readers_with_the_same_reasons_share_one_audience_in_reader_order(article, topic):
    later = follow("b@example.org", ("topic", topic.pk, INSTANT))
    first = follow("a@example.org", ("topic", topic.pk, INSTANT))
    both = follow("c@example.org", ("topic", topic.pk, INSTANT), ("country", "EG", INSTANT))
    digest = follow("d@example.org", ("topic", topic.pk, DAILY))

    audiences = {
        (audience.frequency, tuple(audience.reasons)): audience.readers
        for audience in decide(article_profile(article))
    }

    assert audiences == {
        (INSTANT, ("topic:Diplomatie",)): sorted([later.pk, first.pk]),
        (INSTANT, ("topic:Diplomatie", "country:Égypte")): [both.pk],
        (DAILY, ("topic:Diplomatie",)): [digest.pk],
    }


def test_a_reader_keeps_every_reason_past_a_machine_word(site_tree, clock):
    """Each reason is a bit of one integer per reader: 70 matching keyword queries are 70
    bits, and each one must come back, in order."""
    words = [f"mot{chr(97 + number // 26)}{chr(97 + number % 26)}" for number in range(70)]
    article = ArticlePageFactory(
        parent=site_tree.maghreb, title="Un lexique", standfirst=" ".join(words)
    )
    reader = follow("lexique@example.org", *[("keywords", word, INSTANT) for word in words])
    other = follow("un-mot@example.org", ("keywords", words[-1], INSTANT))

    matches = {pk: reasons for pk, _, reasons in find_matches(article_profile(article))}

    assert matches[reader.pk] == sorted(f"keywords:{word}" for word in words)
    assert matches[other.pk] == [f"keywords:{words[-1]}"]


def test_readers_who_may_not_receive_mail_are_in_no_audience(article, topic):
    kept = follow("reste@example.org", ("topic", topic.pk, INSTANT))
    suppressed = follow("rebond@example.org", ("topic", topic.pk, INSTANT))
    Suppression.objects.create(email=suppressed.email, reason=Suppression.Reason.BOUNCE)
    paused = follow("pause@example.org", ("topic", topic.pk, INSTANT))
    pause(paused)

    readers = [pk for audience in decide(article_profile(article)) for pk in audience.readers]

    assert readers == [kept.pk]


def test_publishing_writes_one_row_per_instant_reader_and_none_twice(article, topic):
    readers = [
        follow(f"lecteur{number}@example.org", ("topic", topic.pk, INSTANT)).pk
        for number in range(30)
    ]
    both = follow("deux@example.org", ("topic", topic.pk, INSTANT), ("country", "EG", INSTANT))

    assert match_article(article) == 31
    assert match_article(article) == 0

    rows = dict(PendingMatch.objects.values_list("subscriber_id", "reasons"))
    assert rows == {
        **dict.fromkeys(readers, ["topic:Diplomatie"]),
        both.pk: ["topic:Diplomatie", "country:Égypte"],
    }
    assert set(PendingMatch.objects.values_list("frequency", "article_id")) == {
        (INSTANT, article.pk)
    }
