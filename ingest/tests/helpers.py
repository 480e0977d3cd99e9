"""Small builders for ingest tests: a site with one section, and the shared data paths."""

from pathlib import Path

from django.conf import settings
from wagtail.models import Locale, Page, Site

from newsroom.models import HomePage, SectionPage

SHARED = Path(settings.BASE_DIR).parent / "shared"
SEED = SHARED / "seed" / "mena-news-poutine-loukachenko-2022-12-19.txt"
EXTRACTION = SHARED / "data" / "extraction"


def make_section(slug="international", title="International"):
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title="Mena News", slug="une-test")
        # After a transactional test (live_server) flushed the tables, rebuild the root.
        Locale.objects.get_or_create(language_code="fr")
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root", live=True)
        )
        root.add_child(instance=home)
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "root_page": home, "site_name": "Mena News"},
        )
    section = SectionPage(title=title, slug=slug)
    home.add_child(instance=section)
    section.save_revision().publish()
    return section
