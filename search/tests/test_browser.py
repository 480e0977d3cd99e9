"""A reader searches from the header box in a real browser, then narrows to one section."""

import pytest

from conftest import BROWSER_TEST, WATCH_CSP

pytestmark = BROWSER_TEST


@pytest.mark.django_db(transaction=True)
def test_a_reader_searches_from_the_header_and_filters_by_section(live_server, browser, newsroom):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    failed_responses, page_errors = [], []
    page.on("response", lambda r: r.status >= 400 and failed_responses.append(r.url))
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    page.goto(live_server.url + newsroom["rabat"].url)
    page.get_by_label("Rechercher", exact=True).fill("gaz")
    page.get_by_label("Rechercher", exact=True).press("Enter")
    page.wait_for_url("**/recherche/?q=gaz")

    assert page.get_by_role("status").inner_text() == "2 résultats"
    titles = page.locator(".search__results h2").all_inner_texts()
    assert sorted(titles) == [
        "Alger et Minsk signent un accord gazier",
        "Le prix du pétrole recule",
    ]
    marks = page.locator(".search__results mark")
    assert {text.lower() for text in marks.all_inner_texts()} == {"gaz"}
    background = marks.first.evaluate("mark => getComputedStyle(mark).backgroundColor")
    assert background == "rgb(253, 230, 138)"  # search.css, not the browser's yellow

    page.get_by_label("Rubrique", exact=True).select_option(label="Golfe")
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url("**section=golfe**")

    assert page.get_by_role("status").inner_text() == "1 résultat"
    assert page.locator(".search__results h2").all_inner_texts() == ["Le prix du pétrole recule"]
    assert page.get_by_label("Mots à rechercher").input_value() == "gaz"
    page.get_by_role("link", name="Le prix du pétrole recule").click()
    page.wait_for_url(f"**{newsroom['oil'].url}")
    csp_violations = page.evaluate("window.__cspViolations")
    context.close()

    assert failed_responses == []
    assert page_errors == []
    assert csp_violations == []
