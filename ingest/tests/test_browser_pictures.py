"""A partner's article and its picture as a reader's browser shows them (issue #14).

End to end: an agency's NewsML-G2 item and its photo served on loopback, `manage.py ingest`
fetching both through the safe fetcher, then Debian's Chromium (Playwright) reading the
article on the live picture_server, with media files in a temporary MEDIA_ROOT.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from wagtail.models import Collection

from conftest import BROWSER_TEST, WATCH_CSP
from newsroom.models import ArticlePage

from .picture_samples import CAPTION, CREDIT, picture, serve

# The screenshot is kept where ROTATIVE_SCREENSHOTS says (to show a reviewer), else in the
# test's temporary directory.
SCREENSHOTS = os.environ.get("ROTATIVE_SCREENSHOTS", "")
NAR = "http://iptc.org/std/nar/2006-10-01/"
# Every layout shift the page makes, summed as the CLS metric counts them.
WATCH_SHIFTS = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShift += entry.value;
  }
}).observe({type: "layout-shift", buffered: true});
"""

pytestmark = BROWSER_TEST


def newsml_item(picture_url):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="{NAR}" guid="urn:newsml:agence.example:20240312:port" version="1"
  standard="NewsML-G2" standardversion="2.29" xml:lang="fr">
  <itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:AGENCE"/>
    <firstCreated>2024-03-12T08:30:00+02:00</firstCreated><pubStatus qcode="stat:usable"/>
  </itemMeta>
  <contentMeta><contentCreated>2024-03-12T08:00:00+02:00</contentCreated>
    <headline>Le port de Sfax rouvre son terminal nord</headline>
    <creditline>{CREDIT}</creditline>
    <description role="drol:caption">{CAPTION}</description>
  </contentMeta>
  <contentSet>
    <remoteContent contenttype="image/jpeg" href="{picture_url}"/>
    <inlineData contenttype="text/plain">Les quais du terminal nord ont rouvert mardi après \
trois semaines de travaux sur les grues et les entrepôts, a annoncé l'autorité portuaire.
Les premiers cargos sont attendus dès la fin de la semaine.</inlineData>
  </contentSet>
</newsItem>"""


@pytest.fixture
def served_site(live_server, site_tree, settings, tmp_path):
    """The live picture_server as the site's root, its media in a temporary directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.ROOT_URLCONF = "ingest.tests.urls_with_media"
    host, port = live_server.url.removeprefix("http://").rsplit(":", 1)
    site_tree.site.hostname, site_tree.site.port = host, int(port)
    site_tree.site.save()
    # A live-server test runs on tables an earlier transactional test may have flushed,
    # taking with them the root collection Wagtail's migration made: put it back.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return site_tree


@pytest.mark.django_db(transaction=True)
def test_a_reader_sees_the_partners_picture_loaded_at_its_size(
    served_site, picture_server, live_server, browser, tmp_path
):
    photo = serve(
        picture_server, "/photos/terminal-nord.jpg", picture("JPEG", (1600, 1000)), "image/jpeg"
    )
    dispatch = serve(
        picture_server, "/depeches/port.xml", newsml_item(photo).encode(), "application/xml"
    )
    output = StringIO()
    call_command("ingest", dispatch, "--publish", "--section", "maghreb", stdout=output)
    assert output.getvalue().startswith("created: Le port de Sfax rouvre")
    article = ArticlePage.objects.get()
    assert article.lead_image.source_url == photo

    context = browser.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
    context.add_init_script(WATCH_CSP)
    context.add_init_script(WATCH_SHIFTS)
    page = context.new_page()
    page.set_default_timeout(20_000)
    console_errors, failed = [], []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    page.goto(live_server.url + article.url)

    img = page.locator("figure.article__image picture img")
    img.wait_for()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=img.element_handle()
    )
    natural_width = img.evaluate("img => img.naturalWidth")
    current = img.evaluate("img => img.currentSrc")
    assert natural_width > 0
    assert current.startswith(live_server.url + "/media/images/")
    assert current.endswith(".avif")  # Chromium takes the first format it reads
    assert int(img.get_attribute("width")) > 0 and int(img.get_attribute("height")) > 0
    assert img.get_attribute("alt") == CAPTION
    assert img.get_attribute("loading") == "eager"
    caption = page.locator("figure.article__image figcaption").inner_text()
    assert caption == f"{CAPTION} © {CREDIT}"
    # The image's box was its final size before the file arrived: nothing moved.
    box = img.bounding_box()
    assert box["width"] / box["height"] == pytest.approx(1600 / 1000, rel=0.02)
    assert page.evaluate("window.__layoutShift") < 0.01

    og_image = page.locator("meta[property='og:image']").get_attribute("content")
    assert og_image.startswith(live_server.url + "/media/")
    fetched = page.request.get(og_image)
    assert fetched.status == 200 and fetched.headers["content-type"] == "image/jpeg"
    assert len(fetched.body()) > 1000

    screenshot = Path(SCREENSHOTS or tmp_path) / "article_with_picture.png"
    page.screenshot(path=str(screenshot), full_page=False)
    csp_violations = page.evaluate("window.__cspViolations")

    page.goto(live_server.url + "/")
    card = page.locator(".lead picture img")
    card.wait_for()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=card.element_handle()
    )
    context.close()

    assert failed == [] and console_errors == [] and csp_violations == []
    assert screenshot.stat().st_size > 20_000
