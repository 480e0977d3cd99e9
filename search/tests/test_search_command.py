"""`manage.py search`: the search page's results in a terminal, or as JSON."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def test_prints_title_date_section_url_and_snippet(newsroom):
    output = run("Egypte")

    url = "http://testserver/golfe/le-qatar-finance-une-centrale-en-egypte/"
    assert output.splitlines()[0] == "1 result for 'Egypte'; page 1 of 1"
    assert "1. Le Qatar finance une centrale en Égypte" in output
    assert f"2024-05-08 · Golfe · {url}" in output
    assert "près du Caire, en [Égypte], d'ici 2026." in output


def test_json_gives_the_results_the_total_and_the_entity_matched(newsroom):
    data = json.loads(run("Putin", "--json"))

    assert data["total"] == 1
    assert data["terms"] == ["putin"]
    assert data["entity"] == {
        "name": "Vladimir Poutine",
        "slug": "vladimir-poutine",
        "url": "/entites/vladimir-poutine/",
        "matched_words": "Putin",
    }
    (result,) = data["results"]
    assert result["title"] == "Le président russe reçu à Riyad"
    assert result["section"] == "Golfe"
    assert result["tagged"] is True
    assert result["url"] == newsroom["kremlin"].get_full_url()


def test_filters_sort_and_page_are_the_pages_own(newsroom, monkeypatch):
    from search.management.commands import search as command

    monkeypatch.setattr(command, "RESULTS_PER_PAGE", 1)

    data = json.loads(
        run("Biélorussie", "--json", "--section", "maghreb", "--sort", "date", "--page", "2")
    )
    assert data["total"] == 3 and data["pages"] == 3 and data["page"] == 2
    assert [result["title"] for result in data["results"]] == ["Élections municipales à Tunis"]

    data = json.loads(run("gaz", "--json", "--country", "ae", "--from", "2024-05-01"))
    assert [result["title"] for result in data["results"]] == ["Le prix du pétrole recule"]

    data = json.loads(run("", "--json", "--topic", "diplomatie", "--to", "2024-05-06"))
    assert [result["title"] for result in data["results"]] == ["Élections municipales à Tunis"]

    data = json.loads(run("", "--json", "--entity", "vladimir-poutine"))
    assert [result["title"] for result in data["results"]] == ["Le président russe reçu à Riyad"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gaz", "--section", "atlantide"], "Rubrique inconnue : atlantide."),
        (["gaz", "--from", "hier"], "AAAA-MM-JJ"),
        (["gaz", "--sort", "popularity"], "Ordre inconnu"),
        (["gaz " * 60], "trop longue"),
        ([""], "Give words to search for, or a filter."),
    ],
)
def test_bad_arguments_are_command_errors(site_tree, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
