"""An "À lire :" line without an address is kept, and found by its title's key (issue #14).

Before, the seed's "A lire : L’Union européenne s’accorde sur un plafonnement du prix du gaz"
was dropped with a warning when no article had exactly that title; and an article of ours
whose title differed by an apostrophe or a capital was not found.
"""

import pytest

from ingest.formats import RawDocument
from ingest.formats.plaintext import PlainTextAdapter
from ingest.services import ingest_article
from ingest.writing import read_also_block
from newsroom.article import ExtractedArticle, ReadAlso
from newsroom.models import ArticlePage
from newsroom.tests.factories import ArticlePageFactory

from .helpers import SEED, make_section

pytestmark = pytest.mark.django_db

PARTNER_TITLE = "L’Union européenne s’accorde sur un plafonnement du prix du gaz"


def read_also_blocks(page):
    return [block.value for block in page.body if block.block_type == "read_also"]


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not present")
def test_the_seed_read_also_line_is_kept_with_its_title_where_it_stood():
    item = PlainTextAdapter().extract(RawDocument(SEED.read_bytes()))[0]
    assert [link.title for link in item.read_also] == [PARTNER_TITLE]

    outcome = ingest_article(item, section=make_section())

    page = ArticlePage.objects.get(pk=outcome.article.pk)
    (block,) = read_also_blocks(page)
    assert (block["article"], block["title"], block["url"]) == (None, PARTNER_TITLE, "")
    types = [block.block_type for block in page.body]
    # After the paragraph on the single gas market, before the one on February's invasion.
    assert types.index("read_also") == item.read_also[0].position
    assert not any("dropped" in warning for warning in outcome.warnings)


def test_a_title_differing_by_apostrophes_capitals_and_a_stop_finds_our_article():
    section = make_section()
    ours = ArticlePageFactory(
        parent=section, title="L'union européenne s'accorde sur un plafonnement du prix du gaz."
    )

    block = read_also_block(ReadAlso(title=PARTNER_TITLE))

    assert block == {"article": ours, "title": "", "url": ""}


def test_a_title_spelt_without_accents_finds_our_accented_article():
    section = make_section()
    ours = ArticlePageFactory(parent=section, title="Le Caire et l’Égypte du Sud signent un accord")

    block = read_also_block(ReadAlso(title="Le Caire et l'Egypte du sud signent un accord"))

    assert block is not None and block["article"] == ours


def test_a_title_naming_nothing_we_have_is_kept_alone_and_an_empty_link_dropped():
    make_section()
    ArticlePageFactory(parent=make_section("golfe", "Golfe"), title="Le prix du gaz plafonné")

    assert read_also_block(ReadAlso(title=PARTNER_TITLE)) == {
        "article": None,
        "title": PARTNER_TITLE,
        "url": "",
    }
    assert read_also_block(ReadAlso(title="", url="javascript:alert(1)")) is None


def test_an_update_after_our_article_appeared_links_the_title(site_tree):
    item = ExtractedArticle(
        title="Poutine à Minsk",
        standfirst="Une visite consacrée au commerce.",
        body=("Le président russe est arrivé à Minsk.", "Les délégations ont discuté."),
        read_also=(ReadAlso(title=PARTNER_TITLE, position=1),),
        guid="urn:partner:minsk",
        version=1,
        format="newsml",
    )
    first = ingest_article(item, section=site_tree.maghreb).article
    assert read_also_blocks(ArticlePage.objects.get(pk=first.pk))[0]["article"] is None
    ours = ArticlePageFactory(parent=site_tree.golfe, title=PARTNER_TITLE.replace("’", "'"))

    ingest_article(item.replace(version=2, title="Poutine reçu à Minsk"), section=site_tree.maghreb)

    # A draft's text is its latest revision.
    (block,) = read_also_blocks(
        ArticlePage.objects.get(pk=first.pk).get_latest_revision_as_object()
    )
    assert block["article"].pk == ours.pk
