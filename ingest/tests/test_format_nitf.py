"""Standalone NITF (issue #14): agency files in NITF 3.x, namespaced or not, become articles
with their headline, kicker, by-line, dateline, dates, doc-id and pictures; hostile XML is
refused before anything is read, and other XML is still "not in a format we can read".

The fixtures in fixtures/nitf/ were written for these tests. One test reads the NITF part of
IPTC's NewsML-G2 example listing 2 (iptc/newsml-g2 examples, MIT) from ../shared/data.
"""

import io
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from ingest.exceptions import EmptyArticle, FormatError, UnsafeXML, XMLTooLarge
from ingest.formats import ADAPTERS_BY_NAME, RawDocument, detect_adapter
from ingest.formats.newsml import NewsMLAdapter
from ingest.formats.nitf import NITFAdapter
from ingest.models import IngestedItem, SourceFeed
from ingest.services import IngestOutcome, extract_document, extract_location, ingest_article
from newsroom.article import Dateline, Image
from newsroom.models import ArticlePage

from .helpers import SHARED, make_section

FIXTURES = Path(__file__).parent / "fixtures" / "nitf"
PORT = FIXTURES / "port-beyrouth-nitf-3.5.xml"  # IPTC 2006 namespace, NITF 3.5, French
SFAX = FIXTURES / "sfax-nitf-3.2-latin1.xml"  # no namespace, DOCTYPE, ISO-8859-1
FED = FIXTURES / "fed-nitf-3.0-prefixed.xml"  # prefixed namespace, NITF 3.0, English
LISTING_2 = SHARED / "data" / "newsml" / "LISTING_2_NewsML-G2_Text_Document.xml"
NITF = "http://iptc.org/std/NITF/2006-10-18/"
BEIRUT = timezone(timedelta(hours=2))


def _read(content: bytes | str, **document) -> list:
    content = content.encode() if isinstance(content, str) else content
    return extract_document(RawDocument(content=content, **document))


def _nitf(body: str, head: str = "", root: str = "<nitf>") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{root}<head>{head}</head><body><body.head><hedline><hl1>Le port rouvre</hl1></hedline>
</body.head><body.content>{body}</body.content></body></nitf>"""


# Reading -----------------------------------------------------------------------------------------
def test_a_namespaced_nitf_3_5_file_reads_as_a_complete_article():
    [article] = _read(PORT.read_bytes())

    assert article.format == "nitf"
    assert article.title == "Le port de Beyrouth rouvre ses quais"
    assert article.kicker == "Liban"  # the hl2 marked kicker, not the standfirst
    assert article.standfirst == "Trois semaines de travaux ont pris fin mardi."
    assert article.byline == "Par Rania Haddad, correspondante"
    assert article.source.author == "Rania Haddad"
    assert article.source.outlet == "Agence Démo"
    assert article.source.url == "https://agence.example/depeches/20240312-port-beyrouth"
    assert article.dateline == Dateline(places=("Beyrouth",), date=date(2024, 3, 12))
    assert article.published == datetime(2024, 3, 12, 8, 30, tzinfo=BEIRUT)
    assert article.guid == "AGD:20240312-PORT-BEY-01"
    assert article.version == 2
    assert article.language == "fr"
    assert article.body == (
        "Les premiers cargos ont accosté mardi matin dans le port de Beyrouth, après trois "
        "semaines de travaux sur les quais endommagés.",
        "Un trafic encore réduit",  # an intertitle stays in the body
        "Le trafic reste limité à la moitié des postes à quai, selon l'autorité portuaire.",
    )
    # The caption's paragraphs are the picture's, not the story's.
    assert article.images == (
        Image(
            url="https://photos.agence.example/2024/03/12/port.jpg",
            caption="Un cargo au port de Beyrouth, le 12 mars 2024.",
            credit="Agence Démo / Karim Nassar",
        ),
    )
    assert article.warnings == ("image dropped: not an http(s) URL: photos/plan-du-port.png",)
    assert article.subjects == (
        "Beyrouth",
        "port",
        "économie, affaires et finances",
        "transport",
        "subj:04000000",
        "subj:04015000",
    )


def test_a_nitf_3_2_file_without_namespace_in_latin_1_reads_its_dateline_from_the_text():
    """The DOCTYPE names a DTD that is never loaded; the dateline opens the first paragraph."""
    content = SFAX.read_bytes()
    assert "é".encode("latin-1") in content and b"<!DOCTYPE nitf SYSTEM" in content

    [article] = _read(content)

    assert article.title == "Sfax rénove ses canalisations"
    assert article.dateline == Dateline(places=("Sfax",), date=date(2024, 3, 5))
    assert article.body[0].startswith("Le conseil municipal a adopté mardi soir")
    assert article.source.author == "Leïla Ben Salah"
    assert article.source.outlet == "Agence Tunisienne Démo"  # doc.rights provider
    assert article.guid == "TAPD-2024-0305-117"  # already names its source: not prefixed
    assert article.version == 1
    assert article.published == datetime(2024, 3, 5, 10, 15, tzinfo=UTC)
    assert article.language == "fr"  # no declaration: detected from the text


def test_a_prefixed_nitf_3_0_file_reads_the_english_agency_dateline():
    [article] = _read(FED.read_bytes())

    assert article.title == "Fed to halt QE to avert bubble"
    assert article.dateline == Dateline(places=("Washington",), date=date(2016, 10, 21))
    assert article.body[0].startswith("The Federal Reserve said on Friday")
    assert article.source.author == "Meredith Jameson"
    assert article.language == "en"  # xml:lang on the body
    assert article.guid == "US-FED-20161021-0001"
    assert article.version is None


@pytest.mark.skipif(not LISTING_2.exists(), reason="../shared/data/newsml is not present")
def test_the_nitf_of_an_iptc_newsml_item_reads_the_same_alone_as_in_its_envelope():
    item = etree.parse(LISTING_2).getroot()
    nitf = item.find(f".//{{{NITF}}}nitf")
    standalone = etree.tostring(nitf, xml_declaration=True, encoding="UTF-8")

    [alone] = _read(standalone)
    [wrapped] = NewsMLAdapter().extract(RawDocument(content=LISTING_2.read_bytes()))

    assert alone.format == "nitf"
    assert alone.title == wrapped.title == 'Fed to halt QE to avert "bubble"'
    assert alone.body == wrapped.body
    assert alone.body[0].startswith("Et, sent luptat luptat")  # "(New York, NY - October 21)"
    assert alone.dateline is not None and alone.dateline.places == ("New York, NY",)
    assert alone.byline == wrapped.byline == "By Meredith Jameson, Staff Reporter"
    assert alone.source.author == "Meredith Jameson"


def test_the_dates_and_the_language_fall_back_in_order():
    head = """<docdata><date.release norm="2024-03-10T09:00:00Z"/></docdata>
      <pubdata date.publication="20240311T070000Z"/>"""
    body = "<p>BEYROUTH - Les quais ont rouvert.</p>"
    [article] = _read(_nitf(body, head, root='<nitf baselang="ar-LB">'))
    assert article.published == datetime(2024, 3, 11, 7, 0, tzinfo=UTC)  # pubdata
    assert article.language == "ar"  # NITF's baselang
    # A dateline without a date takes the day the document was issued.
    assert article.dateline == Dateline(places=("Beyrouth",), date=date(2024, 3, 11))
    assert article.body == ("Les quais ont rouvert.",)


def test_a_leading_hl2_is_the_standfirst_and_a_head_title_stands_in_for_a_missing_hl1():
    content = """<nitf><head><title>Le port rouvre</title></head><body><body.content>
      <hl2>Trois semaines de travaux.</hl2><p>Les quais ont rouvert.</p>
    </body.content></body></nitf>"""
    [article] = _read(content)
    assert article.title == "Le port rouvre"
    assert article.standfirst == "Trois semaines de travaux."
    assert article.body == ("Les quais ont rouvert.",)


def test_a_withdrawn_document_is_refused_and_an_embargo_is_a_warning():
    for status in ("canceled", "withheld"):
        head = f'<docdata management-status="{status}"><doc-id id-string="x1"/></docdata>'
        with pytest.raises(FormatError, match=f"x1 is {status} by its provider"):
            _read(_nitf("<p>Texte.</p>", head))
    later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y%m%dT%H%M%SZ")
    head = f'<docdata management-status="embargoed"><date.release norm="{later}"/></docdata>'
    [article] = _read(_nitf("<p>Texte.</p>", head))
    assert any(warning.startswith("embargoed until") for warning in article.warnings)


def test_a_version_that_is_not_a_number_is_ignored_with_a_warning():
    [article] = _read(_nitf("<p>Texte.</p>", '<docdata><du-key version="v2"/></docdata>'))
    assert article.version is None
    assert "version ignored: not a whole number: v2" in article.warnings


def test_a_document_with_neither_headline_nor_text_is_empty():
    with pytest.raises(EmptyArticle, match="no headline and no text"):
        _read("<nitf><head/><body><body.content/></body></nitf>")


# Detection -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    [
        PORT.read_bytes(),
        SFAX.read_bytes(),
        FED.read_bytes(),
        b"<nitf><body><body.content><p>Texte.</p></body.content></body></nitf>",
        _nitf("<p>Texte.</p>").replace("UTF-8", "UTF-16").encode("utf-16"),
        b'<!-- AGD --><!DOCTYPE nitf [ <!ATTLIST nitf baselang CDATA "fr"> ]>\n'
        + _nitf("<p>Texte.</p>").split("\n", 1)[1].encode(),
        _nitf("<p>Texte.</p>", root='<nitf xmlns="http://www.nitf.org/IPTC/NITF/3.2/">').encode(),
    ],
    ids=["iptc-ns", "no-ns-doctype", "prefixed", "bare", "utf16", "internal-subset", "other-ns"],
)
def test_an_nitf_root_is_detected_whatever_its_namespace_prolog_or_encoding(content):
    assert isinstance(detect_adapter(RawDocument(content=content)), NITFAdapter)
    [article] = _read(content)
    assert article.format == "nitf"


def test_nitf_is_not_claimed_when_it_is_not_the_root():
    adapter = NITFAdapter()
    html = b"""<!DOCTYPE html><html><body><p>Exemple :</p>
      <pre>&lt;nitf&gt;&lt;body.content&gt;</pre></body></html>"""
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>nitf</title>
      <item><title>&lt;nitf&gt;</title></item></channel></rss>"""
    foreign = b'<nitf xmlns="urn:example:not-news"><p>Texte.</p></nitf>'
    for content in (html, rss, foreign, b"Le port rouvre.\n\nBEYROUTH - Texte.", b""):
        assert not adapter.sniff(RawDocument(content=content))
    assert detect_adapter(RawDocument(content=rss)).name == "feed"
    if LISTING_2.exists():  # NITF inside a NewsML-G2 item is still NewsML
        assert detect_adapter(RawDocument(content=LISTING_2.read_bytes())).name == "newsml"


def test_xml_that_is_not_nitf_is_still_not_in_a_format_we_can_read():
    xml = b'<?xml version="1.0"?><article><title>Le port</title><p>Texte.</p></article>'
    with pytest.raises(FormatError) as refused:
        _read(xml)
    assert type(refused.value) is FormatError and refused.value.code == "format_error"
    assert str(refused.value.message) == str(FormatError().message)  # the generic refusal


def test_other_xml_forced_as_nitf_names_its_root():
    with pytest.raises(FormatError, match="Not an NITF document: the root element is rss"):
        NITFAdapter().extract(RawDocument(content=b"<rss version='2.0'><channel/></rss>"))


# Hostile files -------------------------------------------------------------------------------
BILLION_LAUGHS = _nitf("<p>&lol3;</p>").replace(
    "<nitf>",
    """<!DOCTYPE nitf [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<nitf>""",
)


@pytest.mark.parametrize(
    "content",
    [
        BILLION_LAUGHS.encode(),
        BILLION_LAUGHS.replace("UTF-8", "UTF-16").encode("utf-16"),
        BILLION_LAUGHS.split("\n", 1)[1].encode(),  # no XML declaration
    ],
    ids=["utf8", "utf16", "no-declaration"],
)
def test_an_entity_bomb_in_nitf_is_refused_as_unsafe_xml(content):
    with pytest.raises(UnsafeXML) as refused:
        _read(content)
    assert refused.value.code == "unsafe_xml"
    with pytest.raises(UnsafeXML):
        NITFAdapter().extract(RawDocument(content=content))


def test_an_external_entity_in_nitf_is_refused_and_the_file_never_read(tmp_path):
    nonce = "nonce-4b81e0c2a7"
    secret = tmp_path / "secret.txt"
    secret.write_text(nonce)
    xml = _nitf("<p>&secret;</p>").replace(
        "<nitf>", f'<!DOCTYPE nitf [<!ENTITY secret SYSTEM "file://{secret}">]>\n<nitf>'
    )
    with pytest.raises(UnsafeXML) as refused:
        _read(xml)
    assert nonce not in str(refused.value) and nonce not in repr(refused.value.params)


def test_the_dtd_a_doctype_names_is_never_loaded(tmp_path):
    """NITF files name their DTD; one that declares an entity must not reach the text."""
    nonce = "nonce-9d2f61c3e8"
    dtd = tmp_path / "nitf-3-5.dtd"
    dtd.write_text(f'<!ENTITY secret "{nonce}">')
    xml = _nitf("<p>Les quais&secret; ont rouvert.</p>").replace(
        "<nitf>", f'<!DOCTYPE nitf SYSTEM "file://{dtd}">\n<nitf>'
    )
    [article] = _read(xml)
    assert nonce not in repr(article)
    assert article.body == ("Les quais ont rouvert.",)
    assert "unknown entity dropped: &secret;" in article.warnings


def test_the_character_entities_of_the_named_dtd_are_read_as_characters():
    xml = _nitf("<p>L&rsquo;&eacute;t&eacute; &agrave; Tunis&nbsp;: 40&deg;C.</p>").replace(
        "<nitf>", '<!DOCTYPE nitf SYSTEM "nitf-3-2.dtd">\n<nitf>'
    )
    [article] = _read(xml)
    assert article.body == ("L\u2019été à Tunis : 40°C.",)
    assert not article.warnings


def test_malformed_and_oversized_nitf_are_refused():
    with pytest.raises(FormatError, match="malformed") as malformed:
        _read("<nitf><body><body.content><p>Texte.</body.content></body></nitf>")
    assert not isinstance(malformed.value, UnsafeXML)
    with pytest.raises(XMLTooLarge):
        _read(_nitf("<p>" + "x" * (3 * 1024 * 1024) + "</p>"))


# End to end ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_nitf_file_ingests_into_an_article_with_its_title_dateline_and_body(client):
    section = make_section()
    [item] = extract_location(str(PORT))
    outcome = ingest_article(item, section=section, publish=True)

    assert outcome.action == IngestOutcome.CREATED
    page = ArticlePage.objects.get(pk=outcome.article.pk)
    assert page.title == "Le port de Beyrouth rouvre ses quais"
    assert page.kicker == "Liban"
    assert page.standfirst == "Trois semaines de travaux ont pris fin mardi."
    assert page.dateline_text() == "Beyrouth, 12 mars 2024"
    assert page.source.name == "Agence Démo"
    assert page.body_paragraphs()[0].startswith("Les premiers cargos ont accosté")
    provenance = IngestedItem.objects.get(article=page)
    assert (provenance.format, provenance.guid, provenance.version) == (
        "nitf",
        "AGD:20240312-PORT-BEY-01",
        2,
    )
    html = client.get(page.url).content.decode()
    assert "Le port de Beyrouth rouvre ses quais" in html
    assert "Les premiers cargos ont accosté mardi matin" in html


@pytest.mark.django_db
def test_the_ingest_command_reads_an_nitf_file_once_and_follows_its_next_version(tmp_path):
    make_section()
    out = io.StringIO()
    call_command("ingest", str(SFAX), stdout=out, stderr=io.StringIO())
    call_command("ingest", str(SFAX), stdout=out, stderr=io.StringIO())
    assert out.getvalue().splitlines()[0].startswith("created: Sfax rénove ses canalisations")
    assert out.getvalue().splitlines()[1].startswith("unchanged:")

    update = tmp_path / "sfax-v2.xml"
    update.write_bytes(
        SFAX.read_bytes()
        .replace(b'<du-key version="1"/>', b'<du-key version="2"/>')
        .replace(b"ses canalisations", b"ses canalisations d'ici 2026")
    )
    call_command("ingest", str(update), stdout=out, stderr=io.StringIO())
    assert out.getvalue().splitlines()[2].startswith("updated:")
    draft = ArticlePage.objects.get().get_latest_revision_as_object()
    assert draft.title == "Sfax rénove ses canalisations d'ici 2026"
    assert draft.dateline_text() == "Sfax, 5 mars 2024"


def test_a_source_feed_can_be_told_each_format_ingest_reads():
    """A partner sending bare NITF can have it named on their feed, as for every format."""
    assert set(SourceFeed.Format.values) - {""} == set(ADAPTERS_BY_NAME)
