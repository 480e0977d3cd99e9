"""The text matches as `search.services` reads them (its own SQL, #15) rank as Wagtail's
search gives them: the newest matches, then, when they are all the matches, the backend's
relevance score of each (`relevance_scores`), sorted by (score, id). Over a small corpus and
a set of queries, both by relevance and by date, narrow and (SCORED_MATCHES lowered) broad.
A change to how the matches are read must keep this test green."""

import itertools

import pytest

from newsroom.models import ArticlePage
from newsroom.tests.factories import ArticlePageFactory
from search import services
from search.analysis import french_terms, unique_terms
from search.backends import database_backend
from search.filters import published_articles
from search.ranking import published_key
from search.results import Candidate
from search.services import relevance_scores
from search.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

WORDS = ["phosphate", "pétrole", "uranium", "Égypte", "marché", "sécheresse"]
QUERIES = [
    "phosphate",
    "pétrole",
    "petrole marché",
    "Egypte",
    "uranium sécheresse",
    "phosphate pétrole uranium",
    "marchés",
    "introuvable",
]


@pytest.fixture
def corpus(site_tree):
    """Articles mixing the words in their headline and text, some more than others, some on
    the same day (ties broken by id)."""
    sections = [site_tree.maghreb, site_tree.golfe]
    pairs = itertools.combinations(range(len(WORDS)), 2)
    for number, (first, second) in enumerate(pairs):
        repeats = 1 + number % 4
        title_word = WORDS[(first + second) % len(WORDS)] if number % 3 else "Chronique"
        ArticlePageFactory(
            parent=sections[number % 2],
            title=f"{title_word} : la semaine {number}",
            slug=f"semaine-{number}",
            standfirst=f"Le {WORDS[first]} en question.",
            first_published_at=days_ago(number // 2),
            body__0__paragraph__value="<p>"
            + f"Le {WORDS[second]} et le {WORDS[first]} reculent. " * repeats
            + "</p>",
        )


def before(terms, *, sort, limit=services.CANDIDATE_LIMIT):
    """The text matches from Wagtail's own search, scored by `relevance_scores`."""
    query = " ".join(terms)
    newest = published_articles().order_by("-first_published_at", "-id")
    pages = list(newest.search(query, operator="and", order_by_relevance=False)[:limit])
    candidates = [
        Candidate(page.pk, page.title, published_key(page.first_published_at)) for page in pages
    ]
    if sort == "relevance" and len(candidates) < min(limit, services.SCORED_MATCHES):
        scores = relevance_scores(database_backend(), query, [c.article_id for c in candidates])
        candidates.sort(key=lambda c: (scores.get(c.article_id, 0.0), c.article_id), reverse=True)
    return [candidate[:3] for candidate in candidates]


def now(terms, *, sort, limit=services.CANDIDATE_LIMIT):
    articles = published_articles()
    found = services._text_matches(
        articles, articles, terms, narrowed_by_ids=False, sort=sort, limit=limit
    )
    return [candidate[:3] for candidate in found]


@pytest.mark.parametrize("sort", ["relevance", "date"])
@pytest.mark.parametrize("scored_matches", [services.SCORED_MATCHES, 3])
def test_the_text_matches_rank_as_wagtails_search_and_scores_give_them(
    corpus, monkeypatch, sort, scored_matches
):
    monkeypatch.setattr(services, "SCORED_MATCHES", scored_matches)
    matched = 0
    for query in QUERIES:
        terms = unique_terms(french_terms(query))

        ranked = now(terms, sort=sort)

        assert ranked == before(terms, sort=sort), query
        assert now(terms, sort=sort, limit=2) == before(terms, sort=sort, limit=2), query
        matched += len(ranked)
    assert matched > 2 * len(QUERIES)  # the corpus matches: the orders compared say something
    assert ArticlePage.objects.count() == 15


def test_scores_decide_the_order_only_when_all_the_matches_were_scored(corpus, monkeypatch):
    terms = unique_terms(french_terms("phosphate"))
    by_relevance = now(terms, sort="relevance")
    monkeypatch.setattr(services, "SCORED_MATCHES", 3)

    broad = now(terms, sort="relevance")

    assert broad == now(terms, sort="date") != by_relevance
    assert sorted(broad) == sorted(by_relevance)
