"""Pictures from RSS and Atom keep their captions and credits, and a caption is never the body
(issue #14). Read through the public adapter and the ingest service, as a poller does."""

import re
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ingest.exceptions import UnsafeXML
from ingest.formats import RawDocument
from ingest.formats.feeds import FeedAdapter
from ingest.services import extract_document, ingest_article
from newsroom.article import Image

from .helpers import make_section
from .hostile import SNIPPETS, hostile_text
from .picture_samples import article, picture, serve

MEDIA = 'xmlns:media="http://search.yahoo.com/mrss/"'
CONTENT = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
BODY = (
    "Le port de Sfax a rouvert ses quais aux cargos ce lundi, après trois semaines de travaux "
    "sur les grues du terminal nord."
)
CAPTION = "Les grues du port"
CREDIT = "AFP/J. Doe"


def _rss(items: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" {MEDIA} {CONTENT}><channel>'
        f"<title>Fil</title><link>https://fil.example/</link>{items}</channel></rss>"
    ).encode()


def _atom(entries: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" {MEDIA}>'
        f"<title>Fil Atom</title><id>urn:fil</id><link href='https://atom.example/'/>{entries}"
        "</feed>"
    ).encode()


def _item(extra: str, *, guid: str = "a", body: str = BODY) -> str:
    return (
        f"<item><guid>{guid}</guid><title>Le port rouvre</title>"
        f"<link>https://fil.example/{guid}</link><description>{body}</description>{extra}</item>"
    )


def _extract(content: bytes, **kwargs):
    return extract_document(RawDocument(content=content, **kwargs))


ISSUE_ITEM = _item(
    '<media:content url="https://cdn.fil.example/grues.jpg" medium="image">'
    f'<media:description>{CAPTION}</media:description><media:credit role="photographer">'
    f"{CREDIT}</media:credit></media:content>"
)


# The issue's item --------------------------------------------------------------------------
def test_the_caption_and_credit_reach_the_picture_and_the_body_stays_the_description():
    """Before: body ("Les grues du port",), the description demoted to standfirst, and a
    picture with neither caption nor credit."""
    (item,) = _extract(_rss(ISSUE_ITEM))
    assert item.body == (BODY,)
    assert item.standfirst == ""
    assert item.images == (Image("https://cdn.fil.example/grues.jpg", CAPTION, CREDIT),)
    assert CAPTION not in " ".join([item.title, item.standfirst, *item.body])


def test_a_caption_before_the_description_does_not_take_its_place():
    """feedparser reads a first <media:description> as the item's description and pushes the
    real one into the content, as plain text."""
    extra = (
        '<media:content url="https://cdn.fil.example/g.jpg" medium="image">'
        f"<media:title>Photo du port</media:title><media:description>{CAPTION}"
        "</media:description></media:content>"
    )
    content = _rss(
        "<item><guid>a</guid>"
        f"{extra}<title>Le port rouvre</title><description>&lt;p&gt;{BODY}&lt;/p&gt;"
        "</description></item>"
    )
    (item,) = _extract(content)
    assert (item.title, item.body, item.standfirst) == ("Le port rouvre", (BODY,), "")
    assert item.images[0].caption == CAPTION


def test_the_body_stays_content_encoded_and_an_html_caption_is_reduced_to_text():
    extra = (
        f"<content:encoded><![CDATA[<p>{BODY}</p><p>Les armateurs attendaient.</p>]]>"
        '</content:encoded><media:content url="/photos/g.jpg" type="image/jpeg">'
        '<media:description type="html">&lt;b&gt;Les grues&lt;/b&gt; du &lt;i&gt;port'
        "&lt;/i&gt;&lt;script&gt;alert(1)&lt;/script&gt;</media:description>"
        "<media:credit>  AFP /\n J. Doe </media:credit></media:content>"
    )
    (item,) = _extract(_rss(_item(extra, body="Le terminal nord rouvre.")))
    assert item.body == (BODY, "Les armateurs attendaient.")
    assert item.standfirst == "Le terminal nord rouvre."
    assert item.images == (Image("https://fil.example/photos/g.jpg", CAPTION, "AFP / J. Doe"),)


def test_an_item_whose_only_text_is_a_caption_has_no_body():
    content = _rss(
        "<item><guid>a</guid><title>Le port rouvre</title><link>https://fil.example/a</link>"
        '<media:content url="https://cdn.fil.example/g.jpg" medium="image">'
        f"<media:description>{CAPTION}</media:description></media:content></item>"
    )
    (item,) = _extract(content)
    assert item.body == () and "summary_only" in item.warnings
    assert item.images[0].caption == CAPTION


def test_a_picture_title_is_the_title_of_an_item_without_one_as_feedparser_reads_it():
    content = _rss(
        "<item><guid>a</guid><link>https://fil.example/a</link>"
        f"<description>{BODY}</description>"
        '<media:content url="https://cdn.fil.example/g.jpg" medium="image">'
        "<media:title>Le port rouvre</media:title></media:content></item>"
    )
    (item,) = _extract(content)
    assert (item.title, item.body) == ("Le port rouvre", (BODY,))
    assert item.images[0].caption == "Le port rouvre"


def test_two_items_keep_their_own_captions_and_credits():
    first = _item(
        '<media:content url="https://cdn.fil.example/1.jpg" medium="image">'
        "<media:description>Premier</media:description><media:credit>Reuters</media:credit>"
        "</media:content>",
        guid="un",
    )
    second = _item(
        '<media:content url="https://cdn.fil.example/2.jpg" medium="image">'
        "<media:title>Second</media:title><media:credit>AP</media:credit></media:content>"
        '<media:content url="https://cdn.fil.example/3.jpg" medium="image"/>',
        guid="deux",
    )
    one, two = _extract(_rss(first + second))
    assert one.images == (Image("https://cdn.fil.example/1.jpg", "Premier", "Reuters"),)
    assert two.images == (
        Image("https://cdn.fil.example/2.jpg", "Second", "AP"),
        Image("https://cdn.fil.example/3.jpg"),
    )
    assert one.body == two.body == (BODY,)


def test_media_rss_levels_content_over_group_over_item():
    extra = (
        "<media:description>Légende de l'article</media:description>"
        "<media:credit>Rédaction</media:credit>"
        "<media:group><media:description>Légende du groupe</media:description>"
        '<media:credit role="photographer">J. Doe</media:credit>'
        '<media:credit role="copyright">AFP</media:credit>'
        '<media:content url="https://cdn.fil.example/grand.jpg" medium="image"/>'
        '<media:content url="https://cdn.fil.example/autre.jpg" medium="image">'
        "<media:description>Sa propre légende</media:description></media:content>"
        "</media:group>"
        '<enclosure url="https://cdn.fil.example/enclos.jpg" type="image/jpeg" length="1"/>'
    )
    (item,) = _extract(_rss(_item(extra)))
    assert set(item.images) == {
        Image("https://cdn.fil.example/grand.jpg", "Légende du groupe", "J. Doe, AFP"),
        Image("https://cdn.fil.example/autre.jpg", "Sa propre légende", "J. Doe, AFP"),
        Image("https://cdn.fil.example/enclos.jpg", "Légende de l'article", "Rédaction"),
    }
    assert item.body == (BODY,)


def test_a_bare_enclosure_and_a_thumbnail_inherit_from_what_holds_them():
    bare = _item('<enclosure url="https://cdn.fil.example/e.jpg" type="image/jpeg"/>', guid="e")
    thumbnail = _item(
        '<media:content url="https://cdn.fil.example/video.mp4" medium="video">'
        "<media:description>La vidéo des grues</media:description><media:credit>AFPTV"
        '</media:credit><media:thumbnail url="https://cdn.fil.example/vignette.jpg"/>'
        "</media:content>",
        guid="t",
    )
    enclosure, video = _extract(_rss(bare + thumbnail))
    assert enclosure.images == (Image("https://cdn.fil.example/e.jpg"),)
    assert video.images == (
        Image("https://cdn.fil.example/vignette.jpg", "La vidéo des grues", "AFPTV"),
    )
    assert video.body == (BODY,)


def test_a_picture_listed_twice_is_kept_once_with_its_words():
    extra = (
        '<enclosure url="https://cdn.fil.example/g.jpg" type="image/jpeg"/>'
        '<media:content url="https://cdn.fil.example/g.jpg" medium="image">'
        f"<media:description>{CAPTION}</media:description>"
        f"<media:credit>{CREDIT}</media:credit></media:content>"
    )
    (item,) = _extract(_rss(_item(extra)))
    assert item.images == (Image("https://cdn.fil.example/g.jpg", CAPTION, CREDIT),)


# Atom --------------------------------------------------------------------------------------
def test_atom_enclosures_and_media_keep_their_words_and_the_summary_stays_the_standfirst():
    entry = (
        "<entry><id>urn:e1</id><title>Le port rouvre</title>"
        "<link rel='alternate' href='https://atom.example/e1'/>"
        "<link rel='enclosure' type='image/jpeg' href='/photos/quai.jpg' title='Le quai nord'/>"
        "<media:description>Légende avant le résumé</media:description>"
        "<summary>Le terminal nord rouvre.</summary>"
        f"<content type='html'>&lt;p&gt;{BODY}&lt;/p&gt;</content>"
        "<media:content url='https://cdn.atom.example/grues.jpg' medium='image'>"
        f"<media:title type='plain'>{CAPTION}</media:title><media:credit>{CREDIT}"
        "</media:credit></media:content></entry>"
        "<entry><id>urn:e2</id><title>Deuxième</title><summary>Un résumé.</summary>"
        "<link rel='enclosure' type='image/png' href='https://cdn.atom.example/b.png'"
        " title='Le titre du lien'/></entry>"
    )
    first, second = _extract(_atom(entry))
    assert (first.body, first.standfirst) == ((BODY,), "Le terminal nord rouvre.")
    assert first.images == (
        Image("https://atom.example/photos/quai.jpg", "Légende avant le résumé"),
        Image("https://cdn.atom.example/grues.jpg", CAPTION, CREDIT),
    )
    assert second.images == (Image("https://cdn.atom.example/b.png", "Le titre du lien"),)


# Matching items to entries -------------------------------------------------------------------
def test_items_are_matched_by_guid_when_feedparser_sees_one_more():
    """feedparser takes <Item> for an item, XML (and the safe parser) does not: the counts
    differ, and order alone would give the second item's words to the first."""
    content = _rss(
        f"<Item><guid>x</guid><title>Majuscule</title><description>{BODY}</description></Item>"
        + ISSUE_ITEM
    )
    capital, issue = _extract(content)
    assert capital.images == ()
    assert issue.images == (Image("https://cdn.fil.example/grues.jpg", CAPTION, CREDIT),)


# Feeds the safe parser does not read -----------------------------------------------------------
def test_an_ill_formed_feed_keeps_its_entries_and_a_single_pictures_credit():
    content = _rss(ISSUE_ITEM.replace("Le port rouvre", "Le port & la ville"))
    (item,) = _extract(content)
    assert item.title == "Le port & la ville"
    assert any(warning.startswith("ill-formed feed") for warning in item.warnings)
    assert item.images == (Image("https://cdn.fil.example/grues.jpg", credit=CREDIT),)


def test_a_http_charset_that_contradicts_the_declaration_is_left_to_feedparser():
    content = _rss(ISSUE_ITEM.replace("Le port rouvre", "Été à Sfax"))
    (item,) = _extract(content, content_type="application/rss+xml; charset=iso-8859-1")
    assert item.title == "Été à Sfax"  # feedparser's repair of the mojibake, as before
    assert item.images[0].credit == CREDIT


def test_a_media_rss_feed_with_entities_is_still_refused():
    content = _rss(ISSUE_ITEM).replace(
        b"<rss ", b'<!DOCTYPE rss [<!ENTITY lol "lol&lol;">]><rss ', 1
    )
    with pytest.raises(UnsafeXML):
        FeedAdapter().extract(RawDocument(content=content))


def test_a_huge_caption_is_read_in_one_piece_not_as_a_body():
    huge = "Les grues " * 50_000
    content = _rss(
        _item(ISSUE_ITEM[ISSUE_ITEM.index("<media:content") : -7]).replace(CAPTION, huge)
    )
    (item,) = _extract(content)
    assert item.body == (BODY,)
    assert item.images[0].caption == huge.strip()


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    caption=hostile_text,
    credit=hostile_text,
    markup=st.sampled_from(SNIPPETS),
    kind=st.sampled_from(["plain", "html"]),
)
# A stray C1 byte once ate "<s" as a terminal sequence, leaving "cript>alert(1)" as text.
@example(caption="\x9b", credit="", markup="<script>alert(1)</script>", kind="html")
def test_hostile_captions_and_credits_are_clean_text_and_never_the_body(
    caption, credit, markup, kind
):
    legal = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    words = escape(legal.sub("", caption + markup))
    extra = (
        '<media:content url="https://cdn.fil.example/h.jpg" medium="image">'
        f'<media:description type="{kind}">{words}</media:description>'
        f"<media:credit>{escape(legal.sub('', credit))}</media:credit></media:content>"
    )
    (item,) = _extract(_rss(_item(extra)))
    assert item.body == (BODY,)
    (image,) = item.images
    assert not _CONTROL.search(image.caption + image.credit)
    assert "\n" not in image.caption + image.credit  # one line each, white space collapsed
    if kind == "html" and "<" in markup and "alert" not in caption:
        assert "alert" not in image.caption  # the markup went (scripts, handlers, URLs)


# Through the ingest service ----------------------------------------------------------------
@pytest.mark.django_db
def test_the_stored_lead_image_has_the_feeds_caption_and_credit(picture_server):
    url = serve(picture_server, "/photos/grues.jpg", picture("JPEG"), "image/jpeg")
    (item,) = _extract(_rss(ISSUE_ITEM.replace("https://cdn.fil.example/grues.jpg", url)))

    outcome = ingest_article(item, section=make_section())

    page = article(outcome)
    assert (page.lead_image.caption, page.lead_image.credit) == (CAPTION, CREDIT)
    assert [block.block_type for block in page.body] == ["paragraph"]
    assert BODY in page.body[0].render() and CAPTION not in page.body[0].render()
