"""Control characters in a reader's query string or in stored entity names never answer 500
nor break a feed's XML (issue #12, item 2)."""

import pytest
from lxml import etree

from enrichment.models import Entity

pytestmark = pytest.mark.django_db


def strict_xml(response):
    assert response.status_code == 200, (response.status_code, response.content[:200])
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    return etree.fromstring(response.content, parser)


def test_a_control_character_in_the_query_is_dropped_from_the_feed_and_the_page(newsroom, client):
    channel = strict_xml(client.get("/recherche/rss/?q=gaz%01%1b")).find("channel")

    assert channel.findtext("title") == "Mena News — recherche : gaz"
    assert "Alger et Minsk signent un accord gazier" in [
        item.findtext("title") for item in channel.findall("item")
    ]
    page = client.get("/recherche/?q=gaz%01%1b")
    assert page.status_code == 200
    assert page.context["form"].cleaned_data["q"] == "gaz"


@pytest.mark.parametrize(
    "query",
    [
        "q=port%01",
        "q=%00",
        "q=port%ef%bf%be",  # U+FFFE, which XML forbids
        "q=gaz&section=gol%00fe",
        "q=gaz&topic=%00",
        "q=gaz&entity=vladimir-poutine%01",
        "q=gaz&country=%00E",
        "q=gaz&from=2024%00-01-01",
        "q=%c3",  # half a UTF-8 character
    ],
)
def test_hostile_query_strings_are_cleaned_or_refused_never_a_server_error(newsroom, client, query):
    feed = client.get(f"/recherche/rss/?{query}")
    page = client.get(f"/recherche/?{query}")

    assert feed.status_code in {200, 400}, query
    assert page.status_code in {200, 400}, query
    if feed.status_code == 200:
        strict_xml(feed)


def test_the_section_slug_is_read_once_its_control_characters_are_dropped(newsroom, client):
    channel = strict_xml(client.get("/recherche/rss/?q=gaz&section=gol%01fe")).find("channel")

    assert [item.findtext("title") for item in channel.findall("item")] == [
        "Le prix du pétrole recule"
    ]


def test_an_entity_stored_with_control_characters_still_has_a_well_formed_feed(newsroom, client):
    Entity.objects.filter(pk=newsroom.poutine.pk).update(name="Vladimir\x01 Poutine\x1b[0m")

    channel = strict_xml(client.get("/entites/vladimir-poutine/rss/")).find("channel")

    assert channel.findtext("title") == "Mena News — Vladimir Poutine"
    assert channel.findtext("description") == "Les derniers articles sur Vladimir Poutine."
