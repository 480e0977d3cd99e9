"""The one text module (issue #13): folding, elisions, words, stems, terms and name keys,
each variant a keyword parameter a caller relies on. No database."""

import pytest

from newsroom.text import (
    find_words,
    fold_accents,
    has_arabic,
    is_stop_word,
    normalise_name,
    split_words,
    stem,
    strip_elisions,
    terms_by_word,
    tokenize,
    word_terms,
)

# --- Folding ------------------------------------------------------------------------------


def test_folding_drops_accents_and_keeps_case_by_default():
    assert fold_accents("Égypte, Choïgou, ÇA") == "Egypte, Choigou, CA"
    assert fold_accents("ﬁn") == "fin"  # compatibility forms decomposed too


@pytest.mark.parametrize(
    ("case", "folded"),
    [("keep", "ÉGYPTE Straße"), ("lower", "égypte straße"), ("casefold", "égypte strasse")],
)
def test_folding_lowers_or_casefolds_before_dropping_accents(case, folded):
    assert fold_accents("ÉGYPTE Straße", case=case) == fold_accents(folded)


def test_case_applies_before_decomposition():
    # A modifier capital lowers to itself, then decomposes to "A": the order is each caller's.
    assert fold_accents("ᴬ", case="lower") == "A"
    assert fold_accents("ᴬ").lower() == "a"


def test_ligatures_and_apostrophes_are_folded_on_request_only():
    assert fold_accents("Œuvres d’Æsope") == "Œuvres d’Æsope"
    assert fold_accents("Œuvres d’Æsope", ligatures=True) == "OEuvres d’AEsope"
    assert fold_accents("l’Égypte lʼIran l`Irak", apostrophes=True) == "l'Egypte l'Iran l'Irak"
    assert fold_accents("ŒUVRE", case="casefold", ligatures=True) == "oeuvre"


def test_keep_length_folds_character_by_character():
    text = "À la française, l'İstanbul ﬁn"
    folded = fold_accents(text, case="lower", keep_length=True)

    assert len(folded) == len(text)
    assert folded.startswith("a la francaise")
    assert folded[18] == "İ"  # "İ" lowers to two characters: left as written
    assert folded[-2] == "ﬁ"  # "ﬁ" decomposes to two characters: left as written


def test_compose_gives_back_composed_text():
    assert len(fold_accents("가")) == 2  # Hangul decomposes into its letters…
    assert fold_accents("가", compose=True) == "가"  # …composed again on request


def test_keep_arabic_leaves_text_with_arabic_script_as_written():
    assert fold_accents("عُمان") == "عمان"
    assert fold_accents("عُمان", keep_arabic=True) == "عُمان"
    assert fold_accents("Amman عمّان", keep_arabic=True) == "Amman عمّان"
    assert fold_accents("Égypte", keep_arabic=True) == "Egypte"
    assert has_arabic("Amman عمّان") and not has_arabic("Amman")


# --- Elisions and words -------------------------------------------------------------------


def test_elided_articles_and_pronouns_become_spaces():
    assert strip_elisions("l'Égypte d’Alger qu'il jusqu'à L'ONU").split() == [
        "Égypte",
        "Alger",
        "il",
        "à",
        "ONU",
    ]
    assert strip_elisions("aujourd'hui") == "aujourd'hui"  # not an elision
    assert strip_elisions("presqu'île").split() == ["île"]


def test_words_are_runs_of_letters_and_digits():
    assert split_words("Arabie-Saoudite, COP28 : l'ONU (foo_bar)") == [
        "Arabie",
        "Saoudite",
        "COP28",
        "l",
        "ONU",
        "foo",
        "bar",
    ]
    assert split_words("foo_bar baz", underscores=True) == ["foo_bar", "baz"]
    assert [match.span() for match in find_words("Le Caire, 2024")] == [(0, 2), (3, 8), (10, 14)]


# --- Stems and terms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("sanctions", "sanction"),
        ("biélorussie", "biéloruss"),
        ("biélorusse", "biéloruss"),
        ("élections", "élect"),
        ("journaux", "journal"),
        ("bureaux", "bureau"),
        ("jeux", "jeu"),  # the plural stripped first: Snowball alone keeps "jeux"
        ("prix", "prix"),  # -ix words keep their x
        ("hamas", "hamas"),  # names that stemmed would be another word
        ("paris", "paris"),
        ("cop28", "cop28"),
    ],
)
def test_stem_is_the_french_snowball_stem(word, stemmed):
    assert stem(word) == stemmed


def test_word_terms_are_folded_stems_with_an_unaccented_variant():
    assert word_terms("égypte") == ("egypt",)
    assert word_terms("majorité") == ("major", "majorit")
    assert word_terms("le") == ()
    assert word_terms("x") == ()
    assert word_terms("œuvres") == word_terms("oeuvres") == ("oeuvr",)


def test_terms_by_word_keeps_each_word_in_its_place():
    assert terms_by_word("La majorité l'a dit") == [(), ("major", "majorit"), (), ("dit",)]
    assert terms_by_word("La majorité", keep_stop_words=True) == [("la",), ("major", "majorit")]
    assert word_terms("7") == ("7",)
    assert word_terms("le", keep_stop_words=True) == ("le",)
    assert is_stop_word("les") and is_stop_word("l") and not is_stop_word("paix")


def test_tokenize_reads_french_as_search_does():
    text = "Les sanctions contre l'Égypte et la Biélorussie"

    assert tokenize(text) == ["sanction", "contr", "egypt", "bieloruss"]
    assert tokenize(text, keep_stop_words=True) == [
        "le",
        "sanction",
        "contr",
        "egypt",
        "et",
        "la",
        "bieloruss",
    ]
    assert tokenize("majorité", accent_variants=True) == ["major", "majorit"]


@pytest.mark.parametrize(
    ("one", "other"),
    [("sanctions", "sanction"), ("l'Égypte", "egypte"), ("Biélorussie", "biélorusse")],
)
def test_tokenize_gives_one_term_to_the_forms_of_a_word(one, other):
    assert tokenize(one) == tokenize(other)


# --- Names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("l’Égypte", "egypte"),
        ("Egypte", "egypte"),
        ("  Le Caire ", "caire"),
        ("The Times", "times"),
        ("al-Qaïda", "qaida"),
        ("Lebanon", "lebanon"),  # an article is a whole word: "Le" of Lebanon stays
        ("Theresa May", "theresa may"),
        ("Côte d'Ivoire", "cote d ivoire"),
        ("Vladimir   Poutine", "vladimir poutine"),
    ],
)
def test_a_name_key_drops_case_accents_leading_article_and_punctuation(name, key):
    assert normalise_name(name) == key
