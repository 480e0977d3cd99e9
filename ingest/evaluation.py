"""The snippet score of trafilatura's evaluation set, shared by the test and the benchmark.

Each page lists passages a good extractor keeps (`with`) and boilerplate it drops
(`without`): a kept passage found is a true positive, one missing a false negative, a
boilerplate passage found a false positive.

The 113 pages (13 French in `evaldata_fr.json`, 100 mostly German and English in
`more/evaldata_more.json`) are split once into a tuning set and a held-out set
(`ingest/extraction_split.json`, made by `make_split`) so that extraction rules are judged
on pages they were not tuned on (#14): the first figures, 0.961 against trafilatura's 0.914
on the 13 pages the rules were written for, fell to 0.917 against 0.909 on unseen pages.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

SPLIT_FILE = Path(__file__).with_name("extraction_split.json")
# Where each stratum's pages live, relative to ../shared/data/extraction.
SOURCES = {"french": "evaldata_fr.json", "more": "more/evaldata_more.json"}
HELD_OUT_SHARE = 0.3


def snippet_score(texts: dict[str, str], evaluation: dict) -> dict:
    tp = fn = fp = 0
    for url, item in evaluation.items():
        text = texts[url]
        tp += sum(snippet in text for snippet in item["with"])
        fn += sum(snippet not in text for snippet in item["with"])
        fp += sum(snippet in text for snippet in item["without"])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def load_pages(extraction: Path) -> dict[str, dict[str, Any]]:
    """Every evaluation page by URL, with `path` (its HTML file) and `stratum` added."""
    pages: dict[str, dict[str, Any]] = {}
    for stratum, name in SOURCES.items():
        index = extraction / name
        for url, item in json.loads(index.read_text(encoding="utf-8")).items():
            pages[url] = {**item, "stratum": stratum, "path": index.parent / "html" / item["file"]}
    return pages


def _hash_order(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def make_split(strata: dict[str, list[str]]) -> dict[str, list[str]]:
    """Tuning and held-out URLs: within each stratum, by SHA-256 of the URL, 30 % held out.

    A hash of the URL, not of the content, so the split was fixed before any page was read;
    per stratum, so both sets hold French and non-French pages.
    """
    split: dict[str, list[str]] = {"tuning": [], "held_out": []}
    for urls in strata.values():
        ordered = sorted(urls, key=_hash_order)
        cut = round(len(ordered) * HELD_OUT_SHARE)
        split["held_out"].extend(ordered[:cut])
        split["tuning"].extend(ordered[cut:])
    return {name: sorted(urls) for name, urls in split.items()}


def strata_of(pages: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    strata: dict[str, list[str]] = {name: [] for name in SOURCES}
    for url, page in pages.items():
        strata[page["stratum"]].append(url)
    return strata


def read_split() -> dict[str, list[str]]:
    data = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))
    return {"tuning": data["tuning"], "held_out": data["held_out"]}


def write_split(pages: dict[str, dict[str, Any]]) -> None:
    """Writes `extraction_split.json`; run once, when the evaluation pages change."""
    split = make_split(strata_of(pages))
    note = (
        "Made by ingest.evaluation.make_split before any page, snippet or score was read: "
        "within each stratum (french = evaldata_fr.json, 13 pages; more = "
        "more/evaldata_more.json, 100 pages, mostly German and English), URLs sorted by "
        "SHA-256 of the URL (UTF-8) and the first round(30 %) held out. Tune on `tuning` only; "
        "report `held_out` as an aggregate only. Pages: trafilatura's evaluation set "
        "(adbar/trafilatura, Apache-2.0; page HTML is third-party content, for evaluation only)."
    )
    counts = {
        name: {
            stratum: sum(url in split[name] for url in urls)
            for stratum, urls in strata_of(pages).items()
        }
        for name in split
    }
    SPLIT_FILE.write_text(
        json.dumps({"note": note, "counts": counts, **split}, indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


def trafilatura_text(html: bytes, url: str, **options: Any) -> str:
    """trafilatura's own main text (bare_extraction, its defaults unless options say)."""
    import trafilatura

    result = trafilatura.bare_extraction(html, url=url, **options)
    return (getattr(result, "text", None) or "") if result is not None else ""


def our_text(html: bytes, url: str) -> str:
    """What our HTML adapter publishes: headline, standfirst and body ('' when empty)."""
    from ingest.exceptions import EmptyArticle
    from ingest.formats.html import HTMLAdapter

    try:
        article = HTMLAdapter().extract_html(html, url=url)
    except EmptyArticle:
        return ""
    return article.text()


def score_sets(
    texts: dict[str, str], pages: dict[str, dict[str, Any]], split: dict[str, list[str]]
) -> dict[str, dict]:
    """The snippet score of each set of the split (aggregates only: no per-page figures)."""
    return {
        name: snippet_score(texts, {url: pages[url] for url in urls})
        for name, urls in split.items()
    }
