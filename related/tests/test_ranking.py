"""The ranking as pure computation: no database, no model."""

from datetime import UTC, datetime, timedelta

import pytest

from related import ranking
from related.ranking import ArticleSignals, TextMatch

NOW = datetime(2022, 12, 19, 12, tzinfo=UTC)


def signals(
    pk, *, section="maghreb", days_ago=1, entities=None, topics=None, countries=(), title=""
):
    return ArticleSignals(
        article_id=pk,
        section=section,
        published_at=NOW - timedelta(days=days_ago),
        title_key=title or f"titre {pk}",
        entities=entities or {},
        topics=topics or {},
        countries=frozenset(countries),
    )


ARTICLE = signals(1, days_ago=0, entities={10: 0.9, 11: 0.5}, topics={5: 1.0}, countries={"BY"})
RARITY = {10: 3.0, 11: 0.7}  # entity 10 is rare (a person), 11 common (a big country)


def test_the_article_itself_is_never_listed():
    ranked = ranking.rank(ARTICLE, [ARTICLE], {}, RARITY)
    assert ranked == []


def test_a_rare_shared_entity_outweighs_a_common_one():
    rare = signals(2, entities={10: 0.5})
    common = signals(3, entities={11: 0.5})
    ranked = ranking.rank(ARTICLE, [common, rare], {}, RARITY)
    assert [candidate.article_id for candidate in ranked] == [2, 3]
    assert ranked[0].reasons.entities == (10,)


def test_more_shared_signals_rank_higher():
    entities_only = signals(2, entities={10: 0.9})
    entities_topic_country = signals(3, entities={10: 0.9}, topics={5: 1.0}, countries={"BY"})
    ranked = ranking.rank(ARTICLE, [entities_only, entities_topic_country], {}, RARITY)
    assert [candidate.article_id for candidate in ranked] == [3, 2]
    assert ranked[0].reasons.topics == (5,)
    assert ranked[0].reasons.countries == ("BY",)


def test_text_similarity_alone_can_relate_articles():
    unrelated = signals(2)
    similar_text = signals(3)
    ranked = ranking.rank(
        ARTICLE,
        [unrelated, similar_text],
        {3: TextMatch(0.5, ("gazoduc", "sanctions"))},
        RARITY,
    )
    assert [candidate.article_id for candidate in ranked] == [3]
    assert ranked[0].reasons.terms == ("gazoduc", "sanctions")


def test_near_duplicates_are_dropped_by_text_or_headline():
    same_text = signals(2, entities={10: 0.9})
    same_title = signals(3, entities={10: 0.9}, title=ARTICLE.title_key)
    kept = signals(4, entities={10: 0.9})
    ranked = ranking.rank(
        ARTICLE,
        [same_text, same_title, kept],
        {2: TextMatch(0.95), 4: TextMatch(0.3)},
        RARITY,
    )
    assert [candidate.article_id for candidate in ranked] == [4]


def test_older_articles_lose_some_score_but_not_all():
    recent = signals(2, days_ago=2, entities={10: 0.9})
    old = signals(3, days_ago=400, entities={10: 0.9})
    ranked = ranking.rank(ARTICLE, [old, recent], {}, RARITY)
    assert [candidate.article_id for candidate in ranked] == [2, 3]
    share = ranking.DEFAULT_WEIGHTS.recency_share
    assert ranked[1].reasons.recency == pytest.approx(1 - share, abs=0.01)
    assert ranked[1].score > 0


def test_ties_prefer_another_section_then_the_newer_article():
    same_section = signals(2, section="maghreb", days_ago=1, entities={10: 0.9})
    other_section = signals(3, section="golfe", days_ago=1, entities={10: 0.9})
    ranked = ranking.rank(ARTICLE, [same_section, other_section], {}, RARITY)
    assert [candidate.article_id for candidate in ranked] == [3, 2]
    assert ranked[1].same_section


def test_the_text_only_baseline_ignores_entities_and_age():
    shares_entity = signals(2, entities={10: 0.9})
    shares_text = signals(3, days_ago=900)
    ranked = ranking.rank(
        ARTICLE,
        [shares_entity, shares_text],
        {3: TextMatch(0.13)},
        RARITY,
        weights=ranking.TEXT_ONLY,
    )
    assert [candidate.article_id for candidate in ranked] == [3]
    assert ranked[0].score == pytest.approx(0.4)


def test_the_list_is_cut_at_the_limit_and_weak_candidates_are_dropped():
    candidates = [signals(pk, entities={10: 0.9}) for pk in range(2, 12)]
    assert len(ranking.rank(ARTICLE, candidates, {}, RARITY, limit=3)) == 3
    nothing_shared = [signals(50), signals(51)]
    assert ranking.rank(ARTICLE, nothing_shared, {}, RARITY) == []


def test_bm25_is_one_for_the_article_itself_and_less_for_a_partial_match():
    own = {"gazoduc": 3, "sanction": 2, "minsk": 1}
    postings = {
        "gazoduc": {1: 3, 2: 1},
        "sanction": {1: 2},
        "minsk": {1: 1, 3: 4},
    }
    lengths = {1: 6, 2: 50, 3: 8}
    frequency = {"gazoduc": 2, "sanction": 1, "minsk": 2}
    matches = ranking.bm25_similarities(own, 6, postings, lengths, 20.0, frequency, 100)
    assert matches[1].similarity == pytest.approx(1.0)
    assert 0 < matches[2].similarity < 1
    assert 0 < matches[3].similarity < 1
    assert matches[2].shared_terms == ("gazoduc",)


def test_distinctive_terms_prefer_rare_words_said_often():
    counts = {"président": 5, "loukachenko": 3, "annoncer": 4}
    frequency = {"président": 900, "loukachenko": 3, "annoncer": 700}
    best = ranking.distinctive_terms(counts, frequency, 1000, limit=1)
    assert list(best) == ["loukachenko"]


def test_entity_rarity_grows_as_fewer_articles_name_it():
    rarity = ranking.entity_rarity({1: 500, 2: 5}, 1000)
    assert rarity[2] > rarity[1] > 0
