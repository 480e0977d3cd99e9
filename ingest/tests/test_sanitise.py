"""Partner HTML: only allowlisted tags, attributes and URL schemes survive; text reads cleanly.

The XSS corpus is checked by parsing the output again with the standard library's HTML
parser, the way a second, independent reader would see it, not by searching strings.
"""

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.sanitise import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    clean_html,
    html_to_paragraphs,
    html_to_text,
    safe_url,
    text_to_paragraphs,
)

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="javascript:alert(1)"><input type="submit" formaction="javascript:alert(1)">'
    "<button>go</button></form>",
    "<style>body{background:url(javascript:alert(1))}</style><p>text</p>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<a href="javascript:alert(1)">js</a>',
    '<a href="JAVASCRIPT:alert(1)">upper</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab entity</a>',
    '<a href="jav\tascript:alert(1)">raw tab</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">dec</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">hex</a>',
    '<a href=" &#14; javascript:alert(1)">control</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="VbScRiPt:msgbox(1)">vb upper</a>',
    '<a href="file:///etc/passwd">file</a>',
    '<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;">',
    '<a href="https://ok.example/" onclick="alert(1)" onmouseover="alert(2)">ok</a>',
    '<div onmouseover="alert(1)">hover</div>',
    '<body onload="alert(1)">body</body>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<!--<script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><script>alert(1)</script></template>",
    '<a href="#" xlink:href="javascript:alert(1)">xlink</a>',
    '<video><source onerror="alert(1)"></video>',
    '<details open ontoggle="alert(1)">x</details>',
]
FORBIDDEN_SCHEMES = ("javascript", "vbscript", "data", "file")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def _parse(html):
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def _scheme(url):
    compact = "".join(ch for ch in url if ch > " ").lower()
    return compact.split(":", 1)[0] if ":" in compact.split("/", 1)[0] else ""


def _assert_safe(html):
    for tag, attrs in _parse(html).elements:
        assert tag in ALLOWED_TAGS, (tag, html)
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        assert set(attrs) <= allowed, (tag, attrs, html)
        assert not any(name.startswith("on") for name in attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                assert _scheme(attrs[name]) in ("", "http", "https", "mailto"), (attrs, html)


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vector_is_neutralised(vector):
    cleaned = clean_html(vector)
    _assert_safe(cleaned)
    assert "alert(1)" not in "".join(
        value or "" for _, attrs in _parse(cleaned).elements for value in attrs.values()
    )
    # Script and style bodies are dropped, not shown as text.
    for paragraph in html_to_paragraphs(vector):
        assert "background:url" not in paragraph
        assert not paragraph.startswith("alert(")


def test_allowed_markup_is_kept_and_links_get_rel():
    cleaned = clean_html(
        '<p>Un <strong>fort</strong> <em>accent</em> et un <a href="https://ex.org/a" '
        'title="t" target="_blank">lien</a>.</p><img src="https://ex.org/i.jpg" alt="Photo" '
        'width="10"><h1>Gros titre</h1>'
    )
    elements = _parse(cleaned).elements
    assert ("strong", {}) in elements
    assert (
        "a",
        {"href": "https://ex.org/a", "title": "t", "rel": "noopener noreferrer nofollow"},
    ) in elements
    assert ("img", {"src": "https://ex.org/i.jpg", "alt": "Photo"}) in elements
    assert "h1" not in {tag for tag, _ in elements}
    assert "Gros titre" in cleaned


def test_mailto_links_survive_but_script_content_does_not():
    cleaned = clean_html('<a href="mailto:redaction@ex.org">écrire</a><script>steal()</script>')
    assert 'href="mailto:redaction@ex.org"' in cleaned
    assert "steal" not in cleaned


# Property tests -------------------------------------------------------------------------------
HTMLISH_TOKENS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<br>",
        "<br/>",
        "<div>",
        "</div>",
        "<a href='https://ex.org/x'>",
        '<a href="javascript:alert(1)">',
        "<a href='jav&#x09;ascript:x'>",
        "</a>",
        "<img src=x onerror=alert(1)>",
        "<img src='https://ex.org/i.png' alt='a'>",
        "<script>",
        "</script>",
        "<style>",
        "</style>",
        "<svg onload=x>",
        "</svg>",
        "<math>",
        "<table>",
        "<td>",
        "<tr>",
        "</table>",
        "<noscript>",
        "<template>",
        "<textarea>",
        "<select>",
        "<option>",
        "<li>",
        "<ul>",
        "<blockquote>",
        "<h2>",
        "<figure>",
        "<figcaption>",
        "<em>",
        "<strong>",
        "<b>",
        "<i>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<!DOCTYPE html>",
        "&amp;",
        "&lt;",
        "&#x3C;",
        "&eacute;",
        "&nbsp;",
        "&",
        "<",
        ">",
        '"',
        "'",
        "=",
        " ",
        "\n",
        "\t",
        "\x00",
        "Bonjour",
        "é",
        "«",
        " onclick=alert(1) ",
    ]
)
HTMLISH = st.one_of(
    st.lists(HTMLISH_TOKENS, max_size=40).map("".join),
    st.lists(st.one_of(HTMLISH_TOKENS, st.text(max_size=5)), max_size=30).map("".join),
)
PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(HTMLISH)
def test_clean_html_is_idempotent(fragment):
    once = clean_html(fragment)
    assert clean_html(once) == once


@PROPERTY_SETTINGS
@given(HTMLISH)
def test_clean_html_output_only_holds_allowlisted_markup(fragment):
    _assert_safe(clean_html(fragment))


@PROPERTY_SETTINGS
@given(HTMLISH)
def test_paragraphs_are_trimmed_single_lines(fragment):
    for paragraph in html_to_paragraphs(fragment):
        assert paragraph == paragraph.strip()
        assert paragraph
        assert "\n" not in paragraph and "\t" not in paragraph and "  " not in paragraph


@PROPERTY_SETTINGS
@given(st.one_of(st.text(max_size=60), HTMLISH), st.sampled_from(["", "https://ex.org/f/"]))
def test_safe_url_gives_an_absolute_http_url_or_nothing(url, base):
    result = safe_url(url, base)
    assert result == "" or result.lower().startswith(("http://", "https://"))
    assert not any(ch in result for ch in "\t\n\r\x00 ")


# safe_url ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("https://ex.org/a?b=1&c=2", "", "https://ex.org/a?b=1&c=2"),
        ("http://ex.org", "", "http://ex.org"),
        ("  https://ex.org/a  ", "", "https://ex.org/a"),
        ("HTTPS://EX.ORG/A", "", "HTTPS://EX.ORG/A"),
        ("https://ex.org/?a=1&copy=2", "", "https://ex.org/?a=1&copy=2"),
        ("https://ex.org/a b", "", "https://ex.org/a%20b"),
        ("https://ex.org/?a=1&amp;b=2", "", "https://ex.org/?a=1&b=2"),
        ("/2024/story", "https://ex.org/news/feed.xml", "https://ex.org/2024/story"),
        ("story", "https://ex.org/news/", "https://ex.org/news/story"),
        ("//cdn.ex.org/i.jpg", "https://ex.org/", "https://cdn.ex.org/i.jpg"),
        ("/relative", "", ""),
        ("/relative", "file:///etc/", ""),
        ("/relative", "javascript:alert(1)", ""),
        ("javascript:alert(1)", "https://ex.org/", ""),
        ("JaVaScRiPt:alert(1)", "", ""),
        (" javascript:alert(1)", "", ""),
        ("\x01javascript:alert(1)", "", ""),
        ("java\tscript:alert(1)", "", ""),
        ("java\nscript:alert(1)", "", ""),
        ("java\x00script:alert(1)", "", ""),
        ("jav&#x09;ascript:alert(1)", "", ""),
        ("jav&#9;ascript:alert(1)", "https://ex.org/", ""),
        ("&#106;avascript:alert(1)", "https://ex.org/", ""),
        ("&#x6A;avascript&#x3A;alert(1)", "https://ex.org/", ""),
        ("javascript&colon;alert(1)", "https://ex.org/", ""),
        ("&amp;#106;avascript:alert(1)", "https://ex.org/", ""),
        ("\u00a0javascript:alert(1)", "https://ex.org/", ""),
        ("data:text/html,<script>alert(1)</script>", "", ""),
        ("DATA:image/png;base64,AAAA", "", ""),
        ("vbscript:msgbox(1)", "", ""),
        ("file:///etc/passwd", "", ""),
        ("ftp://ex.org/x", "", ""),
        ("mailto:a@ex.org", "", ""),
        ("https://", "", ""),
        ("https:///path", "", ""),
        ("https://[::1", "", ""),
        ("", "https://ex.org/", ""),
    ],
)
def test_safe_url(url, base, expected):
    assert safe_url(url, base) == expected


# html_to_paragraphs -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<p>Un.</p><p>Deux.</p>", ["Un.", "Deux."]),
        ("<div>Un</div><div>Deux</div>", ["Un", "Deux"]),
        ("Un<br><br>Deux<br>suite", ["Un", "Deux suite"]),
        ("Un<br/> \n <br/>Deux", ["Un", "Deux"]),
        (
            "<p>Caf&eacute; &amp; cr&egrave;me &#8211; <b>br&ucirc;l&eacute;e</b></p>",
            ["Café & crème – brûlée"],
        ),
        ("<p>  beaucoup \n\t d'espaces  </p>", ["beaucoup d'espaces"]),
        ("<p>Il a dit\u00a0: «\u202fnon\u202f»</p>", ["Il a dit\u00a0: «\u202fnon\u202f»"]),
        ("<p>&nbsp;</p><p></p><p>Seul</p>", ["Seul"]),
        ("<h2>Intertitre</h2>Texte <em>libre</em>", ["Intertitre", "Texte libre"]),
        ("<ul><li>un</li><li>deux</li></ul>", ["un", "deux"]),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", ["a b", "c"]),
        ("<p>Avant</p><script>alert(1)</script><style>p{}</style><p>Après</p>", ["Avant", "Après"]),
        ("<noscript><p>activez JavaScript</p></noscript><p>Texte</p>", ["Texte"]),
        ("<!-- commentaire --><p>Texte</p>", ["Texte"]),
        ("Texte brut, a < b & c > d.", ["Texte brut, a < b & c > d."]),
        (
            "Premier paragraphe.\n\nSecond paragraphe.",
            ["Premier paragraphe.", "Second paragraphe."],
        ),
        ("Ligne coupée\nau milieu.", ["Ligne coupée au milieu."]),
        ("", []),
        ("   ", []),
    ],
)
def test_html_to_paragraphs(fragment, expected):
    assert html_to_paragraphs(fragment) == expected


def test_escaped_markup_in_text_stays_text():
    """An article about HTML quotes tags: they are text, to be escaped when rendered."""
    assert html_to_paragraphs("<p>Écrivez &lt;script&gt; en toutes lettres</p>") == [
        "Écrivez <script> en toutes lettres"
    ]


def test_html_to_text_is_one_line():
    assert html_to_text("<p>Un</p><p>Deux <b>trois</b></p>") == "Un Deux trois"


def test_text_to_paragraphs_decodes_nothing():
    assert text_to_paragraphs("AT&amp;T <b>\n\nsuite  ici") == ["AT&amp;T <b>", "suite ici"]


def test_a_lone_surrogate_in_partner_html_is_dropped_not_a_crash():
    """JSON Feed can carry "\\ud800"; nh3 takes only UTF-8 and used to raise on it."""
    assert html_to_paragraphs("<p>Sommet \ud800 au Caire</p>") == ["Sommet au Caire"]
    assert "\ud800" not in clean_html("<p>Sommet \ud800 au Caire</p>")
