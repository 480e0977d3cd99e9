"""A reader in a real browser (Debian Chromium driven by Playwright, RELIABILITY.md H6)."""

import datetime
from pathlib import Path

import pytest

from conftest import BROWSER_TEST, WATCH_CSP
from newsroom.tests.factories import (
    STANDARD_BODY,
    ArticlePageFactory,
    AuthorFactory,
    SourceFactory,
    TopicFactory,
)

SCREENSHOT = Path("/tmp/browser-article.png")  # noqa: S108 - a fixed path to look at afterwards

pytestmark = BROWSER_TEST


@pytest.fixture
def published_articles(site_tree):
    diplomacy = TopicFactory(name="Diplomatie", slug="diplomatie")
    ArticlePageFactory(
        parent=site_tree.golfe,
        title="Le Qatar relance la médiation",
        kicker="Golfe",
        standfirst="Doha accueille une nouvelle série de pourparlers.",
        topics=[diplomacy],
        first_published_at=datetime.datetime(2022, 12, 18, 8, tzinfo=datetime.UTC),
        **STANDARD_BODY,
    )
    return ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Rencontre à Rome sur l'avenir de la Libye",
        kicker="Diplomatie",
        standfirst="Les ministres des Affaires étrangères se sont réunis pour la première fois.",
        dateline_places=["Rome", "Paris"],
        dateline_date=datetime.date(2022, 12, 19),
        first_published_at=datetime.datetime(2022, 12, 19, 9, tzinfo=datetime.UTC),
        authors=[AuthorFactory(name="Leïla Ben Ali")],
        source=SourceFactory(name="Il Manifesto"),
        source_author="Mario Rossi",
        topics=[diplomacy],
        **STANDARD_BODY,
    )


@pytest.mark.django_db(transaction=True)
def test_reader_goes_from_the_front_page_to_an_article(live_server, browser, published_articles):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    console_errors, page_errors, foreign_requests = [], [], []
    page.on(
        "console",
        lambda msg: msg.type == "error" and console_errors.append((msg.text, msg.location)),
    )
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    failed_responses = []
    page.on(
        "response",
        lambda response: response.status >= 400 and failed_responses.append(response.url),
    )
    page.on(
        "request",
        lambda request: (
            request.url.startswith(live_server.url) or foreign_requests.append(request.url)
        ),
    )

    page.goto(live_server.url + "/")
    page.locator(".lead").get_by_role("link", name=published_articles.title).click()
    page.wait_for_url(f"**{published_articles.url}")

    assert page.locator("h1").all_inner_texts() == [published_articles.title]
    standfirst = page.locator("p.standfirst").inner_text()
    assert standfirst.startswith("(Rome, Paris, 19 décembre 2022). Les ministres")
    signup = page.locator("aside.signup")
    assert signup.is_visible()
    assert signup.locator("h2").inner_text() == (
        "Recevez notre newsletter et les alertes de Mena News"
    )
    assert page.locator(".quote figcaption").count() == 0 or page.locator(".quote").is_visible()
    # The stylesheet applied: the headline is set in the site's type, not the browser default.
    assert page.locator("link[rel=stylesheet]").count() == 1
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle")
        == "solid"
    )
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    csp_violations = page.evaluate("window.__cspViolations")
    context.close()

    assert failed_responses == []
    assert console_errors == []
    assert page_errors == []
    assert csp_violations == []
    assert foreign_requests == []
    assert SCREENSHOT.stat().st_size > 10_000
