"""HTML pages: our post-processing beats trafilatura's defaults on the evaluation pages."""

import json

import pytest
import trafilatura

from ingest.evaluation import snippet_score
from ingest.formats import RawDocument, detect_adapter
from ingest.formats.html import HTMLAdapter

from .helpers import EXTRACTION

PAGE = """<!DOCTYPE html><html lang="fr"><head><title>Le port rouvre | Rubrique | Le Site</title>
<meta name="description" content="Le port a rouvert ses quais aux cargos ce lundi."></head>
<body><nav><a href="/">Accueil</a></nav><article><h1>Le port rouvre</h1>
<p>BEYROUTH (AFP) – Le port a rouvert ses quais aux cargos ce lundi, après trois semaines
de travaux sur les grues et les entrepôts du terminal nord.</p>
<p>Les autorités portuaires estiment que le trafic retrouvera son niveau habituel avant la
fin du mois, selon un communiqué publié dans la matinée.</p>
<p>A lire : <a href="/economie/les-grues-du-terminal">Les grues du terminal nord</a></p>
<p>Les armateurs attendaient cette réouverture depuis le début des travaux, qui avaient
contraint plusieurs navires à décharger dans d'autres ports de la région.</p>
<p>Recevez notre newsletter</p>
<p>Pour lire la suite, abonnez-vous</p>
</article></body></html>""".encode()


def test_html_is_detected_by_its_markup():
    assert detect_adapter(RawDocument(PAGE)).name == "html"


def test_page_gives_headline_dateline_and_read_also_with_its_url():
    article = HTMLAdapter().extract_html(PAGE, url="https://news.example.org/port")
    assert article.title == "Le port rouvre"
    assert article.dateline.places == ("Beyrouth",)
    assert article.standfirst.startswith("Le port a rouvert ses quais")
    assert article.read_also[0].title == "Les grues du terminal nord"
    assert article.read_also[0].url == "https://news.example.org/economie/les-grues-du-terminal"
    text = article.text()
    assert "A lire" not in text
    assert "newsletter" not in text
    assert "Pour lire la suite" not in text
    assert any("armateurs" in paragraph for paragraph in article.body)


@pytest.mark.skipif(not EXTRACTION.exists(), reason="../shared/data/extraction is not present")
def test_extraction_beats_trafilatura_defaults_on_the_evaluation_pages():
    evaluation = json.loads((EXTRACTION / "evaldata_fr.json").read_text())
    ours, baseline = {}, {}
    for url, item in evaluation.items():
        html = (EXTRACTION / "html" / item["file"]).read_bytes()
        article = HTMLAdapter().extract_html(html, url=url)
        ours[url] = "\n".join([article.standfirst, *article.body])
        baseline[url] = trafilatura.extract(html, url=url) or ""
    ours_score = snippet_score(ours, evaluation)
    base_score = snippet_score(baseline, evaluation)
    assert ours_score["f1"] > base_score["f1"]
    assert ours_score["precision"] > base_score["precision"]
    assert ours_score["recall"] >= base_score["recall"]
