"""What an anonymous reader sees: la une, rubriques, topic pages and an article."""

import datetime

import pytest
from bs4 import BeautifulSoup

from newsroom.models import NewsroomSettings
from newsroom.tests.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def at(day, month=12, hour=9):
    return datetime.datetime(2022, month, day, hour, tzinfo=datetime.UTC)


def soup_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def card_titles(soup, selector=".card__title a"):
    return [link.get_text(strip=True) for link in soup.select(selector)]


# --- La une -----------------------------------------------------------------------------


def test_home_leads_with_the_latest_article_then_each_section(site_tree, client):
    ArticlePageFactory(
        parent=site_tree.maghreb, title="Élections en Tunisie", first_published_at=at(1)
    )
    ArticlePageFactory(parent=site_tree.golfe, title="Pétrole à Doha", first_published_at=at(2))
    ArticlePageFactory(parent=site_tree.maghreb, title="Sommet à Alger", first_published_at=at(3))
    ArticlePageFactory(parent=site_tree.golfe, title="Brouillon", publish=False)

    soup = soup_of(client.get("/"))

    assert card_titles(soup, ".lead .card__title a") == ["Sommet à Alger"]
    blocks = {
        block.h2.get_text(strip=True): card_titles(block) for block in soup.select(".section-block")
    }
    assert blocks == {"Maghreb": ["Élections en Tunisie"], "Golfe": ["Pétrole à Doha"]}
    assert "Brouillon" not in soup.get_text()


def test_home_leads_with_the_story_editors_chose(site_tree, client):
    chosen = ArticlePageFactory(
        parent=site_tree.maghreb, title="Le choix", first_published_at=at(1)
    )
    ArticlePageFactory(parent=site_tree.golfe, title="Plus récent", first_published_at=at(2))
    site_tree.home.lead_article = chosen
    site_tree.home.save_revision().publish()

    soup = soup_of(client.get("/"))

    assert card_titles(soup, ".lead .card__title a") == ["Le choix"]


def test_home_lists_the_sections_in_the_navigation(site_tree, client):
    soup = soup_of(client.get("/"))

    navigation = [(a.get_text(strip=True), a["href"]) for a in soup.select(".site-nav a")]
    assert navigation == [("Maghreb", "/maghreb/"), ("Golfe", "/golfe/")]


# --- Rubriques --------------------------------------------------------------------------


@pytest.fixture
def crowded_section(site_tree):
    """21 articles in Maghreb: a full first page of 20 and one on page 2 (the oldest)."""
    for day in range(1, 22):
        ArticlePageFactory(
            parent=site_tree.maghreb, title=f"Dépêche du {day:02d}", first_published_at=at(day)
        )
    ArticlePageFactory(parent=site_tree.golfe, title="Dépêche du Golfe")
    return site_tree.maghreb


def test_section_paginates_its_articles_20_per_page_newest_first(crowded_section, client):
    first = soup_of(client.get(crowded_section.url))
    second = soup_of(client.get(crowded_section.url, {"page": 2}))

    titles = card_titles(first)
    assert len(titles) == 20
    assert (titles[0], titles[-1]) == ("Dépêche du 21", "Dépêche du 02")
    assert "Dépêche du Golfe" not in titles
    assert first.select_one(".pagination a[rel=next]")["href"] == "?page=2"
    assert card_titles(second) == ["Dépêche du 01"]
    assert second.select_one(".pagination a[rel=prev]")["href"] == "?page=1"
    assert second.select_one(".pagination a[rel=next]") is None


def test_section_page_out_of_range_or_not_a_number_still_shows_a_page(crowded_section, client):
    for beyond in ("999", "-1"):
        assert card_titles(soup_of(client.get(crowded_section.url, {"page": beyond}))) == [
            "Dépêche du 01"
        ]
    assert card_titles(soup_of(client.get(crowded_section.url, {"page": "abc"})))[0] == (
        "Dépêche du 21"
    )


# --- Topic pages ------------------------------------------------------------------------


def test_topic_page_lists_only_articles_on_that_topic(site_tree, client):
    water = TopicFactory(name="Eau", slug="eau")
    ArticlePageFactory(parent=site_tree.maghreb, title="Barrages", topics=[water])
    ArticlePageFactory(parent=site_tree.golfe, title="Dessalement", topics=[water])
    ArticlePageFactory(parent=site_tree.golfe, title="Football", topics=[TopicFactory()])
    ArticlePageFactory(parent=site_tree.golfe, title="Brouillon", topics=[water], publish=False)

    soup = soup_of(client.get("/sujets/eau/"))

    assert soup.h1.get_text(strip=True) == "Eau"
    assert sorted(card_titles(soup)) == ["Barrages", "Dessalement"]


def test_unknown_topic_is_not_found(site_tree, client):
    assert client.get("/sujets/inconnu/").status_code == 404


# --- Article ----------------------------------------------------------------------------


@pytest.fixture
def article(site_tree):
    """A partner article as the foundation issue describes it, with everything filled in."""
    diplomacy = TopicFactory(name="Diplomatie", slug="diplomatie")
    further = ArticlePageFactory(
        parent=site_tree.golfe, title="Le Qatar médiateur", topics=[diplomacy]
    )
    return ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Rencontre à Rome sur la Libye",
        kicker="Diplomatie",
        standfirst="Les ministres se sont réunis pour la première fois.",
        dateline_places=["Rome", "Paris"],
        dateline_date=datetime.date(2022, 12, 19),
        first_published_at=at(19),
        authors=[AuthorFactory(name="Leïla Ben Ali")],
        source=SourceFactory(
            name="Il Manifesto", description="quotidien italien", licence_terms="CC BY 2.5"
        ),
        source_author="Mario Rossi",
        source_url="https://ilmanifesto.example.org/libia",
        topics=[diplomacy],
        body__0__paragraph__value="<p>Les discussions ont duré six heures.</p>",
        body__1__quote__text="Nous ne reculerons pas",
        body__1__quote__speaker="Le ministre libyen",
        body__2__read_also__article=further,
    )


def test_article_page_shows_kicker_headline_and_standfirst(article, client):
    soup = soup_of(client.get(article.url))

    assert soup.select_one(".article__header .kicker").get_text() == "Diplomatie"
    assert [h1.get_text() for h1 in soup.find_all("h1")] == ["Rencontre à Rome sur la Libye"]
    standfirst = soup.select_one("p.standfirst").get_text()
    assert standfirst == (
        "(Rome, Paris, 19 décembre 2022). Les ministres se sont réunis pour la première fois."
    )


def test_article_page_renders_the_body_blocks(article, client):
    soup = soup_of(client.get(article.url))

    body = soup.select_one(".article__body")
    assert "Les discussions ont duré six heures." in body.select_one(".paragraph").get_text()
    assert "Nous ne reculerons pas" in body.select_one(".quote blockquote").get_text()
    assert "Le ministre libyen" in body.select_one(".quote figcaption").get_text()
    read_also = body.select_one(".read-also a")
    assert (read_also.get_text(), read_also["href"]) == (
        "Le Qatar médiateur",
        "/golfe/le-qatar-mediateur/",
    )


def test_article_page_credits_the_partner_outlet_and_its_licence(article, client):
    soup = soup_of(client.get(article.url))

    credit = soup.select_one(".source-credit")
    link = credit.find("a")
    assert (link.get_text(), link["href"]) == (
        "Il Manifesto",
        "https://ilmanifesto.example.org/libia",
    )
    text = " ".join(credit.get_text().split())
    assert "Mario Rossi, quotidien italien" in text
    assert text.endswith("— CC BY 2.5")


def test_article_page_shows_the_sign_up_box_with_the_heading_editors_set(article, client):
    settings = NewsroomSettings.for_site(article.get_site())
    settings.signup_heading = "Chaque matin, l'essentiel du Maghreb"
    settings.save()

    soup = soup_of(client.get(article.url))

    assert soup.select_one("aside.signup h2").get_text() == "Chaque matin, l'essentiel du Maghreb"


def test_article_page_suggests_related_articles(article, client):
    soup = soup_of(client.get(article.url))

    assert card_titles(soup, ".related .card__title a") == ["Le Qatar médiateur"]


def test_article_page_dates_are_french(article, client):
    soup = soup_of(client.get(article.url))

    published = soup.select_one(".article__meta time")
    assert published["datetime"] == "2022-12-19T10:00:00+01:00"
    assert published.get_text().startswith("19 décembre 2022")


def test_article_page_has_canonical_link_and_open_graph_tags(article, client):
    soup = soup_of(client.get(article.url))

    url = "http://testserver/maghreb/rencontre-a-rome-sur-la-libye/"
    assert soup.find("link", rel="canonical")["href"] == url
    og = {tag["property"]: tag["content"] for tag in soup.find_all("meta", property=True)}
    assert og["og:type"] == "article"
    assert og["og:title"] == "Rencontre à Rome sur la Libye"
    assert og["og:url"] == url
    assert og["og:site_name"] == "Mena News"
    assert og["og:locale"] == "fr_FR"
    assert og["article:section"] == "Maghreb"
    assert og["article:tag"] == "Diplomatie"


def test_unpublished_article_is_not_found(site_tree, client):
    draft = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    withdrawn = ArticlePageFactory(parent=site_tree.maghreb)
    url = withdrawn.url
    withdrawn.unpublish()

    assert client.get(f"/maghreb/{draft.slug}/").status_code == 404
    assert client.get(url).status_code == 404


# --- Page cache -------------------------------------------------------------------------


def test_publishing_an_article_purges_the_cached_home_page(
    site_tree, client, django_capture_on_commit_callbacks
):
    ArticlePageFactory(parent=site_tree.maghreb, title="Première nouvelle")
    assert "Première nouvelle" in client.get("/").content.decode()
    # Proof that the page is cached: a change without the purge does not show.
    ArticlePageFactory(parent=site_tree.golfe, title="Restée en cache", publish=False)
    site_tree.golfe.get_children().get().specific.save_revision().publish()
    assert "Restée en cache" not in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ArticlePageFactory(parent=site_tree.maghreb, title="Dernière minute")

    assert callbacks, "publishing queued no purge after commit"
    html = client.get("/").content.decode()
    assert "Dernière minute" in html
    assert "Restée en cache" in html


def test_routing_reads_each_level_as_its_own_model_and_still_refuses_what_is_not_there(
    site_tree, client, django_capture_on_commit_callbacks
):
    """Sections and articles are found in one query each (`OneTypeOfChild`, issue #15);
    a wrong slug at either level, a draft, or a path below an article still answer 404."""
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le port rouvre")
    page = client.get(article.url)
    assert page.status_code == 200 and "Le port rouvre" in page.content.decode()
    assert page.context["page"].get_parent().pk == site_tree.maghreb.pk
    assert client.get(f"/inconnue/{article.slug}/").status_code == 404
    assert client.get(f"/golfe/{article.slug}/").status_code == 404  # not that section's
    assert client.get(f"{article.url}plus-bas/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):  # the purge waits for it
        article.unpublish()
    assert client.get(article.url).status_code == 404
