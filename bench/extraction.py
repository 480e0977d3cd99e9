"""Extraction quality: our HTML adapter beside trafilatura on the tuning and held-out pages.

Data: `../shared/data/extraction/` — 113 pages of trafilatura's evaluation set (13 French,
100 mostly German and English: news, blogs, shops), each with passages a good extractor
keeps (`with`) and boilerplate it drops (`without`); trafilatura's repository is Apache-2.0,
the page HTML third-party content, for evaluation only. `ingest/extraction_split.json` fixes
which 79 pages rules may be tuned on and which 34 are held out (#14). The score is
`ingest.evaluation.snippet_score`; our text is the article's standfirst and body.

Beside ours, trafilatura's `bare_extraction` with its defaults, with `favor_precision`, and
with `favor_recall`. Only aggregates are printed, never a held-out page's figures.

    .venv/bin/python bench/extraction.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXTRACTION = REPO.parent / "shared" / "data" / "extraction"

sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotative.settings.test")

SYSTEMS = {
    "ours": None,
    "trafilatura defaults": {},
    "trafilatura favor_precision": {"favor_precision": True},
    "trafilatura favor_recall": {"favor_recall": True},
}


def extraction_quality() -> dict:
    """Per system and set: precision, recall, F1 (and counts), plus the data size."""
    from ingest.evaluation import (
        load_pages,
        our_text,
        read_split,
        score_sets,
        trafilatura_text,
    )

    pages = load_pages(EXTRACTION)
    split = read_split()
    htmls = {url: page["path"].read_bytes() for url, page in pages.items()}
    report: dict = {
        "pages": {name: len(urls) for name, urls in split.items()},
        "snippets": {
            name: sum(len(pages[url]["with"]) + len(pages[url]["without"]) for url in urls)
            for name, urls in split.items()
        },
        "megabytes": round(sum(map(len, htmls.values())) / 1e6, 1),
        "systems": {},
    }
    for system, options in SYSTEMS.items():
        started = time.perf_counter()
        if options is None:
            texts = {url: our_text(html, url) for url, html in htmls.items()}
        else:
            texts = {url: trafilatura_text(html, url, **options) for url, html in htmls.items()}
        scores = score_sets(texts, pages, split)
        scores["seconds"] = round(time.perf_counter() - started, 1)
        report["systems"][system] = scores
    return report


def print_quality(report: dict) -> None:
    pages, snippets = report["pages"], report["snippets"]
    print(
        f"Extraction quality, snippet score: tuning {pages['tuning']} pages "
        f"({snippets['tuning']} snippets), held-out {pages['held_out']} pages "
        f"({snippets['held_out']} snippets); {report['megabytes']} MB of HTML"
    )
    print(f"{'':30}{'tuning P':>9}{'R':>7}{'F1':>7}   {'held-out P':>10}{'R':>7}{'F1':>7}{'s':>6}")
    for system, scores in report["systems"].items():
        cells = "   ".join(
            f"{scores[name]['precision']:>{width}.3f}{scores[name]['recall']:>7.3f}"
            f"{scores[name]['f1']:>7.3f}"
            for name, width in (("tuning", 9), ("held_out", 10))
        )
        print(f"{system:30}{cells}{scores['seconds']:>6}")
    ours, base = report["systems"]["ours"], report["systems"]["trafilatura defaults"]
    for name in ("tuning", "held_out"):
        gain = ours[name]["f1"] - base[name]["f1"]
        print(f"  {name}: ours − trafilatura defaults = {gain:+.3f} F1")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not EXTRACTION.exists():
        print("../shared/data/extraction is not present: nothing to measure.")
        return 0

    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    report = extraction_quality()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_quality(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
