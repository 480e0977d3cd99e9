"""Wikinews import: French typography restored, sections by keyword, credit, idempotence."""

import datetime
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from ingest.wikinews import (
    WikinewsImportError,
    classify,
    detokenize,
    import_wikinews,
    parse_record,
    publication_time,
    title_from_url,
)
from newsroom.models import ArticlePage, HomePage, Source

REAL_CORPUS = Path(settings.BASE_DIR).parent / "shared/data/ner/winer_fr_2016_2017.jsonl"
PARIS = ZoneInfo("Europe/Paris")

TUNISIA_URL = "https://fr.wikinews.org/wiki/Tunisie_:_une_station_de_dessalement_inaugurée"
TUNISIA = {
    "id": "2016_05_03-001",
    "url": TUNISIA_URL,
    "text": (
        "Tunisie : une station de dessalement inaugurée\n\n"
        "Localisation de Tunis.\n\n"
        "3 mai 2016 . –\n"
        "À Tunis , l' agence de l' eau ( une agence fictive ) a inauguré une station .\n\n"
        "Selon l' agence , la station fournira de l' eau à 1 er quartier de la ville . "
        "Elle a coûté 3 millions de dinars .\n\n"
        "Évènements du 3 mai 2016\n\n"
        "Partager cet article :\nCourriel ,\nFacebook ,"
    ),
    "entities": [],
}
SPORT = {
    "id": "2016_05_04-002",
    "url": "https://fr.wikinews.org/wiki/Cyclisme_:_une_course_fictive",
    "text": (
        "Cyclisme : une course fictive\n\n"
        "4 mai 2016 . – La 5 e étape s' est courue sous la pluie .\n\n"
        "Le vainqueur , un coureur fictif , a devancé le peloton ."
    ),
    "entities": [],
}


def write_jsonl(path, *lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path):
    """Two articles around a malformed line 2."""
    return write_jsonl(
        tmp_path / "wikinews.jsonl",
        json.dumps(TUNISIA),
        '{"id": "broken", "url": ',
        json.dumps(SPORT),
    )


# --- Typography (no database) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("tokenised", "expected"),
    [
        ("Paris , le 3 mai .", "Paris, le 3 mai."),
        ("la ville de Tobrouk ( est de la Libye ) .", "la ville de Tobrouk (est de la Libye)."),
        ("le représentant de l' OMS", "le représentant de l'OMS"),
        ("L' agence dit qu' il viendra aujourd' hui", "L'agence dit qu'il viendra aujourd'hui"),
        ("jusqu’ à la fin", "jusqu’à la fin"),
        ("le 1 er janvier , la 5 e étape", "le 1er janvier, la 5e étape"),
        ("des groupes [ 2 ] ... et après", "des groupes [2]... et après"),
        ("État\u00a0 Vérifié", "État Vérifié"),
    ],
)
def test_detokenize_restores_french_typography(tokenised, expected):
    assert detokenize(tokenised) == expected


def test_detokenize_keeps_the_space_before_high_punctuation_and_inside_guillemets():
    text = (
        "Irak : deux attentats ; « Nous avons entendu l'explosion » , dit-il . Pourquoi ? Hélas !"
    )

    assert detokenize(text) == (
        "Irak : deux attentats ; « Nous avons entendu l'explosion », dit-il. Pourquoi ? Hélas !"
    )


def test_detokenize_leaves_foreign_apostrophes_and_line_breaks_alone():
    assert detokenize("Singin' in the Rain ,\nMashrou' Leila .") == (
        "Singin' in the Rain,\nMashrou' Leila."
    )


def test_title_comes_from_the_whole_page_name_after_wiki():
    assert title_from_url("https://fr.wikinews.org/wiki/Irak_:_deux_mosquées_visées") == (
        "Irak : deux mosquées visées"
    )
    assert title_from_url("https://fr.wikinews.org/wiki/Ebola_%C3%A0_l%27OMS") == "Ebola à l'OMS"
    assert title_from_url("https://fr.wikinews.org/wiki/Usage_d'une_GBU-43/B_en_Afghanistan") == (
        "Usage d'une GBU-43/B en Afghanistan"
    )


def test_parse_record_takes_the_dated_lead_as_standfirst_and_drops_captions_and_share_links():
    article = parse_record(TUNISIA)

    assert article.title == "Tunisie : une station de dessalement inaugurée"
    assert article.dateline_date == datetime.date(2016, 5, 3)
    assert article.standfirst == (
        "À Tunis, l'agence de l'eau (une agence fictive) a inauguré une station."
    )
    assert article.paragraphs == (
        "Selon l'agence, la station fournira de l'eau à 1er quartier de la ville. "
        "Elle a coûté 3 millions de dinars.",
    )
    assert (article.section_slug, article.countries) == ("maghreb", ("TN",))


def test_a_one_paragraph_article_keeps_its_first_sentence_as_standfirst():
    record = dict(SPORT, text="Titre\n\n4 mai 2016 . – Première phrase . Deuxième phrase .")

    article = parse_record(record)

    assert article.standfirst == "Première phrase."
    assert article.paragraphs == ("Deuxième phrase.",)


def test_text_without_line_breaks_is_cut_into_paragraphs_of_three_sentences():
    sentences = " ".join(f"Phrase numéro {n} ." for n in range(1, 9))
    record = {"id": "x", "url": "https://fr.wikinews.org/wiki/Titre", "text": f"Titre {sentences}"}

    article = parse_record(record)

    assert article.standfirst == "Phrase numéro 1. Phrase numéro 2. Phrase numéro 3."
    assert article.paragraphs == (
        "Phrase numéro 4. Phrase numéro 5. Phrase numéro 6.",
        "Phrase numéro 7. Phrase numéro 8.",
    )


def test_parse_record_refuses_a_record_without_text():
    with pytest.raises(WikinewsImportError) as raised:
        parse_record({"id": "x", "url": "https://fr.wikinews.org/wiki/Vide"}, line=7)

    assert (raised.value.code, raised.value.line) == ("incomplete_record", 7)


def test_publication_time_is_noon_in_paris_on_the_dateline_day_plus_the_id_sequence():
    published = publication_time("2016_05_04-002", datetime.date(2016, 5, 3))

    assert published == datetime.datetime(2016, 5, 3, 12, 2, tzinfo=PARIS)


def test_without_dateline_the_day_comes_from_the_id():
    published = publication_time("2017_03_12-001", None)

    assert published == datetime.datetime(2017, 3, 12, 12, 1, tzinfo=PARIS)


def test_an_id_without_a_date_gives_the_same_day_of_2016_2017_every_time():
    first = publication_time("un-identifiant", None)

    assert first == publication_time("un-identifiant", None)
    assert datetime.date(2016, 1, 1) <= first.date() <= datetime.date(2017, 12, 31)


@pytest.mark.parametrize(
    ("title", "text", "section", "countries"),
    [
        ("Tunisie : élections", "Un scrutin.", "maghreb", ("TN",)),
        ("Élections", "À Beyrouth, le Parlement libanais…", "proche-orient", ("LB",)),
        ("Football", "Un match au Qatar.", "international", ()),
        ("Football", "Un match au Qatar. Doha accueille.", "golfe", ("QA",)),
        (
            "Drogue saisie",
            "Des garde-côtes turcs, près de la Libye. Ankara…",
            "moyen-orient",
            ("TR",),
        ),
        ("Sommet à Téhéran", "L'Iran et la Turquie.", "moyen-orient", ("IR",)),
        ("France : grève", "Aucune mention de la région.", "international", ()),
    ],
)
def test_classify_assigns_section_and_countries_by_keywords(title, text, section, countries):
    assert classify(title, text) == (section, countries)


# --- The import -------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_publishes_each_article_credited_to_wikinews_and_reports_the_bad_line(corpus):
    report = import_wikinews(corpus)

    assert (report.created, report.skipped) == (2, 0)
    assert [(error.line, "JSON" in error.message) for error in report.errors] == [(2, True)]
    article = ArticlePage.objects.get(source_url=TUNISIA_URL)
    assert article.live and article.live_revision_id and not article.is_demo_content
    assert article.get_parent().slug == "maghreb"
    assert [country.code for country in article.countries] == ["TN"]
    assert article.standfirst.startswith("À Tunis, l'agence de l'eau (une agence fictive)")
    assert article.body[0].value.source == (
        "<p>Selon l&#x27;agence, la station fournira de l&#x27;eau à 1er quartier de la ville. "
        "Elle a coûté 3 millions de dinars.</p>"
    )
    assert article.dateline_date == datetime.date(2016, 5, 3)
    assert article.first_published_at == datetime.datetime(2016, 5, 3, 12, 1, tzinfo=PARIS)
    source = Source.objects.get(name="Wikinews")
    assert (source.url, source.licence, source.licence_terms, source.description) == (
        "https://fr.wikinews.org",
        Source.Licence.FULL,
        "CC BY 2.5",
        "",
    )
    assert set(ArticlePage.objects.values_list("source", flat=True)) == {source.pk}
    sport = ArticlePage.objects.get(title="Cyclisme : une course fictive")
    assert sport.get_parent().slug == "international"
    assert sport.standfirst == "La 5e étape s'est courue sous la pluie."


@pytest.mark.django_db
def test_a_second_import_skips_what_is_already_there(corpus):
    import_wikinews(corpus)
    pages = list(ArticlePage.objects.values_list("pk", "latest_revision_id"))

    report = import_wikinews(corpus)

    assert (report.created, report.skipped, len(report.errors)) == (0, 2, 1)
    assert list(ArticlePage.objects.values_list("pk", "latest_revision_id")) == pages


@pytest.mark.django_db
def test_limit_reads_only_the_first_lines(corpus):
    report = import_wikinews(corpus, limit=1)

    assert (report.created, report.errors) == (1, ())
    assert ArticlePage.objects.get().source_url == TUNISIA_URL


@pytest.mark.django_db
def test_section_slugs_keep_only_articles_of_those_sections(corpus):
    report = import_wikinews(corpus, section_slugs={"maghreb"})

    assert (report.created, report.filtered) == (1, 1)
    assert ArticlePage.objects.get().source_url == TUNISIA_URL


@pytest.mark.django_db
def test_two_articles_with_the_same_title_get_distinct_slugs(tmp_path):
    again = dict(TUNISIA, url=TUNISIA_URL + "?oldid=2")
    path = write_jsonl(tmp_path / "twice.jsonl", json.dumps(TUNISIA), json.dumps(again))

    report = import_wikinews(path)

    assert report.created == 2
    assert sorted(ArticlePage.objects.values_list("slug", flat=True)) == [
        "tunisie-une-station-de-dessalement-inauguree",
        "tunisie-une-station-de-dessalement-inauguree-2",
    ]


@pytest.mark.django_db
def test_a_missing_file_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(WikinewsImportError) as raised:
        import_wikinews(tmp_path / "absent.jsonl")

    assert raised.value.code == "file_missing"
    assert "absent.jsonl" in raised.value.message
    assert not HomePage.objects.exists()


@pytest.mark.django_db
def test_an_unknown_section_is_refused_before_anything_is_written(corpus):
    with pytest.raises(WikinewsImportError) as raised:
        import_wikinews(corpus, section_slugs={"sport"})

    assert raised.value.code == "unknown_section"
    assert not HomePage.objects.exists()


@pytest.mark.django_db
def test_an_imported_article_shows_the_wikinews_credit(corpus, client):
    import_wikinews(corpus)
    article = ArticlePage.objects.get(source_url=TUNISIA_URL)

    response = client.get(article.url, HTTP_HOST="localhost")

    assert response.status_code == 200
    credit = response.content.decode().split('<p class="source-credit">', 1)[1].split("</p>")[0]
    assert f'<a href="{TUNISIA_URL}" rel="noopener">Wikinews</a>' in credit
    assert "— CC BY 2.5" in credit


@pytest.mark.django_db
def test_the_command_prints_the_report(corpus):
    out = io.StringIO()

    call_command("import_wikinews", "--path", str(corpus), stdout=out)

    assert "Wikinews: 2 articles created, 0 already imported (skipped), 1 errors" in out.getvalue()
    assert "line 2: " in out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_a_missing_file_with_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="Fichier Wikinews introuvable : .*absent.jsonl"):
        call_command("import_wikinews", "--path", str(tmp_path / "absent.jsonl"))


@pytest.mark.django_db
@pytest.mark.skipif(not REAL_CORPUS.is_file(), reason="WiNER-fr corpus not found in ../shared")
def test_the_first_twenty_articles_of_the_real_corpus_are_imported():
    report = import_wikinews(REAL_CORPUS, limit=20)

    assert (report.created, report.errors) == (20, ())
    articles = ArticlePage.objects.all()
    assert articles.count() == 20
    assert all(article.live and article.source.name == "Wikinews" for article in articles)
    assert all(article.standfirst and " ," not in article.standfirst for article in articles)
    assert ArticlePage.objects.filter(dateline_date__year=2016).count() == 20
