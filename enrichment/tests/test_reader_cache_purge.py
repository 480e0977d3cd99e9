"""An editor's decision on a suggestion purges that article and its entity pages, not the site
(issue #15): la une and the other articles stay cached hits."""

from enrichment.models import ArticleEntity, Entity, Kind, Status
from enrichment.services import add_entity_by_hand, decide
from newsroom import reader_cache
from newsroom.tests.factories import ArticlePageFactory


def served_from_cache(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response[reader_cache.HIT_HEADER] == "hit"


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert served_from_cache(client, url), url


def test_an_editors_decision_purges_the_article_and_its_entity_pages(
    site_tree, client, django_capture_on_commit_callbacks
):
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Visite à Alger")
    other = ArticlePageFactory(parent=site_tree.golfe, title="Sommet à Doha")
    tebboune = Entity.objects.create(kind=Kind.PERSON, name="Abdelmadjid Tebboune", slug="tebboune")
    elsewhere = Entity.objects.create(kind=Kind.PERSON, name="Tamim ben Hamad", slug="tamim")
    ArticleEntity.objects.create(article=other, entity=elsewhere, status=Status.ACCEPTED)
    row = ArticleEntity.objects.create(article=article, entity=tebboune, status=Status.SUGGESTED)
    pages = ["/", article.url, other.url, "/entites/tebboune/", "/entites/tamim/"]
    warm(client, *pages)

    with django_capture_on_commit_callbacks(execute=True):
        decide(row, Status.ACCEPTED)

    assert not served_from_cache(client, article.url)
    entity_page = client.get("/entites/tebboune/")
    assert entity_page[reader_cache.HIT_HEADER] == "miss"
    assert "Visite à Alger" in entity_page.content.decode()
    for url in ("/", other.url, "/entites/tamim/"):
        assert served_from_cache(client, url), f"{url} purged by a decision not about it"


def test_a_rejection_takes_the_article_off_the_entity_page_at_once(
    site_tree, client, django_capture_on_commit_callbacks
):
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Visite à Oran")
    entity = Entity.objects.create(kind=Kind.PERSON, name="Aymen Benabderrahmane", slug="aymen")
    with django_capture_on_commit_callbacks(execute=True):
        row = add_entity_by_hand(article, entity)
    assert "Visite à Oran" in client.get("/entites/aymen/").content.decode()
    warm(client, "/entites/aymen/", "/")

    with django_capture_on_commit_callbacks(execute=True):
        decide(row, Status.REJECTED)

    assert "Visite à Oran" not in client.get("/entites/aymen/").content.decode()
    assert served_from_cache(client, "/")


def test_a_background_enrichment_run_purges_nothing(
    site_tree, client, django_capture_on_commit_callbacks
):
    """Suggestions stored by the pipeline are not shown to readers."""
    from newsroom.events import article_enriched
    from newsroom.models import ArticlePage

    article = ArticlePageFactory(parent=site_tree.maghreb)
    warm(client, article.url)
    with django_capture_on_commit_callbacks(execute=True):
        article_enriched.send(sender=ArticlePage, instance=article, by_editor=False)
    assert served_from_cache(client, article.url)
