"""The search page, its RSS feed and the entity feed, as a reader gets them."""

import pytest
from defusedxml import ElementTree
from django.urls import reverse

from newsroom.models import ArticlePage
from search import views

pytestmark = pytest.mark.django_db


def page_text(response):
    return response.content.decode()


def rss_titles(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    return channel, [item.findtext("title") for item in channel.findall("item")]


# --- The page -------------------------------------------------------------------------------


def test_the_url_is_recherche():
    assert reverse("search") == "/recherche/"


def test_without_a_query_the_page_shows_the_form_and_a_hint(newsroom, client):
    response = client.get("/recherche/")

    html = page_text(response)
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert 'role="search"' in html
    assert '<label for="id_q">' in html
    assert "Tapez un ou plusieurs mots" in html
    assert "search__results" not in html


def test_results_show_highlighted_titles_and_snippets_with_their_section(newsroom, client):
    response = client.get("/recherche/", {"q": "Egypte"})

    html = page_text(response)
    assert response.status_code == 200
    assert '<p class="search__count" role="status">1 résultat</p>' in html
    assert "Le Qatar finance une centrale en <mark>Égypte</mark>" in html
    assert "près du Caire, en <mark>Égypte</mark>" in html
    assert f'href="{newsroom["cairo"].url}"' in html
    assert ">Golfe</a>" in html


def test_a_query_naming_an_entity_says_so_and_links_to_its_page(newsroom, client):
    html = page_text(client.get("/recherche/", {"q": "Putin"}))

    assert "Le président russe reçu à Riyad" in html
    assert "<mark>Vladimir</mark> <mark>Poutine</mark> a rencontré" in html  # its names marked
    assert "Y compris les articles étiquetés Vladimir Poutine." in html
    assert 'href="/entites/vladimir-poutine/"' in html


def test_filters_from_the_query_string_narrow_the_results(newsroom, client):
    everywhere = page_text(client.get("/recherche/", {"q": "gaz"}))
    in_golfe = page_text(client.get("/recherche/", {"q": "gaz", "section": "golfe"}))
    by_country = page_text(client.get("/recherche/", {"q": "gaz", "country": "dz"}))

    assert "Le prix du pétrole recule" in everywhere and "Alger et Minsk" in everywhere
    assert "Le prix du pétrole recule" in in_golfe and "Alger et Minsk" not in in_golfe
    assert "Alger et Minsk" in by_country and "Le prix du pétrole recule" not in by_country
    assert '<option value="golfe" selected>' in in_golfe
    assert '<option value="DZ" selected>' in by_country


def test_results_are_paginated_and_the_links_keep_the_query(newsroom, client, monkeypatch):
    monkeypatch.setattr(views, "RESULTS_PER_PAGE", 2)

    first = page_text(client.get("/recherche/", {"q": "Biélorussie", "sort": "date"}))
    second = page_text(client.get("/recherche/", {"q": "Biélorussie", "sort": "date", "page": "2"}))

    assert "Alger et Minsk" in first and "Rabat accueille" not in first
    assert 'href="?q=Bi%C3%A9lorussie&amp;sort=date&amp;page=2"' in first
    assert "Rabat accueille" in second and "Alger et Minsk" not in second
    assert "Page 2 sur 2" in second


def test_a_query_of_common_words_asks_for_a_more_precise_one(newsroom, client):
    html = page_text(client.get("/recherche/", {"q": "de la"}))

    assert "ne contient que des mots très courants" in html


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"q": "gaz " * 60}, "Votre recherche est trop longue : 200 caractères au plus."),
        ({"q": "gaz", "section": "atlantide"}, "Rubrique inconnue : atlantide."),
        ({"q": "gaz", "country": "XX"}, "Pays inconnu : XX."),
        ({"q": "gaz", "topic": "nope"}, "Thème inconnu : nope."),
        ({"q": "gaz", "entity": "nope"}, "Personne, organisation ou lieu inconnu : nope."),
        ({"q": "gaz", "from": "10 mai"}, "Indiquez une date sous la forme AAAA-MM-JJ"),
        ({"q": "gaz", "from": "2024-05-02", "to": "2024-05-01"}, "La date de début"),
        ({"q": "gaz", "sort": "popularity"}, "Ordre inconnu : choisissez pertinence ou date."),
    ],
)
def test_bad_parameters_are_explained_never_a_server_error(site_tree, client, parameters, message):
    response = client.get("/recherche/", parameters)

    assert response.status_code == 400
    html = page_text(response)
    assert 'role="alert"' in html
    assert message in html


def test_each_query_string_is_cached_apart(newsroom, client):
    egypt = client.get("/recherche/", {"q": "Egypte"})
    oil = client.get("/recherche/", {"q": "pétrole"})

    assert "Le Qatar finance" in page_text(egypt) and "Le Qatar finance" not in page_text(oil)
    assert "Le prix du <mark>pétrole</mark> recule" in page_text(oil)
    # The page is cached (a change that purges nothing does not show), under its own URL.
    ArticlePage.objects.filter(pk=newsroom["cairo"].pk).update(title="Titre changé en Égypte")
    again = client.get("/recherche/", {"q": "Egypte"})
    assert "Le Qatar finance" in page_text(again)
    assert "Titre changé" in page_text(client.get("/recherche/", {"q": "Égypte"}))


def test_the_header_of_every_page_has_a_search_box(newsroom, client):
    html = page_text(client.get(newsroom["cairo"].url))

    assert '<form class="site-search" role="search" method="get" action="/recherche/"' in html
    assert '<label for="site-search-q">Rechercher</label>' in html
    assert 'name="q"' in html


# --- Feeds ----------------------------------------------------------------------------------


def test_the_search_page_links_to_its_rss_feed(newsroom, client):
    html = page_text(client.get("/recherche/", {"q": "gaz", "section": "golfe", "page": "1"}))

    feed = "/recherche/rss/?q=gaz&amp;section=golfe"
    alternate = 'rel="alternate" type="application/rss+xml" title="Cette recherche (RSS)"'
    assert f'<link {alternate} href="{feed}">' in html
    assert f'<a class="follow" href="{feed}">Suivre en RSS</a>' in html


def test_the_rss_feed_of_a_search_lists_matches_newest_first_with_its_filters(newsroom, client):
    channel, titles = rss_titles(client.get("/recherche/rss/", {"q": "Biélorussie"}))

    assert titles == [
        "Alger et Minsk signent un accord gazier",
        "Élections municipales à Tunis",
        "Rabat accueille une conférence sur l'eau",
    ]
    assert channel.findtext("title") == "Mena News — recherche : Biélorussie"
    assert channel.findtext("link").endswith("/recherche/?q=Bi%C3%A9lorussie")
    _, titles = rss_titles(client.get("/recherche/rss/", {"q": "gaz", "section": "golfe"}))
    assert titles == ["Le prix du pétrole recule"]
    _, titles = rss_titles(client.get("/recherche/rss/", {"q": "Putin"}))
    assert titles == ["Le président russe reçu à Riyad"]


def test_a_bad_search_feed_is_refused_with_a_reason(site_tree, client):
    response = client.get("/recherche/rss/", {"q": "gaz", "section": "atlantide"})

    assert response.status_code == 400
    assert "Rubrique inconnue : atlantide." in page_text(response)
    assert client.get("/recherche/rss/").status_code == 400


def test_the_entity_feed_lists_its_tagged_published_articles(newsroom, client):
    channel, titles = rss_titles(client.get("/entites/vladimir-poutine/rss/"))

    assert titles == ["Le président russe reçu à Riyad"]  # not the draft, not the private one
    assert channel.findtext("title") == "Mena News — Vladimir Poutine"
    assert client.get("/entites/personne/rss/").status_code == 404


def test_the_entity_page_links_to_its_rss_feed(newsroom, client):
    html = page_text(client.get("/entites/vladimir-poutine/"))

    assert (
        '<link rel="alternate" type="application/rss+xml" title="Vladimir Poutine (RSS)" '
        'href="/entites/vladimir-poutine/rss/">'
    ) in html
    assert '<a class="follow" href="/entites/vladimir-poutine/rss/">Suivre en RSS</a>' in html
