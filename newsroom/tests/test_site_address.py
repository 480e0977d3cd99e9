"""The site's absolute URLs all start with ROTATIVE_BASE_URL (issue #14).

Before, the Wagtail Site that Wagtail's migrations create stayed on localhost:80: canonical
links, og:url, sitemaps and JSON-LD said http://localhost/… while email links, built on
ROTATIVE_BASE_URL, said http://127.0.0.1:8000/… whatever port `make run` served. Set-up now
gives the Site that address (and again when it changes); `make run` passes HOST and PORT as
the default address; production refuses to start without a real one.
"""

import json
import os
import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Site

from mailing.models import Delivery, PendingMatch, Subscriber
from mailing.rendering import render_delivery
from newsroom.demo_content import SEED_LIKE_ARTICLE_SLUG
from newsroom.exceptions import SiteAddressInvalid
from newsroom.models import ArticlePage
from newsroom.site_address import site_address
from newsroom.tests.factories import ArticlePageFactory
from newsroom.tests.test_production_settings import production_env, run_python

REPO = Path(django_settings.BASE_DIR)
ADDRESS = "https://www.example.org"


@pytest.fixture
def set_up(settings, django_capture_on_commit_callbacks):
    """`setup_newsroom` as `make run` runs it, with ROTATIVE_BASE_URL set to `address`."""

    def run(address, *options):
        settings.ROTATIVE_BASE_URL = address
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("setup_newsroom", *options, stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def reader(client, settings):
    """A reader of www.example.org, over HTTPS."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "www.example.org"]

    def get(path):
        response = client.get(path, HTTP_HOST="www.example.org", secure=True)
        assert response.status_code == 200, path
        return response.content.decode()

    return get


def canonical(html):
    return re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)


def json_ld(html):
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(script)


@pytest.mark.django_db
def test_set_up_puts_canonical_sitemap_json_ld_and_email_urls_on_the_base_url(set_up, reader):
    out = set_up(ADDRESS)

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("www.example.org", 443, ADDRESS)
    assert f"Site: now served at {ADDRESS}/" in out
    article = ArticlePage.objects.get(slug=SEED_LIKE_ARTICLE_SLUG)
    page = reader(article.url)
    expected = f"{ADDRESS}{article.url}"
    assert canonical(page) == expected
    assert f'<meta property="og:url" content="{expected}">' in page
    data = json_ld(page)
    assert data["url"] == data["mainEntityOfPage"]["@id"] == expected
    assert data["publisher"]["url"] == ADDRESS
    assert all(url.startswith(f"{ADDRESS}/") for url in data.get("image", []))
    locations = re.findall(r"<loc>([^<]+)</loc>", reader("/sitemap.xml"))
    assert expected in locations
    assert locations and all(loc.startswith(f"{ADDRESS}/") for loc in locations)
    assert "localhost" not in page + reader("/sitemap-news.xml") + reader("/flux/rss.xml")
    # An alert about the article links to the same address as its canonical link.
    links = re.findall(r"https?://\S+", render_delivery(alert_about(article)).body)
    assert expected in links
    assert any("/newsletter/desabonnement/" in link for link in links)
    assert all(link.startswith(f"{ADDRESS}/") for link in links)


def alert_about(article):
    subscriber = Subscriber.objects.create(
        email="lectrice@example.org", status=Subscriber.Status.ACTIVE
    )
    delivery = Delivery.objects.create(
        subscriber=subscriber, kind=Delivery.Kind.ALERT, message_key="alert:site-address"
    )
    PendingMatch.objects.create(
        subscriber=subscriber, article=article, frequency="instant", delivery=delivery
    )
    return delivery


@pytest.mark.django_db
def test_set_up_again_at_another_address_moves_the_site_and_keeps_its_pages(
    set_up, site_tree, client
):
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le port de Tanger s’agrandit")
    set_up(ADDRESS, "--no-demo")

    out = set_up("http://127.0.0.1:8123", "--no-demo")
    again = set_up("http://127.0.0.1:8123/", "--no-demo")

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_page_id) == ("127.0.0.1", 8123, site_tree.home.pk)
    assert Site.objects.count() == 1
    assert "Site: now served at http://127.0.0.1:8123/" in out
    assert "Site: served at http://127.0.0.1:8123/" in again
    page = client.get(article.url, HTTP_HOST="127.0.0.1:8123").content.decode()
    assert canonical(page) == f"http://127.0.0.1:8123{article.url}"


@pytest.mark.django_db
def test_set_up_without_demo_content_still_gives_the_site_its_address(set_up):
    set_up("http://127.0.0.1:8123", "--no-demo")

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    ["https://www.example.org/actu/", "https://www.example.org:8443", "ftp://www.example.org"],
)
def test_set_up_refuses_an_address_the_site_cannot_have_and_writes_nothing(set_up, address):
    with pytest.raises(CommandError, match="ROTATIVE_BASE_URL doit être l’adresse du site seule"):
        set_up(address)

    assert not get_user_model().objects.exists()
    assert Site.objects.get().hostname == "localhost"


@pytest.mark.django_db
def test_set_up_refuses_an_address_another_site_has(set_up, site_tree):
    Site.objects.create(hostname="www.example.org", port=443, root_page=site_tree.maghreb)

    with pytest.raises(CommandError, match="Un autre site Wagtail a déjà l’adresse"):
        set_up(ADDRESS, "--no-demo")

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("testserver", 80)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("https://www.example.org", ("www.example.org", 443)),
        ("https://WWW.Example.org:443/", ("www.example.org", 443)),
        ("http://127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("http://news.example.org", ("news.example.org", 80)),
    ],
)
def test_the_site_address_is_the_host_and_port_wagtail_gives_back(address, expected):
    assert site_address(address) == expected


@pytest.mark.parametrize(
    "address",
    ["", "www.example.org", "http://", "http://host/path", "http://host:443", "http://[::1"],
)
def test_an_address_wagtail_could_not_give_back_is_refused(address):
    with pytest.raises(SiteAddressInvalid):
        site_address(address)


# --- Where the address comes from: `make run`, then the settings ----------------------------


def make_dry_run(target, **variables):
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    env.pop("ROTATIVE_BASE_URL", None)
    env.update(variables)
    result = subprocess.run(  # noqa: S603 - make from PATH, our own Makefile
        ["make", "-n", target],  # noqa: S607
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if "ROTATIVE_BASE_URL" in line]


def test_make_run_gives_set_up_and_every_process_the_address_it_serves():
    lines = make_dry_run("run", HOST="10.1.2.3", PORT="8123")

    assert len(lines) == 2
    assert lines[0].startswith("ROTATIVE_BASE_URL='http://10.1.2.3:8123' ")
    assert lines[0].endswith("manage.py setup_newsroom")
    assert lines[1].startswith("ROTATIVE_BASE_URL='http://10.1.2.3:8123' ")
    assert "-m rotative.launcher --host 10.1.2.3 --port 8123" in lines[1]


@pytest.mark.parametrize(
    ("variables", "address"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"ROTATIVE_BASE_URL": ""}, "http://127.0.0.1:8000"),
        (
            {"ROTATIVE_BASE_URL": "https://news.example.org", "PORT": "8123"},
            "https://news.example.org",
        ),
    ],
    ids=["defaults", "empty", "named"],
)
def test_make_run_defaults_the_address_to_host_and_port_unless_one_is_named(variables, address):
    (setup, launcher) = make_dry_run("run", **variables)

    assert setup.startswith(f"ROTATIVE_BASE_URL='{address}' ")
    assert launcher.startswith(f"ROTATIVE_BASE_URL='{address}' ")


PRINT_ADDRESS = """
import json
import django
from django.conf import settings
django.setup()
from mailing.links import absolute
print(json.dumps([settings.ROTATIVE_BASE_URL, settings.WAGTAILADMIN_BASE_URL,
                  settings.ALLOWED_HOSTS, absolute("/newsletter/")]))
"""


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "http://127.0.0.1:8000"), (" ", "http://127.0.0.1:8000"), (ADDRESS, ADDRESS)],
    ids=["unset", "blank", "set"],
)
def test_the_settings_read_the_address_once_for_every_link(tmp_path, value, expected):
    env = {key: val for key, val in os.environ.items() if not key.startswith("ROTATIVE_")}
    env.update(DJANGO_SETTINGS_MODULE="rotative.settings.dev", ROTATIVE_VAR_DIR=str(tmp_path))
    env.pop("ALLOWED_HOSTS", None)
    if value is not None:
        env["ROTATIVE_BASE_URL"] = value

    result = run_python("-c", PRINT_ADDRESS, env=env)

    assert result.returncode == 0, result.stderr
    base, admin, hosts, newsletter = json.loads(result.stdout.strip().splitlines()[-1])
    assert base == admin == expected
    assert newsletter == f"{expected}/newsletter/"
    assert expected.split("://")[1].split(":")[0] in hosts


@pytest.mark.parametrize(
    "address",
    [
        "https://news.example.org/actu/",
        "https://news.example.org:8443",
        "https://news.example.org/?a=1",
    ],
)
def test_production_refuses_an_address_with_a_path_a_query_or_another_port(address):
    result = run_python(
        "-c", "import django; django.setup()", env=production_env(ROTATIVE_BASE_URL=address)
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ROTATIVE_BASE_URL must be the site's address alone" in result.stderr


def test_production_takes_an_address_with_a_final_slash():
    result = run_python(
        "-c",
        "import django; django.setup()",
        env=production_env(ROTATIVE_BASE_URL="https://news.example.org/"),
    )

    assert result.returncode == 0, result.stderr
