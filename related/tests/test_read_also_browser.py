"""An editor writing a paragraph sees “À lire :” suggestions and inserts one (real Chromium)."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from conftest import BROWSER_TEST
from enrichment.models import ArticleEntity, Entity, EntityAlias, Kind, Status
from newsroom.models import ArticlePage
from newsroom.tests.factories import ArticlePageFactory

SCREENSHOT = Path("/tmp/browser-read-also.png")  # noqa: S108 - a fixed path to look at afterwards

pytestmark = BROWSER_TEST


@pytest.fixture
def newsroom(site_tree):
    putin = Entity.objects.create(name="Vladimir Poutine", kind=Kind.PERSON, slug="poutine")
    EntityAlias.objects.create(entity=putin, name="Poutine")
    earlier = ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Poutine reçu à Alger par Tebboune",
        first_published_at=datetime.datetime(2024, 3, 1, 9, tzinfo=datetime.UTC),
    )
    ArticleEntity.objects.create(article=earlier, entity=putin, score=0.8, status=Status.ACCEPTED)
    edited = ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Le gazoduc transsaharien relancé",
        first_published_at=datetime.datetime(2024, 3, 5, 9, tzinfo=datetime.UTC),
        body__0__paragraph__value="<p>Le projet revient sur la table.</p>",
        body__1__heading__value="Les enjeux",
    )
    editors = Group.objects.create(name="Rédaction")
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=editors,
            page=site_tree.maghreb,
            permission=Permission.objects.get(codename=codename),
        )
    user = get_user_model().objects.create_user("redactrice", password="mot-de-passe-1")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(editors)
    return earlier, edited


@pytest.mark.django_db(transaction=True)
def test_editor_sees_an_earlier_article_for_the_paragraph_and_inserts_it(
    live_server, browser, newsroom
):
    earlier, edited = newsroom
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "redactrice")
    page.fill("input[name=password]", "mot-de-passe-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(f"{live_server.url}/admin/pages/{edited.pk}/edit/")

    editor = page.locator("#body-root [data-streamfield-child] [contenteditable=true]").first
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(" Vladimir Poutine en a parlé avec Alger.")

    suggestion = page.locator(".read-also__item", has_text=earlier.title)
    suggestion.wait_for()
    assert "Vladimir Poutine" in suggestion.inner_text()
    assert "1 mars 2024" in suggestion.inner_text()
    suggestion.locator("[data-read-also-insert]").click()

    types = page.evaluate(
        "document.getElementById('body-root').rootBlock.children.map((c) => c.type)"
    )
    assert types == ["paragraph", "read_also", "heading"]
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    page.locator("button.action-save").first.click()
    page.wait_for_load_state("networkidle")
    context.close()

    draft = ArticlePage.objects.get(pk=edited.pk).get_latest_revision_as_object()
    blocks = [(block.block_type, block.value) for block in draft.body]
    assert [block_type for block_type, _ in blocks] == ["paragraph", "read_also", "heading"]
    assert blocks[1][1]["article"].pk == earlier.pk
    assert "Vladimir Poutine en a parlé" in blocks[0][1].source
    assert script_errors == []
