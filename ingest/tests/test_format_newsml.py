"""NewsML-G2: agency items become articles with their guid, version, metadata and text, and
hostile or broken XML is refused before anything is read."""

from datetime import UTC, date, datetime, timedelta, timezone
from xml.sax.saxutils import escape

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ingest.exceptions import EmptyArticle, FormatError, UnsafeXML
from ingest.formats import RawDocument, detect_adapter
from ingest.formats.newsml import NewsMLAdapter
from ingest.services import extract_document
from newsroom.text import clean_text

NEWSML = settings.BASE_DIR.parent / "shared" / "data" / "newsml"
LISTING_1 = NEWSML / "LISTING_1_A_NewsML-G2_News_Item.xml"
LISTING_2 = NEWSML / "LISTING_2_NewsML-G2_Text_Document.xml"
needs_listings = pytest.mark.skipif(
    not (LISTING_1.exists() and LISTING_2.exists()),
    reason="the IPTC examples in ../shared/data/newsml are not present",
)
NAR = "http://iptc.org/std/nar/2006-10-01/"
NITF = "http://iptc.org/std/NITF/2006-10-18/"
CDT = timezone(timedelta(hours=-5))


def _extract(xml: str | bytes) -> list:
    content = xml.encode() if isinstance(xml, str) else xml
    return NewsMLAdapter().extract(RawDocument(content=content))


def _item(
    *,
    guid="urn:newsml:example.org:20240312:port",
    version="1",
    lang="fr",
    status="stat:usable",
    item_class="ninat:text",
    meta="",
    content_meta="<headline>Le port rouvre</headline>",
    content='<inlineData contenttype="text/plain">Le port a rouvert ses quais.</inlineData>',
    root=True,
):
    """One newsItem; `root=False` leaves out the namespace, for use inside a newsMessage."""
    namespace = f' xmlns="{NAR}"' if root else ""
    return f"""<newsItem{namespace} guid="{guid}" version="{version}" standard="NewsML-G2"
  standardversion="2.29" xml:lang="{lang}">
  <itemMeta><itemClass qcode="{item_class}"/><provider qcode="nprov:AFP"/>
    <firstCreated>2024-03-12T08:30:00+02:00</firstCreated>
    <pubStatus qcode="{status}"/>{meta}</itemMeta>
  <contentMeta><contentCreated>2024-03-12T08:00:00+02:00</contentCreated>{content_meta}
  </contentMeta>
  <contentSet>{content}</contentSet>
</newsItem>"""


def _message(*items: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<newsMessage xmlns="{NAR}"><header><sent>2024-03-12T09:00:00Z</sent></header>
<itemSet>{"".join(items)}</itemSet></newsMessage>"""


FRENCH_NITF = _item(
    content_meta="""
    <located qcode="geo:276781"><name>Liban</name></located>
    <by>Par Rania Haddad</by>
    <subject qcode="medtop:20000344"><name xml:lang="en">economy</name>
      <name xml:lang="fr">économie</name></subject>
    <subject qcode="medtop:20000763"/>
    <headline role="hlrole:kicker">Liban</headline>
    <headline xml:lang="en">The port reopens</headline>
    <headline xml:lang="fr">Le port de Beyrouth rouvre ses quais</headline>
    <description role="drol:summary">Trois semaines de travaux ont pris fin.</description>""",
    content=f"""<inlineXML contenttype="application/nitf+xml">
    <nitf xmlns="{NITF}"><body>
      <body.head><dateline>BEYROUTH, 12 mars</dateline></body.head>
      <body.content>
        <p>Le port a rouvert   ses quais
           aux cargos ce mardi.</p>
        <hl2>Les armateurs soulagés</hl2>
        <p>Les armateurs <em>attendaient</em> cette réouverture.</p>
      </body.content>
    </body></nitf></inlineXML>""",
)


# The IPTC examples ---------------------------------------------------------------------------
@needs_listings
def test_listing_1_news_item_headline_metadata_and_no_body():
    document = RawDocument(content=LISTING_1.read_bytes())
    assert detect_adapter(document).name == "newsml"
    [article] = NewsMLAdapter().extract(document)
    assert article.title == 'Fed to halt QE to avert "bubble"'
    assert article.guid == "urn:newsml:acmenews.com:20161018:US-FINANCE-FED"
    assert article.version == 11
    assert article.language == "en"
    assert article.format == "newsml"
    assert article.published == datetime(2016, 10, 18, 13, 12, 21, tzinfo=CDT)
    assert article.dateline.places == ("Berlin",)
    assert article.dateline.date == date(2016, 10, 18)
    assert article.byline == ""
    assert article.source.author == "Meredith Jameson"  # the creator, as no by-line is given
    assert article.source.outlet == "Example Enews LLP"
    assert article.subjects == (
        "economy, business and finance",
        "labour market",
        "medtop:04000000",
        "medtop:20000523",
    )
    assert article.body == ()  # its inlineXML holds only comments
    assert "no body text: headline only" in article.warnings


@needs_listings
def test_listing_2_text_document_with_nitf_body():
    document = RawDocument(content=LISTING_2.read_bytes())
    assert detect_adapter(document).name == "newsml"
    [article] = NewsMLAdapter().extract(document)
    assert article.title == 'Fed to halt QE to avert "bubble"'
    assert article.guid == "urn:newsml:acmenews.com:20161121:US-FINANCE-FED"
    assert article.version == 10
    assert article.language == "en"
    assert article.byline == "By Meredith Jameson, Staff Reporter"
    assert article.source.author == "Meredith Jameson"
    assert article.source.outlet == "Acme News and Media LLC"
    assert article.published == datetime(2016, 11, 21, 15, 21, 6, tzinfo=CDT)
    # “(New York, NY - October 21)” opens the first paragraph: read, then removed.
    assert article.dateline.places == ("New York, NY",)
    assert article.dateline.date == date(2016, 10, 21)
    assert len(article.body) == 2
    assert article.body[0].startswith("Et, sent luptat luptat, commy Nim zzriureet")
    assert article.body[1].startswith("Ugiating ea feugait utat")
    assert article.body[1].endswith("esto cons dolutpat, si.")
    assert "medtop:20000350" in article.subjects
    assert article.subjects[:3] == (
        "economy, business and finance",
        "central bank",
        "money and monetary policy",
    )
    assert article.warnings == ()


# Items written here --------------------------------------------------------------------------
def test_french_item_with_nitf_body_dateline_kicker_and_subjects():
    [article] = _extract(FRENCH_NITF)
    assert article.title == "Le port de Beyrouth rouvre ses quais"  # the xml:lang="fr" one
    assert article.kicker == "Liban"
    assert article.standfirst == "Trois semaines de travaux ont pris fin."
    assert article.dateline.places == ("Beyrouth",)
    assert article.dateline.date == date(2024, 3, 12)
    assert article.body == (
        "Le port a rouvert ses quais aux cargos ce mardi.",
        "Les armateurs soulagés",
        "Les armateurs attendaient cette réouverture.",
    )
    assert article.byline == "Par Rania Haddad"
    assert article.source.author == "Rania Haddad"
    assert article.source.outlet == "AFP"
    assert article.language == "fr"
    assert article.subjects == ("économie", "medtop:20000344", "medtop:20000763")
    assert article.published == datetime(2024, 3, 12, 6, 30, tzinfo=UTC)


def test_dateline_opening_the_first_paragraph_is_read_and_removed():
    text = "BEYROUTH, 12 mars (AFP) – Le port a rouvert.\n\nLes armateurs attendaient."
    [article] = _extract(_item(content=f"<inlineData>{text}</inlineData>"))
    assert article.dateline.places == ("Beyrouth",)
    assert article.dateline.date == date(2024, 3, 12)
    assert article.body == ("Le port a rouvert.", "Les armateurs attendaient.")


def test_nitf_hedline_and_abstract_fill_title_and_standfirst():
    nitf = f"""<inlineXML contenttype="application/nitf+xml"><nitf xmlns="{NITF}"><body>
      <body.head><hedline><hl1>Titre NITF</hl1><hl2>Le sous-titre du NITF.</hl2></hedline>
      </body.head><body.content><p>Premier paragraphe.</p></body.content></body></nitf>
      </inlineXML>"""
    [article] = _extract(_item(content_meta="", content=nitf))
    assert article.title == "Titre NITF"
    assert article.standfirst == "Le sous-titre du NITF."
    assert article.body == ("Premier paragraphe.",)
    assert article.dateline is None  # no dateline, no located place


def test_xhtml_inline_content_gives_its_paragraphs():
    xhtml = """<inlineXML contenttype="application/xhtml+xml">
      <html xmlns="http://www.w3.org/1999/xhtml"><body><p>Un.</p><p> Deux  <b>gras</b>.</p>
      </body></html></inlineXML>"""
    [article] = _extract(_item(content=xhtml))
    assert article.body == ("Un.", "Deux gras.")


def _nitf_body(paragraphs: str) -> str:
    return f"""<inlineXML contenttype="application/nitf+xml"><nitf xmlns="{NITF}"><body>
      <body.content>{paragraphs}</body.content></body></nitf></inlineXML>"""


def test_leading_hl2_is_the_standfirst_unless_the_item_has_a_summary():
    body = _nitf_body("<hl2>Trois semaines de travaux.</hl2><p>Le port a rouvert.</p>")
    [without_summary] = _extract(_item(content=body))
    assert without_summary.standfirst == "Trois semaines de travaux."
    assert without_summary.body == ("Le port a rouvert.",)
    summary = "<headline>Le port rouvre</headline><description>Le résumé.</description>"
    [with_summary] = _extract(_item(content=body, content_meta=summary))
    assert with_summary.standfirst == "Le résumé."
    assert with_summary.body == ("Trois semaines de travaux.", "Le port a rouvert.")


def test_sub_headline_is_a_standfirst_not_a_kicker():
    headlines = """<headline role="hlrole:sub">Les cargos reviennent à quai.</headline>
      <headline role="hlrole:main">Le port rouvre</headline>"""
    [article] = _extract(_item(content_meta=headlines))
    assert (article.title, article.kicker) == ("Le port rouvre", "")
    assert article.standfirst == "Les cargos reviennent à quai."


def test_escaped_html_inline_data_gives_its_paragraphs():
    html = escape("<p>Un <b>premier</b> paragraphe.</p><div><p>Le second.</p></div>")
    [article] = _extract(_item(content=f'<inlineData contenttype="text/html">{html}</inlineData>'))
    assert article.body == ("Un premier paragraphe.", "Le second.")


def test_news_message_with_two_items_gives_two_articles():
    first = _item(guid="urn:example:one", root=False)
    second = _item(
        guid="urn:example:two",
        root=False,
        lang="en",
        content_meta="<headline>Second story</headline>",
        content="<inlineData>First line.\n\n  Second\n line.</inlineData>",
    )
    document = _message(first, second)
    assert NewsMLAdapter().sniff(RawDocument(content=document.encode()))
    articles = _extract(document)
    assert [article.guid for article in articles] == ["urn:example:one", "urn:example:two"]
    assert [article.title for article in articles] == ["Le port rouvre", "Second story"]
    assert articles[1].body == ("First line.", "Second line.")
    assert articles[1].language == "en"


def test_version_two_of_the_same_guid_is_read_as_an_update():
    [first] = _extract(_item(version="1"))
    [update] = _extract(
        _item(version="2", content_meta="<headline>Le port rouvre enfin</headline>")
    )
    assert first.guid == update.guid
    assert (first.version, update.version) == (1, 2)
    assert update.title == "Le port rouvre enfin"


def test_message_carrying_two_versions_keeps_the_latest():
    older = _item(version="1", root=False)
    newer = _item(version="2", root=False, content_meta="<headline>Mis à jour</headline>")
    [article] = _extract(_message(newer, older))
    assert (article.version, article.title) == (2, "Mis à jour")
    assert any("skipped version 1" in warning for warning in article.warnings)


def test_canceled_item_alone_is_refused_with_the_reason():
    with pytest.raises(FormatError, match="canceled by its provider"):
        _extract(_item(status="stat:canceled"))


def test_canceled_item_in_a_message_is_skipped_with_a_warning():
    usable = _item(guid="urn:example:kept", root=False)
    canceled = _item(guid="urn:example:gone", status="stat:canceled", root=False)
    [article] = _extract(_message(usable, canceled))
    assert article.guid == "urn:example:kept"
    assert any("urn:example:gone" in w and "canceled" in w for w in article.warnings)


def test_picture_item_and_package_are_not_read_as_articles():
    text = _item(guid="urn:example:text", root=False)
    picture = _item(guid="urn:example:photo", item_class="ninat:picture", root=False)
    package = '<packageItem guid="urn:example:pkg" version="1"/>'
    [article] = _extract(_message(text, picture, package))
    assert article.guid == "urn:example:text"
    assert any("urn:example:photo" in w and "picture" in w for w in article.warnings)
    assert any("packageItem urn:example:pkg" in w for w in article.warnings)


def test_javascript_image_url_is_dropped_and_an_https_one_kept():
    content = """<remoteContent contenttype="image/jpeg" href="javascript:alert(1)"/>
      <remoteContent contenttype="image/jpeg" href="https://cdn.example.org/port.jpg"/>
      <remoteContent contenttype="text/html" href="https://example.org/page"/>
      <inlineData>Le port a rouvert.</inlineData>"""
    content_meta = """<headline>Le port rouvre</headline><creditline>AFP/J. Doe</creditline>
      <description role="drol:caption">Les grues du terminal nord.</description>"""
    [article] = _extract(_item(content=content, content_meta=content_meta))
    assert [image.url for image in article.images] == ["https://cdn.example.org/port.jpg"]
    assert article.images[0].caption == "Les grues du terminal nord."
    assert article.images[0].credit == "AFP/J. Doe"
    assert article.standfirst == ""  # a caption is not a summary
    assert any("javascript:alert(1)" in warning for warning in article.warnings)
    assert "javascript" not in repr(article.images)


def test_canonical_link_and_future_embargo():
    meta = """<embargoed>2999-01-01T00:00:00Z</embargoed>
      <link rel="irel:canonical" href="https://www.example.org/port"/>"""
    [article] = _extract(_item(meta=meta))
    assert article.source.url == "https://www.example.org/port"
    assert any(w.startswith("embargoed until 2999-01-01") for w in article.warnings)


def test_item_without_headline_or_text_is_an_empty_article():
    with pytest.raises(EmptyArticle, match="urn:example:empty"):
        _extract(_item(guid="urn:example:empty", content_meta="", content=""))


def test_language_is_detected_when_not_declared():
    text = (
        "Le gouvernement a annoncé mardi la réouverture du port après trois semaines de "
        "travaux sur les grues et les entrepôts du terminal nord."
    )
    xml = _item(content=f"<inlineData>{text}</inlineData>").replace(' xml:lang="fr"', "")
    [article] = _extract(xml)
    assert article.language == "fr"


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
        ),
        max_size=80,
    )
)
def test_any_headline_text_comes_back_clean_with_whitespace_collapsed(headline):
    """Cleaned as all partner text is (NFC turns "\uf900" into "\u8c48"; issue #12)."""
    xml = _item(content_meta=f"<headline>{escape(headline)}</headline>", content="")
    expected = " ".join(clean_text(headline).split())
    if not expected:
        with pytest.raises(EmptyArticle):
            _extract(xml)
        return
    [article] = _extract(xml)
    assert article.title == expected


# Refusals ------------------------------------------------------------------------------------
def test_billion_laughs_is_refused():
    xml = f"""<?xml version="1.0"?>
<!DOCTYPE newsItem [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<newsItem xmlns="{NAR}" guid="urn:x" version="1"><contentMeta>
<headline>&lol3;</headline></contentMeta></newsItem>"""
    with pytest.raises(UnsafeXML):
        _extract(xml)


def test_external_entity_is_refused_and_the_file_never_read(tmp_path):
    nonce = "nonce-7f3c9b1e2d"
    secret = tmp_path / "secret.txt"
    secret.write_text(nonce)
    xml = f"""<?xml version="1.0"?>
<!DOCTYPE newsItem [<!ENTITY secret SYSTEM "file://{secret}">]>
<newsItem xmlns="{NAR}" guid="urn:x" version="1"><contentMeta>
<headline>&secret;</headline></contentMeta></newsItem>"""
    with pytest.raises(UnsafeXML) as caught:
        _extract(xml)
    assert nonce not in str(caught.value)
    assert nonce not in repr(caught.value.params)


def test_malformed_xml_is_a_format_error():
    with pytest.raises(FormatError, match="malformed") as caught:
        _extract(f'<newsItem xmlns="{NAR}" guid="urn:x"><contentMeta></newsItem>')
    assert not isinstance(caught.value, UnsafeXML)


def test_message_without_news_item_is_a_format_error():
    with pytest.raises(FormatError, match="holds no newsItem"):
        _extract(_message())


def test_package_item_alone_is_a_format_error():
    with pytest.raises(FormatError, match="packageItem only refers to other items"):
        _extract(f'<packageItem xmlns="{NAR}" guid="urn:x" version="1"/>')


def test_other_xml_forced_as_newsml_is_a_format_error():
    with pytest.raises(FormatError, match="Not a NewsML-G2 document"):
        _extract("<rss version='2.0'><channel><title>Fil</title></channel></rss>")


# Sniffing ------------------------------------------------------------------------------------
def test_sniff_claims_news_items_and_messages_only():
    adapter = NewsMLAdapter()
    assert adapter.sniff(RawDocument(content=FRENCH_NITF.encode()))
    assert adapter.sniff(RawDocument(content=_message().encode()))
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Fil</title>
      <item><title>newsItem</title><link>http://iptc.org/std/nar/2006-10-01/</link></item>
      </channel></rss>"""
    html = b"""<!DOCTYPE html><html><body><p>Exemple :</p>
      <pre>&lt;newsItem xmlns="http://iptc.org/std/nar/2006-10-01/"&gt;</pre></body></html>"""
    assert not adapter.sniff(RawDocument(content=rss))
    assert not adapter.sniff(RawDocument(content=html))
    assert not adapter.sniff(RawDocument(content=b"Le port rouvre.\n\nBEYROUTH - Texte."))


# Detection of unsafe XML (issue #12, item 11) ------------------------------------------------
INLINE_DTD_ITEM = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE newsItem [
  <!ENTITY agency "Agence &#x3E; Démo">
  <!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<newsItem xmlns="{NAR}" guid="urn:x" version="1"><contentMeta>
<headline>&agency; &lol2;</headline></contentMeta></newsItem>"""


@pytest.mark.parametrize(
    "content",
    [
        INLINE_DTD_ITEM.encode(),
        INLINE_DTD_ITEM.replace("UTF-8", "UTF-16").encode("utf-16"),
        INLINE_DTD_ITEM.replace("newsItem", "unknownRoot").encode(),
        INLINE_DTD_ITEM.replace('<?xml version="1.0" encoding="UTF-8"?>\n', "").encode(),
    ],
    ids=["newsml", "newsml-utf16", "unknown-root", "no-declaration"],
)
def test_an_inline_dtd_is_refused_as_unsafe_xml_not_as_an_unknown_format(content):
    """Detection read the root element after the prolog and stopped at the first `>` inside
    the internal subset, so the item was "not in a format we can read"."""
    with pytest.raises(UnsafeXML) as refused:
        extract_document(RawDocument(content=content))
    assert refused.value.code == "unsafe_xml"


def test_an_internal_subset_without_entities_still_reads_as_newsml():
    xml = FRENCH_NITF.replace(
        "<newsItem",
        '<!DOCTYPE newsItem [ <!ATTLIST newsItem standard CDATA "NewsML-G2"> ]>\n<newsItem',
        1,
    )
    [article] = extract_document(RawDocument(content=xml.encode()))
    assert article.format == "newsml"
