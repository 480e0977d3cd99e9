"""French terms and snippets, without a database."""

import pytest

from search.analysis import french_terms, highlight, index_terms


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Biélorussie", "biélorusse"),
        ("Égypte", "egypte"),
        ("élections", "Election"),
        ("ministres", "ministre"),
        ("manifestations", "manifestants"),
    ],
)
def test_words_of_one_family_share_a_term_whatever_the_accents(one, other):
    assert french_terms(one) == french_terms(other)


def test_terms_are_stemmed_lowercase_and_without_accents():
    assert french_terms("Biélorussie") == ["bieloruss"]
    assert french_terms("Égypte") == ["egypt"]


def test_elided_articles_and_pronouns_are_dropped():
    assert french_terms("l'Égypte d’Alger qu'il jusqu'à") == ["egypt", "alger"]
    assert french_terms("aujourd'hui") == ["aujourd", "hui"]


def test_common_words_are_dropped_but_not_every_short_one():
    assert french_terms("le prix de la paix et du gaz") == ["prix", "paix", "gaz"]
    assert french_terms("les Républicains") == ["republicain"]


def test_indexed_text_also_matches_a_reader_typing_without_accents():
    (query_term,) = french_terms("majorite")
    assert query_term not in french_terms("majorité")
    assert query_term in index_terms("majorité")


def test_highlight_marks_every_form_of_the_query_words():
    text = "La Biélorussie et les Biélorusses ; rien sur l'Égypte."
    snippet = highlight(text, french_terms("biélorusse egypte"))

    assert snippet == (
        "La <mark>Biélorussie</mark> et les <mark>Biélorusses</mark> ; rien sur "
        "l&#x27;<mark>Égypte</mark>."
    )


def test_highlight_escapes_html_in_the_text():
    snippet = highlight('<script>alert("x")</script> Égypte & Soudan', ["egypt"])

    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "&amp; Soudan" in snippet
    assert "<mark>Égypte</mark>" in snippet


def test_highlight_picks_the_window_with_most_query_words():
    filler = " ".join(f"mot{number}" for number in range(40))
    text = f"Le gaz au début. {filler} Le prix du gaz à Alger. {filler} Fin."

    snippet = highlight(text, french_terms("prix gaz"), words=10)

    assert "<mark>prix</mark> du <mark>gaz</mark>" in snippet
    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "début" not in snippet


def test_highlight_falls_back_to_the_start_of_the_text():
    text = " ".join(f"mot{number}" for number in range(50))

    snippet = highlight(text, ["egypt"], words=5)

    assert snippet == "mot0 mot1 mot2 mot3 mot4 …"
    assert "<mark>" not in snippet
