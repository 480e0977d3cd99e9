"""Generators of hostile partner copy, and the checks a reader site must pass after it.

Valid skeletons (RSS, Atom, JSON Feed, NewsML-G2, NITF, an HTML page, plain text) with hostile
strings inside: control characters, surrogates, script tags, `javascript:` URLs, huge and
empty values, odd entities, RTL Arabic, emoji. Used by test_hostile_input.py.
"""

import json
import random
import re
from xml.sax.saxutils import escape, quoteattr

import lxml.html
from hypothesis import strategies as st
from lxml import etree

# Any code point at all: controls, noncharacters and lone surrogates included on purpose.
ANY_CHARACTER = st.characters(codec=None, exclude_categories=())
SNIPPETS = (
    "<script>alert(1)</script>",
    "<ScRiPt src=//evil.example/x.js></ScRiPt>",
    "<img src=x onerror=alert(2)>",
    '<a href="javascript:alert(3)">lien</a>',
    '<svg onload="alert(4)"><use href="data:image/svg+xml,x"/></svg>',
    "<iframe src=javascript:alert(5)></iframe>",
    "</title><script>alert(6)</script>",
    "]]><script>alert(7)</script>",
    "--><script>alert(8)</script><!--",
    "&lt;script&gt;alert(9)&lt;/script&gt;",
    "&#0; &#x1b; &#xFFFE; &bogus; &amp;amp; &#1114112;",
    "\u0001\u001b[31m\u0000\u007f\u0085\u009b",
    "\ud800\udfff\ufffe\uffff",
    "\r\n\r\u2028\u2029",
    "القاهرة، مصر \u202e\u200f",
    "👩\u200d💻🇪🇬\ufe0f",
    "E\u0301gypte",
    '" onmouseover="alert(10)',
    "' style='x:expression(alert(11))",
    "{{ 7|add:7 }} {% now 'Y' %}",
)
HOSTILE_URLS = (
    "javascript:alert(1)",
    " JaVaScRiPt:alert(2)",
    "jav\tascript:alert(3)",
    "java\u0000script:alert(4)",
    "data:text/html,<script>alert(5)</script>",
    "vbscript:msgbox(6)",
    "//evil.example/x",
    "file:///etc/passwd",
    "https://exemple.org/article?q=<script>",
    "https://exemple.org/\u0001\u202e",
    "",
)
WORDS = (
    "ministre port conseil accord gaz pétrole eau Tunis Alger Rabat Beyrouth Doha Caire "
    "élection sommet grève récolte barrage frontière réfugiés budget banque inflation "
    "tribunal verdict député loi réforme université hôpital séisme incendie pluie désert "
    "chantier tramway port autoroute aéroport festival musée cinéma livre match stade "
    "négociation cessez-le-feu ambassade visite délégation rapport enquête témoin"
).split()

hostile_text = st.one_of(
    st.text(alphabet=ANY_CHARACTER, max_size=40),
    st.lists(
        st.one_of(st.sampled_from(SNIPPETS), st.text(alphabet=ANY_CHARACTER, max_size=6)),
        min_size=1,
        max_size=4,
    ).map("".join),
    st.sampled_from(("", " ", "\u00a0", "x" * 60_000, "é" * 3_000, "\u0001" * 500)),
)
hostile_url = st.one_of(st.sampled_from(HOSTILE_URLS), hostile_text)


def filler(number: int) -> list[str]:
    """Two real-looking paragraphs, different for every `number`, so that each generated
    item is a new article rather than a near duplicate of the first (seeded: repeatable)."""
    draw = random.Random(number)  # noqa: S311 - filler text, not a secret
    return [" ".join(draw.sample(WORDS, 30)) for _ in range(2)]


# What XML 1.0 and we refuse: C0/C1 controls but tab and newline, surrogates, noncharacters.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


@st.composite
def hostile_item(draw):
    """What a hostile partner fills an item with."""
    return {
        "title": draw(st.one_of(hostile_text, hostile_text.map("Le port rouvre {}".format))),
        "paragraphs": [],  # filled per case with `filler`
        "hostile": draw(hostile_text),
        "markup": draw(st.sampled_from(SNIPPETS)),
        "url": draw(hostile_url),
        "image": draw(hostile_url),
        "author": draw(hostile_text),
        "tag": draw(hostile_text),
        "place": draw(st.one_of(hostile_text, st.sampled_from(("BEYROUTH", "القاهرة")))),
        # Well-formed XML with hostile text in it, or XML that one character makes ill-formed.
        "well_formed": draw(st.booleans()),
    }


_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _legal(item, value: str) -> str:
    return _XML_ILLEGAL.sub("", value) if item.get("well_formed") else value


def _text(item, key: str) -> str:
    """`item[key]` escaped as XML text (its illegal characters dropped if well-formed)."""
    return escape(_legal(item, item[key]))


def _attr(item, key: str) -> str:
    return quoteattr(_legal(item, item[key]))


def _body_html(item) -> str:
    first, second = item["paragraphs"]
    return (
        f"<p onclick=alert(0)>{first} {item['hostile']}</p>{item['markup']}"
        f"<p>{second} <a href={quoteattr(item['url'])}>{item['hostile']}</a></p>"
        f"<p>A lire : <a href={quoteattr(item['url'])}>{item['title']}</a></p>"
    )


def rss(item, guid) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>{_text(item, "author")}</title><link>{_text(item, "url")}</link>
<item><guid>{guid}</guid><title>{_text(item, "title")}</title>
<link>{_text(item, "url")}</link><author>{_text(item, "author")}</author>
<category>{_text(item, "tag")}</category>
<enclosure url={_attr(item, "image")} type="image/jpeg"/>
<description>{_text(item, "hostile")}</description>
<content:encoded><![CDATA[{_legal(item, _body_html(item))}]]></content:encoded></item>
</channel></rss>""".encode("utf-8", "surrogatepass")


def atom(item, guid) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Fil</title><id>urn:fil</id>
<entry><id>{guid}</id><title type="html">{_text(item, "title")}</title>
<link rel="alternate" href={_attr(item, "url")}/>
<author><name>{_text(item, "author")}</name></author><category term={_attr(item, "tag")}/>
<summary type="text">{_text(item, "hostile")}</summary>
<content type="html">{escape(_legal(item, _body_html(item)))}</content></entry></feed>
""".encode("utf-8", "surrogatepass")


def json_feed(item, guid) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": item["author"],
            "home_page_url": item["url"],
            "items": [
                {
                    "id": guid,
                    "title": item["title"],
                    "url": item["url"],
                    "image": item["image"],
                    "content_html": _body_html(item),
                    "summary": item["hostile"],
                    "authors": [{"name": item["author"]}],
                    "tags": [item["tag"]],
                }
            ],
        }
    ).encode()


def newsml(item, guid) -> bytes:
    first, second = (escape(text) for text in item["paragraphs"])
    hostile = _text(item, "hostile")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="{guid}" version="1"
  standard="NewsML-G2" standardversion="2.29" xml:lang="fr">
<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:AFP"/>
<firstCreated>2024-03-12T08:30:00+02:00</firstCreated><pubStatus qcode="stat:usable"/>
<link rel="irel:canonical" href={_attr(item, "url")}/></itemMeta>
<contentMeta><located><name>{_text(item, "place")}</name></located>
<headline>{_text(item, "title")}</headline><by>{_text(item, "author")}</by>
<subject type="cpnat:abstract" qcode="medtop:20000523"><name>{_text(item, "tag")}</name></subject>
<description role="drol:summary">{hostile}</description></contentMeta>
<contentSet><inlineXML contenttype="application/nitf+xml">
<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><body><body.content>
<p>{_text(item, "place")} - {first} {hostile}</p><p>{second}</p>
<media media-type="image"><media-reference source={_attr(item, "image")}/>
<media-caption>{hostile}</media-caption></media></body.content></body></nitf>
</inlineXML></contentSet></newsItem>
""".encode("utf-8", "surrogatepass")


def nitf(item, guid) -> bytes:
    """A standalone NITF file (issue #14): the same hostile strings in its head and body."""
    first, second = (escape(text) for text in item["paragraphs"])
    hostile = _text(item, "hostile")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nitf SYSTEM "nitf-3-5.dtd">
<nitf version="-//IPTC//DTD NITF 3.5//EN" xml:lang="fr"><head><title>{_text(item, "tag")}</title>
<docdata><doc-id regsrc="AGD" id-string="{guid}"/><date.issue norm="20240312T083000+0200"/>
<key-list><keyword key={_attr(item, "tag")}/></key-list></docdata>
<pubdata ex-ref={_attr(item, "url")}/></head>
<body><body.head><hedline><hl1>{_text(item, "title")}</hl1><hl2>{hostile}</hl2></hedline>
<byline><person>{_text(item, "author")}</person></byline>
<distributor>{_text(item, "author")}</distributor>
<dateline><location><city>{_text(item, "place")}</city></location></dateline></body.head>
<body.content><p>{first} {hostile}</p><p>{second}</p>
<media media-type="image"><media-reference source={_attr(item, "image")}/>
<media-caption><p>{hostile}</p></media-caption></media></body.content></body></nitf>
""".encode("utf-8", "surrogatepass")


def html_page(item, guid) -> bytes:
    return f"""<!DOCTYPE html><html lang="fr"><head><title>{item["title"]} | Le Site</title>
<meta property="og:title" content={quoteattr(item["title"])}>
<script>alert("head")</script></head><body><header>Menu</header><article>
<h1>{item["title"]}</h1><p class="byline">Par {item["author"]}</p>{_body_html(item)}
<img src={quoteattr(item["image"])} alt={quoteattr(item["hostile"])}>
<p>{item["paragraphs"][0]}</p></article><footer>{guid}</footer></body></html>
""".encode("utf-8", "surrogatepass")


def plain_text(item, guid) -> bytes:
    first, second = item["paragraphs"]
    return (
        f"{item['title']}\n\n{item['hostile']}\n\n{item['place']} - {first}\n\n{second} "
        f"{item['markup']}\n\n{guid}\n"
    ).encode("utf-8", "surrogatepass")


FORMATS = {
    "rss": rss,
    "atom": atom,
    "json_feed": json_feed,
    "newsml": newsml,
    "nitf": nitf,
    "html": html_page,
    "plain_text": plain_text,
}


# Checks ----------------------------------------------------------------------------------------
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "xlink:href", "srcset"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
DANGEROUS_TAGS = {"iframe", "object", "embed", "applet", "base", "frame"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def strict_xml(content: bytes) -> etree._Element:
    """The document read by a strict parser: any ill-formed character raises."""
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    return etree.fromstring(content, parser)


def assert_no_script(content: bytes, url: str) -> None:
    """Only our own JSON-LD may be a script; no event handler, no script URL, no frame."""
    scripts = re.findall(rb"<script\b", content, re.IGNORECASE)
    document = lxml.html.document_fromstring(content)
    json_ld = 0
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        assert tag not in DANGEROUS_TAGS, (url, tag)
        if tag == "script":
            assert element.get("type") == "application/ld+json", (url, element.attrib)
            json.loads(element.text or "")  # never broken out of
            json_ld += 1
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (url, tag, name, value)
            if name.lower() in URL_ATTRIBUTES:
                scheme = _INVISIBLE.sub("", value).lower()
                if scheme == "data:,":  # base.html's empty favicon: no request, no content
                    continue
                assert not scheme.startswith(DANGEROUS_SCHEMES), (url, tag, name, value)
    assert len(scripts) == json_ld, (url, scripts)
