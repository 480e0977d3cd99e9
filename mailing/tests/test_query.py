"""Keyword queries as readers type them, compared the way French search compares text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailing.query import Query, Text, parse_query, tokenize

ARTICLE = (
    "Les sanctions contre l'Égypte : le prix plafond du gaz russe divise les Vingt-Sept. "
    "Les journaux du Caire parlent d'une « crise énergétique »."
)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Égypte", ["egypt"]),
        ("ÉGYPTE", ["egypt"]),
        ("l'Égypte", ["egypt"]),
        ("l’Égypte", ["egypt"]),
        ("sanctions", ["sanction"]),
        ("journaux", ["journal"]),
        ("bureaux", ["bureau"]),
        ("jeux", ["jeu"]),
        ("Œuvres", ["oeuvr"]),
        ("oeuvres", ["oeuvr"]),
        ("Biélorussie biélorusse", ["bieloruss", "bieloruss"]),
        ("Arabie-Saoudite", ["arab", "saoudit"]),
        # Short words and -ix words keep their s and x (Snowball still stems pays).
        ("pays mais prix", ["pay", "mais", "prix"]),
        # Names whose stripped form is another word keep their s.
        ("Hamas Paris", ["hamas", "paris"]),
        ("COP28", ["cop28"]),
    ],
)
def test_text_is_read_as_the_readers_search_reads_it(text, tokens):
    assert tokenize(text) == tokens


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("gaz", True),
        ("gaz pétrole", False),  # words: all of them
        ("gaz Égypte", True),
        ("egypte", True),  # accents folded
        ("EGYPTE", True),
        ("sanction", True),  # plural stripped on both sides
        ("prix plafonds", True),
        ("journal", True),
        ('"prix plafond"', True),  # exact phrase
        ('"plafond prix"', False),
        ('"prix du gaz"', False),
        ("« crise énergétique »", True),  # French quotes are phrase quotes
        ('"crise energetique"', True),
        ("pétrole OR gaz", True),
        ("pétrole OU gaz", True),
        ("pétrole ou gaz", True),
        ("pétrole OR charbon", False),
        ('gaz "prix plafond" OR pétrole', True),  # OR binds tighter than AND
        ("pétrole gaz OR charbon", False),
        ("gaz -football", True),
        ("gaz -russe", False),  # exclusion
        ('gaz -"prix plafond"', False),
        ('gaz -"plafond prix"', True),
        ("Vingt-Sept", True),
        ("Sept-Vingt", False),
        ("-football", False),  # exclusions alone match nothing
        ("", False),
        ('"', False),
    ],
)
def test_a_query_matches_as_a_reader_expects(query, matches):
    assert parse_query(query).matches(ARTICLE) is matches


def test_a_word_typed_without_accents_finds_it_written_with_them():
    # "majorité" stems to "major", "majorite" to "majorit": the article carries both.
    assert parse_query("majorite").matches("La majorité vote")
    assert parse_query("biélorusse").matches("La Biélorussie ferme sa frontière")


def test_a_query_reads_back_in_canonical_form():
    query = parse_query("Gaz  « prix plafond » OU Pétrole -football")

    assert str(query) == 'gaz "prix plafond" OR petrol -football'
    assert parse_query(str(query)) == query


def test_a_phrase_does_not_span_two_blocks_of_text():
    text = Text.from_blocks(["Le prix", "Plafond historique"])

    assert not parse_query('"prix plafond"').matches(text)
    assert parse_query("prix plafond").matches(text)


def test_matches_takes_raw_text_or_tokens():
    query = parse_query("sanctions Égypte")

    assert query.matches(tokenize(ARTICLE))
    assert query.matches(ARTICLE)
    assert query.matches(Text.of(ARTICLE))


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("gaz", ["gaz"]),
        # AND: one word is enough to find every match, the longest (rarest) one.
        ("gaz sanctions", ["sanction"]),
        # A stopword is never chosen while a content word is there.
        ("le gaz", ["gaz"]),
        # A phrase is found through its rarest word.
        ('"prix du gaz"', ["prix"]),
        # OR: every alternative, since any may be the one that matches.
        ("pétrole OR gaz", ["gaz", "petrol"]),
        # The single-word group is cheaper than the two-alternative one.
        ('gaz "prix plafond" OR pétrole -football', ["gaz"]),
        ("-football", []),
        ("", []),
    ],
)
def test_index_terms_are_what_a_matching_article_must_contain(query, terms):
    assert parse_query(query).index_terms() == terms


# --- Properties -----------------------------------------------------------------------------

WORDS = [
    "gaz",
    "pétrole",
    "Égypte",
    "egypte",
    "sanctions",
    "sanction",
    "prix",
    "plafond",
    "le",
    "du",
    "l'Iran",
    "Arabie-Saoudite",
    "journaux",
    "football",
]
QUERY_PIECES = [*WORDS, "OR", "OU", "-gaz", "-football", '"prix plafond"', '-"du gaz"', '"', "-"]


@settings(max_examples=300)
@given(st.text())
def test_parsing_never_raises(text):
    query = parse_query(text)

    assert isinstance(query, Query)
    assert all(term for term in query.index_terms())
    query.matches(text)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(QUERY_PIECES), max_size=8), st.lists(st.sampled_from(WORDS)))
def test_an_article_that_matches_contains_an_index_term(pieces, words):
    """The inverted index never misses a match: it looks up index_terms()."""
    query = parse_query(" ".join(pieces))
    article = " ".join(words)

    if query.matches(article):
        assert set(query.index_terms()) & set(tokenize(article))


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6), st.randoms())
def test_words_match_in_any_order_and_a_phrase_only_as_written(words, random):
    text = " ".join(words)
    shuffled = words[:]
    random.shuffle(shuffled)

    assert parse_query(text).matches(" ".join(shuffled))
    assert parse_query(f'"{text}"').matches(f"Avant {text} après")


@given(st.sampled_from(WORDS), st.sampled_from(WORDS))
def test_or_exclusion_and_and_on_two_words(first, second):
    one, other = tokenize(first), tokenize(second)
    both = f"{first} {second}"

    assert parse_query(f"{first} OR {second}").matches(first)
    assert parse_query(f"{first} OR {second}").matches(second)
    assert parse_query(f"{first} -{second}").matches(first) is (one != other)
    assert parse_query(both).matches(first) is (set(other) <= set(one))
