"""`clean_text`: the one cleaning every boundary applies (issue #12, item 2), and the admin's
forms applying it to everything an editor submits."""

import re
import unicodedata

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from newsroom.models import ArticlePage, SectionPage, Topic
from newsroom.tests.factories import ArticlePageFactory
from newsroom.text import clean_text

# What XML 1.0 and we refuse: C0/C1 controls but tab and newline, surrogates, noncharacters.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]|[\U0001fffe-\U0001ffff]"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sommet \u0001 \u001b au Caire", "Sommet   au Caire"),
        ("Le Caire\r\nAlexandrie\rAssouan", "Le Caire\nAlexandrie\nAssouan"),
        ("colonne\tvaleur\nligne", "colonne\tvaleur\nligne"),
        ("Tunis\x0cSfax\x85Sousse", "Tunis Sfax Sousse"),  # separators keep words apart
        ("Bizerte\x00\x7f\x9b2J", "Bizerte"),
        ("\x1b[1;31mGabès\x1b[0m", "Gabès"),
        ("\x9b<script>", "<script>"),  # a stray C1 byte never eats the markup after it
        ("\x1b[<b>", "[<b>"),
        ("\x9b Lire aussi", " Lire aussi"),  # cp1252's "›" read as Latin-1
        ("E\u0301gypte, Sidi Bou Sai\u0308d", "Égypte, Sidi Bou Saïd"),  # NFC
        ("noncaract\ufffeère\uffff\U0010ffff", "noncaractère"),
        ("surrogate \ud83d seule", "surrogate  seule"),
        ("القاهرة \u200f 🇪🇬 👩\u200d💻", "القاهرة \u200f 🇪🇬 👩\u200d💻"),  # RTL mark, ZWJ kept
        ("", ""),
    ],
)
def test_clean_text_drops_what_is_not_text_and_normalises_the_rest(text, expected):
    assert clean_text(text) == expected


@settings(derandomize=True, max_examples=500)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_clean_text_of_any_text_is_clean_nfc_and_stable(text):
    """Over every code point, surrogates included on purpose (they only reach us in
    Python strings built from broken decoders, but then they must go too)."""
    cleaned = clean_text(text)

    assert FORBIDDEN.search(cleaned) is None
    assert "\r" not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned) == cleaned
    cleaned.encode("utf-8")  # no lone surrogate left to fail the response's encoding


@settings(derandomize=True, max_examples=200)
@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs", "Cn"))))
def test_clean_text_leaves_printable_text_alone_but_for_nfc(text):
    assert clean_text(text) == unicodedata.normalize("NFC", text)


# The admin -----------------------------------------------------------------------------------
DIRTY = "\u0001\u001b[31m\x00"  # what a terminal or a wire leaves behind


def edit_form(article, **overrides):
    data = {
        "kicker": f"Diplo{DIRTY}matie",
        "title": f"Sommet {DIRTY}au Caire",
        "slug": article.slug,
        "dateline_places": inline_formset([{"name": f"Le Cai{DIRTY}re"}]),
        "related_pins": inline_formset([]),
        "related_exclusions": inline_formset([]),
        "dateline_date": "2024-05-10",
        "standfirst": "Les ministres se retrouvent\r\nau Caire.\x07",
        "body": streamfield(
            [
                ("paragraph", rich_text("<p>Ouverture E\u0301gypte\x0b\x07 demain.</p>")),
                ("heading", f"Ordre du{DIRTY} jour"),
                ("quote", {"text": f"Un tournant{DIRTY}", "speaker": "La ministre\x1f"}),
            ]
        ),
        "source": "",
        "source_author": f"Agence{DIRTY}",
        "source_url": "",
        "first_published_at": "",
        "updated_at": "",
        "seo_title": f"Sommet{DIRTY}",
        "search_description": f"Le sommet{DIRTY}",
        "action-publish": "action-publish",
        **overrides,
    }
    form = nested_form_data(data)
    form["topics"] = []
    return form


@pytest.mark.django_db
def test_an_editor_pasting_control_characters_saves_and_publishes_clean_text(
    site_tree, admin_client
):
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Avant")
    url = reverse("wagtailadmin_pages:edit", args=(article.pk,))

    response = admin_client.post(url, edit_form(article))

    assert response.status_code == 302, response.context["form"].errors
    article = ArticlePage.objects.get(pk=article.pk)
    for page in (article, article.get_latest_revision_as_object()):
        assert page.title == "Sommet au Caire"
        assert page.kicker == "Diplomatie"
        assert page.standfirst == "Les ministres se retrouvent\nau Caire."
        assert page.source_author == "Agence"
        assert page.seo_title == "Sommet"
        assert [place.name for place in page.dateline_places.all()] == ["Le Caire"]
        paragraph, heading, quote = page.body
        assert ">Ouverture Égypte  demain.</p>" in paragraph.value.source
        assert heading.value == "Ordre du jour"
        assert (quote.value["text"], quote.value["speaker"]) == ("Un tournant", "La ministre")
    assert FORBIDDEN.search(article.get_latest_revision().content.__repr__()) is None


@pytest.mark.django_db
def test_a_section_intro_is_cleaned_too(site_tree, admin_client):
    section = site_tree.golfe
    url = reverse("wagtailadmin_pages:edit", args=(section.pk,))
    data = nested_form_data(
        {
            "title": f"Golfe{DIRTY}",
            "slug": section.slug,
            "intro": rich_text("<p>Les pays du Golfe\x07.</p>"),
            "seo_title": "",
            "search_description": "",
            "show_in_menus": "on",
            "action-publish": "action-publish",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    section = SectionPage.objects.get(pk=section.pk)
    assert section.title == "Golfe"
    assert section.intro.endswith(">Les pays du Golfe.</p>")


def test_a_snippet_an_editor_saves_is_cleaned_too(admin_client):
    """Authors, sources and topics are editors' text as much as articles are."""
    response = admin_client.post(
        reverse("wagtailsnippets_newsroom_topic:add"),
        {"name": "Sommet \x01\x1b[31m au Caire", "slug": "sommet-caire", "iptc_code": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Topic.objects.get(slug="sommet-caire").name == "Sommet  au Caire"
