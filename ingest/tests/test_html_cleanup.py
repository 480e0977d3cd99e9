"""Page furniture goes by cues that hold in any language: boxes, post lines, credits, links."""

import json

import lxml.html
import pytest

from ingest.exceptions import EmptyArticle
from ingest.formats.html import HTMLAdapter
from ingest.formats.html_cleanup import (
    is_furniture,
    is_post_meta,
    prune_boxes,
    without_trailing_links,
)

PARAGRAPHS = [
    "The harbour reopened its quays to cargo ships on Monday, after three weeks of work on "
    "the cranes and warehouses of the northern terminal.",
    "Port authorities expect traffic to return to its usual level before the end of the "
    "month, according to a statement published in the morning.",
    "Shipowners had been waiting for the reopening since the works began, which forced "
    "several vessels to unload in other ports of the region.",
]


def page(extra_in_article="", after_article="", head="", body_paragraphs=PARAGRAPHS):
    paragraphs = "".join(f"<p>{text}</p>" for text in body_paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><title>The harbour reopens - Port News</title>
<meta property="og:site_name" content="Port News">{head}</head>
<body><nav><a href="/">Home</a></nav><article><h1>The harbour reopens</h1>
{paragraphs}{extra_in_article}</article>{after_article}</body></html>""".encode()


def extract(html):
    return HTMLAdapter().extract_html(html, url="https://news.example.org/harbour")


def test_the_site_name_after_a_dash_leaves_the_title():
    article = extract(page())
    assert article.title == "The harbour reopens"
    assert any("Shipowners" in paragraph for paragraph in article.body)


@pytest.mark.parametrize(
    "box",
    [
        '<section class="newsletter-form__top-bar"><h2>Port News Newsletter</h2></section>',
        '<div class="c-newsletter_signup_box"><p>Daily updates in your inbox.</p></div>',
        '<form id="mc-embedded-subscribe-form"><input type="email"></form>',
        '<div class="TestReport__AuthorBox"><p>Jane Doe covers shipping.</p></div>',
        '<div class="author-card__wrapper"><p>Jane Doe covers shipping.</p></div>',
        '<div class="nextstory"><p>Dockers vote on a new contract.</p></div>',
        '<div class="more-about__card --related"><p>Cranes for sale.</p></div>',
        '<span class="sr-only">Opens in new window</span>',
        '<div aria-hidden="true"><p>Menu</p></div>',
    ],
)
def test_boxes_beside_the_article_are_pruned_by_their_class_or_id(box):
    tree = lxml.html.fromstring(page(extra_in_article=box))
    box_element = lxml.html.fragment_fromstring(box)
    assert prune_boxes(tree) >= 1
    remaining = [
        element for element in tree.iter(box_element.tag) if element.attrib == box_element.attrib
    ]
    assert not remaining
    assert tree.find(".//article") is not None
    assert "Shipowners" in tree.text_content()


def test_a_container_named_like_a_box_but_holding_the_article_is_not_pruned():
    long_paragraphs = "".join(f"<p>{text * 4}</p>" for text in PARAGRAPHS)
    tree = lxml.html.fromstring(
        page(extra_in_article=f'<div class="related">{long_paragraphs}</div>')
    )
    assert prune_boxes(tree) == 0
    assert tree.find(".//div[@class='related']") is not None


def test_what_the_browser_hides_is_not_text():
    hidden = (
        '<div class="hidden"><p>Mit der Registrierung akzeptieren Sie unsere Bedingungen.</p></div>'
    )
    text = extract(page(extra_in_article=hidden)).text()
    assert "Registrierung" not in text
    assert "Shipowners" in text


@pytest.mark.parametrize(
    "line",
    [
        "24. März 2004, 19:49 | Genesis",
        "January 13, 2020 at 08:45 AM | categories: Python, Mercurial | View Comments",
        "| Kommentare insgesamt: 0 |",
        "Comments: 3 | Views: 120",
    ],
)
def test_a_post_date_line_or_counter_is_furniture(line):
    assert is_post_meta(line)
    assert is_furniture(line, "")


@pytest.mark.parametrize(
    "line",
    [
        "The meeting starts at 10:30 in the town hall, the mayor said.",
        "Abschluss um 15.30 Uhr vor der Schweizer Botschaft",
        "Verkündet am: 12.11.2009",
        "Görlitzer Str. 45",
    ],
)
def test_a_sentence_with_a_time_or_an_address_stays(line):
    assert not is_furniture(line, "")


@pytest.mark.parametrize(
    "line",
    [
        "(Credit: Clayton Aldern / Grist)",
        "Beitragsbild: Titelseite der Zeitung vom 2.4.2019",
        "Crédit photo : KB / Bondy Blog",
        "Foto: dpa",
        "Sign up to get the best content of the week, and great deals.",
        "Jetzt abonnieren und weiterlesen",
        "We use cookies to improve your experience",
    ],
)
def test_credits_sign_ups_and_notices_in_several_languages_are_furniture(line):
    assert is_furniture(line, "")


def test_the_closing_list_of_links_and_its_heading_go():
    body = [*PARAGRAPHS, "Also on Port News", "Dockers vote on a contract", "Cranes for sale"]
    links = {"Dockers vote on a contract", "Cranes for sale", "Home"}
    assert without_trailing_links(body, links) == PARAGRAPHS


def test_one_closing_link_is_part_of_the_article():
    body = [*PARAGRAPHS, "Read the full report"]
    assert without_trailing_links(body, {"Read the full report"}) == body


def test_schema_article_body_stands_in_when_the_html_holds_much_less():
    # A page rendered by script: its HTML holds the lead picture's caption, its JSON-LD the
    # article (inside a @graph, as many CMSs write it).
    article_body = "\n".join(PARAGRAPHS * 3)
    schema = json.dumps(
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebSite", "name": "Port News"},
                {"@type": "NewsArticle", "articleBody": article_body},
            ],
        }
    )
    caption = (
        "The northern terminal of the harbour, seen from the breakwater at dawn on Monday, "
        "when the first cargo ship in three weeks came alongside the new quay. The cranes "
        "behind it were rebuilt during the works; the warehouses on the left are still shut, "
        "and will reopen by the end of the month."
    )
    html = page(
        head=f'<script type="application/ld+json">{schema}</script>', body_paragraphs=[caption]
    )
    article = extract(html)
    assert article.title == "The harbour reopens"
    assert "Shipowners had been waiting" in article.text()
    assert caption not in article.text()


def test_schema_article_body_does_not_replace_a_fuller_page():
    schema = json.dumps({"@type": "NewsArticle", "articleBody": PARAGRAPHS[0]})
    html = page(head=f'<script type="application/ld+json">{schema}</script>')
    assert len(extract(html).body) == len(PARAGRAPHS)


def test_a_page_with_neither_text_nor_schema_body_is_empty():
    with pytest.raises(EmptyArticle):
        extract(b"<html><head><title>Port News</title></head><body><div></div></body></html>")


def test_the_same_page_extracted_again_gives_the_same_article():
    # trafilatura's process-wide duplicate cache refused a page seen twice before (#14).
    html = page()
    first = extract(html)
    for _ in range(4):
        assert extract(html).body == first.body
