"""Ingest: extraction quality on the evaluation pages, and throughput of each format path.

Quality — bench/extraction.py (run from here too): the snippet score on the 79 tuning and
34 held-out pages of `../shared/data/extraction/` (ingest/extraction_split.json), our HTML
adapter beside trafilatura's `bare_extraction` with its defaults, favor_precision and
favor_recall.

Throughput — items per second, each path beside a baseline run interleaved in the same
process (the ratio is the figure; this machine is shared and noisy):
  - plain text: the seed page and the French Wikinews texts as an editor would paste them,
    beside trafilatura's bare extraction of the same text wrapped in minimal HTML;
  - HTML: the 13 evaluation pages, beside `trafilatura.bare_extraction` with its defaults;
  - feeds: the minimal RSS/Atom/JSON feeds and the well-formed feedparser fixtures through
    the feed adapter (hardened XML, sanitising), beside bare `feedparser.parse`.

    .venv/bin/python bench/ingest.py [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EXTRACTION = SHARED / "data" / "extraction"
WIKINEWS = SHARED / "data" / "ner" / "winer_fr_2016_2017.jsonl"
SEED = SHARED / "seed" / "mena-news-poutine-loukachenko-2022-12-19.txt"
FEEDS = SHARED / "data" / "feeds"

sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotative.settings.test")


def _rate(function, items) -> float:
    started = time.perf_counter()
    for item in items:
        function(item)
    return len(items) / (time.perf_counter() - started)


def _paired(name, ours, baseline, items, rounds) -> dict:
    """Interleave rounds of ours and the baseline; report medians and the ratio."""
    ours_rates, base_rates = [], []
    for _ in range(rounds):
        ours_rates.append(_rate(ours, items))
        base_rates.append(_rate(baseline, items))
    ours_rate, base_rate = statistics.median(ours_rates), statistics.median(base_rates)
    return {
        "path": name,
        "items": len(items),
        "ours_items_per_s": round(ours_rate, 1),
        "baseline_items_per_s": round(base_rate, 1),
        "ratio": round(ours_rate / base_rate, 2),
    }


def plaintext_documents(limit: int) -> list[bytes]:
    documents = [SEED.read_bytes()] if SEED.exists() else []
    if WIKINEWS.exists():
        with WIKINEWS.open(encoding="utf-8") as lines:
            for line in lines:
                if len(documents) >= limit:
                    break
                documents.append(json.loads(line)["text"].encode())
    return documents


def _as_minimal_html(document: bytes) -> str:
    from html import escape

    blocks = [block.strip() for block in document.decode().split("\n\n") if block.strip()]
    paragraphs = "".join(f"<p>{escape(block)}</p>" for block in blocks)
    return f"<html><body>{paragraphs}</body></html>"


def feed_documents(limit: int) -> list[bytes]:
    from ingest.exceptions import UnsafeXML
    from ingest.safe_xml import ensure_safe_xml

    documents = [path.read_bytes() for path in sorted((FEEDS / "rss_atom_minimal").iterdir())]
    archive = FEEDS / "feedparser_6.0.14_tests.tar.gz"
    if archive.exists():
        with tarfile.open(archive) as tar:
            for member in tar:
                if len(documents) >= limit:
                    break
                if not member.isfile() or "/wellformed/" not in member.name:
                    continue
                content = tar.extractfile(member).read()
                try:
                    ensure_safe_xml(content)
                except UnsafeXML:  # refused fixtures are not throughput data
                    continue  # noqa: S112
                documents.append(content)
    return documents


def throughput(rounds: int) -> list[dict]:
    import feedparser
    import trafilatura

    from ingest.exceptions import IngestError
    from ingest.formats import RawDocument
    from ingest.formats.feeds import FeedAdapter
    from ingest.formats.html import HTMLAdapter
    from ingest.formats.plaintext import PlainTextAdapter

    def tolerant(adapter):
        def run(content):
            try:
                adapter.extract(RawDocument(content))
            except IngestError:
                pass  # a fixture with no article: still work done, still counted

        return run

    results = []
    texts = plaintext_documents(500)
    wrapped = [_as_minimal_html(text) for text in texts]
    plaintext = tolerant(PlainTextAdapter())
    # Both sides get an index: ours reads the text, the baseline the same text as HTML.
    results.append(
        _paired(
            "plain text (seed + Wikinews)",
            lambda index: plaintext(texts[index]),
            lambda index: trafilatura.bare_extraction(wrapped[index]),
            list(range(len(texts))),
            rounds,
        )
    )
    evaluation = json.loads((EXTRACTION / "evaldata_fr.json").read_text())
    pages = [(EXTRACTION / "html" / item["file"]).read_bytes() for item in evaluation.values()]
    results.append(
        _paired(
            "HTML (evaluation pages)",
            tolerant(HTMLAdapter()),
            lambda page: trafilatura.bare_extraction(page),
            pages,
            rounds,
        )
    )
    feeds = feed_documents(600)
    results.append(
        _paired(
            "feeds (minimal + feedparser well-formed fixtures)",
            tolerant(FeedAdapter()),
            lambda content: feedparser.parse(io.BytesIO(content)),
            feeds,
            rounds,
        )
    )
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not EXTRACTION.exists():
        print("../shared/data/extraction is not present: nothing to measure.")
        return 0

    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # skipped fixture entries are expected, not news
    from extraction import extraction_quality, print_quality  # bench/ is on sys.path

    report = {"quality": extraction_quality(), "throughput": throughput(args.rounds)}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print_quality(report["quality"])
    print("\nIngest throughput (median of interleaved rounds; ratio = ours / baseline)")
    for row in report["throughput"]:
        print(
            f"  {row['path']:<52} n={row['items']:<5} ours {row['ours_items_per_s']:>8}/s"
            f"  baseline {row['baseline_items_per_s']:>8}/s  ratio {row['ratio']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
