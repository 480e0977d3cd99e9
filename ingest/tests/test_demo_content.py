"""Demo content: the site tree, fictional articles using the whole content model, idempotence."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page, PageLogEntry, Revision, Site

from ingest.demo import DemoReport, load_demo_content
from newsroom.demo_content import SEED_LIKE_ARTICLE_SLUG, ensure_site_tree
from newsroom.demo_content.articles import DEMO_ARTICLES, ReadAlso
from newsroom.models import ArticlePage, Author, HomePage, SectionPage, Source, Topic

pytestmark = pytest.mark.django_db

SECTION_SLUGS = ["proche-orient", "moyen-orient", "maghreb", "golfe", "international"]


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return load_demo_content()


def snapshot():
    """What a repeat load must leave exactly as it was."""
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "latest_revision": Revision.objects.aggregate(latest=Max("pk"))["latest"],
        "log_entries": PageLogEntry.objects.count(),
        "authors": Author.objects.count(),
        "sources": Source.objects.count(),
        "topics": Topic.objects.count(),
        "sites": list(Site.objects.values_list("pk", "root_page_id", "site_name", "hostname")),
    }


# --- The site tree ----------------------------------------------------------------------


def test_la_une_replaces_wagtails_welcome_page_as_root_of_the_default_site(demo):
    home = HomePage.objects.get()
    site = Site.objects.get(is_default_site=True)

    assert (home.title, home.slug, home.depth) == ("Mena News", "une", 2)
    assert home.live and home.live_revision is not None
    assert site.root_page_id == home.pk
    assert site.site_name == "Mena News"
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()


def test_the_five_sections_are_published_in_the_menu_with_an_intro(demo):
    sections = SectionPage.objects.child_of(HomePage.objects.get()).order_by("path")

    assert [section.slug for section in sections] == SECTION_SLUGS
    for section in sections:
        assert section.live and section.show_in_menus
        assert section.live_revision is not None
        assert section.intro.startswith("<p>") and len(section.intro) > 20


# --- The articles -----------------------------------------------------------------------


def test_every_section_gets_at_least_three_published_demo_articles(demo):
    for section in SectionPage.objects.all():
        assert ArticlePage.objects.child_of(section).live().count() >= 3, section.slug

    articles = ArticlePage.objects.all()
    assert demo.articles_created == articles.count() == len(DEMO_ARTICLES)
    assert all(article.is_demo_content for article in articles)
    assert all(
        article.live_revision_id and not article.has_unpublished_changes for article in articles
    )


def test_publication_is_spread_over_ten_days_with_some_in_the_google_news_window(demo):
    now = timezone.now()
    published = list(ArticlePage.objects.values_list("first_published_at", flat=True))

    assert all(now - datetime.timedelta(days=11) < moment <= now for moment in published)
    assert any(now - moment < datetime.timedelta(hours=48) for moment in published)
    assert len({timezone.localdate(moment) for moment in published}) >= 6


def test_demo_articles_use_the_whole_content_model(demo):
    articles = list(ArticlePage.objects.all())
    block_types = {block.block_type for article in articles for block in article.body}

    assert block_types >= {"paragraph", "heading", "quote", "read_also"}
    assert any(article.kicker for article in articles)
    assert all(article.standfirst and article.authors.exists() for article in articles)
    assert all(article.topics.exists() and article.countries for article in articles)
    assert all(article.dateline_places.exists() and article.dateline_date for article in articles)
    credited = [article for article in articles if article.source_id]
    assert credited and all(article.source_author for article in credited)
    assert all(".example.org/" in article.source_url for article in credited)
    quotes = [
        block.value for article in articles for block in article.body if block.block_type == "quote"
    ]
    assert quotes and all(quote["speaker"] for quote in quotes)


def test_read_also_blocks_link_to_another_published_demo_article(demo):
    links = [
        (article, block.value["article"])
        for article in ArticlePage.objects.all()
        for block in article.body
        if block.block_type == "read_also"
    ]

    assert len(links) >= 3
    for article, target in links:
        assert target.pk != article.pk
        assert target.live and target.specific.is_demo_content


def test_read_also_targets_are_listed_before_the_articles_linking_to_them():
    seen = set()
    for spec in DEMO_ARTICLES:
        targets = {block.slug for block in spec.body if isinstance(block, ReadAlso)}
        assert targets <= seen, spec.slug
        seen.add(spec.slug)


# --- Idempotence and editors' content ---------------------------------------------------


def test_a_second_load_creates_nothing_and_changes_nothing(
    demo, django_capture_on_commit_callbacks
):
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        report = load_demo_content()

    assert snapshot() == before
    assert report == DemoReport()
    assert str(report) == "Demo content already present: nothing changed"


def test_an_editors_article_is_kept_and_no_demo_article_is_added(
    django_capture_on_commit_callbacks,
):
    maghreb = ensure_site_tree().sections["maghreb"]
    article = ArticlePage(
        title="Article de la rédaction", slug="article-redaction", standfirst="Un chapô."
    )
    maghreb.add_child(instance=article)
    revision = article.save_revision()
    revision.publish()

    with django_capture_on_commit_callbacks(execute=True):
        report = load_demo_content()

    article.refresh_from_db()
    assert report.articles_created == 0
    assert list(ArticlePage.objects.all()) == [article]
    assert (article.title, article.live_revision_id) == ("Article de la rédaction", revision.pk)
    assert article.latest_revision_id == revision.pk
    assert not article.is_demo_content


def test_an_existing_home_page_and_site_are_left_as_the_editors_set_them():
    home = Page.get_first_root_node().add_child(
        instance=HomePage(title="Notre une", slug="accueil")
    )
    Site.objects.filter(is_default_site=True).update(root_page=home, site_name="Autre nom")

    report = load_demo_content()

    site = Site.objects.get(is_default_site=True)
    assert not report.home_created and report.sections_created == 5
    assert HomePage.objects.get().title == "Notre une"
    assert (site.root_page_id, site.site_name) == (home.pk, "Autre nom")
    assert SectionPage.objects.child_of(home).count() == 5


def test_the_report_is_one_line_naming_what_was_created():
    report = DemoReport(home_created=False, sections_created=5, articles_created=18)

    assert str(report) == "Demo content: 5 sections, 18 articles created"


def test_the_command_prints_the_report(django_capture_on_commit_callbacks):
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_content", stdout=out)

    assert out.getvalue().strip() == (
        f"Demo content: home page, 5 sections, {len(DEMO_ARTICLES)} articles created"
    )


# --- The article modelled on the seed page ----------------------------------------------


def test_the_seed_like_article_renders_like_the_seed_page(demo, client):
    article = ArticlePage.objects.get(slug=SEED_LIKE_ARTICLE_SLUG)
    read_also = next(block.value for block in article.body if block.block_type == "read_also")
    target = read_also["article"]

    response = client.get(article.url, HTTP_HOST="localhost")

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<p class="standfirst"><span class="dateline">(Rome, Paris, 19 décembre 2022).</span> '
        + escape(article.standfirst)
    ) in html
    link = f'<a href="{re.escape(target.url)}">{re.escape(escape(target.title))}</a>'
    assert re.search(rf'<p class="read-also">.*?{link}', html)
    assert "comme le rapporte Lorenzo Bellandi du quotidien italien «Il Faro di Levante»" in html
    assert "Giulia Marchetti, secrétaire générale du forum Thalassa" in html
    assert 'class="signup"' in html
    assert "Recevez notre newsletter et les alertes de Mena News" in html
    credit = html.split('<p class="source-credit">', 1)[1].split("</p>", 1)[0]
    assert "Lorenzo Bellandi" in credit and "quotidien italien" in credit
    assert f'<a href="{article.source_url}" rel="noopener">Il Faro di Levante</a>' in credit
    related = html.split('<section class="related"', 1)[1].split("</section>", 1)[0]
    others = ArticlePage.objects.exclude(pk=article.pk)
    assert any(f'href="{other.url}"' in related for other in others)


def test_the_seed_like_article_has_its_read_also_in_the_middle_of_the_body(demo):
    article = ArticlePage.objects.get(slug=SEED_LIKE_ARTICLE_SLUG)
    types = [block.block_type for block in article.body]

    assert "read_also" in types[1:-1]
    assert "quote" in types and types.count("paragraph") >= 3
    assert article.source.name == "Il Faro di Levante"
    assert article.source.description == "quotidien italien"
    assert article.source_author == "Lorenzo Bellandi"
    assert article.dateline_date == datetime.date(2022, 12, 19)
    assert [place.name for place in article.dateline_places.all()] == ["Rome", "Paris"]
    shared = ArticlePage.objects.exclude(pk=article.pk).filter(topics__in=article.topics.all())
    assert shared.exists()
