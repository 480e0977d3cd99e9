"""Related articles: quality on the French Wikinews corpus, and the time to rank one article.

    .venv/bin/python bench/related.py [--sizes 1000,10000] [--sample 300] [--timed 40]
                                       [--database-url postgres://…]

1. Imports the 964 WiNER-fr Wikinews articles (../shared/data/ner, CC BY 2.5 texts, CC BY 4.0
   annotations) into a fresh database, enriches them with the real pipeline and builds their
   text profiles.
2. Quality: for `--sample` articles, the top 5 of our ranking beside a text-only baseline
   (BM25 on the same lemmas, `ranking.TEXT_ONLY`), each judged by how many of the five share
   a *main entity* with the article (one of its three most-mentioned names in the corpus's
   own gold annotations, so the judge is not our entity linker) or its main IPTC topic.
3. Speed: the time to compute one article's list (`rank_article`) at each size, beside an
   exhaustive ranking that scores every published article (no candidate selection), run on
   the same articles in the same process; and how often both give the same top 5. Sizes
   above the corpus are reached by publishing articles made of two corpus articles (their
   paragraphs, entity links, topics, countries and lemma counts combined).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WINER = REPO.parent / "shared" / "data" / "ner" / "winer_fr_2016_2017.jsonl"
MAIN_ENTITIES = 3
TOP = 5

sys.path.insert(0, str(REPO))


def setup_django(database_url: str | None) -> None:
    os.environ["ROTATIVE_VAR_DIR"] = tempfile.mkdtemp(prefix="rotative-bench-related-")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    # Immediate tasks, no automatic enrichment or ranking on publish: the bench drives both.
    os.environ["DJANGO_SETTINGS_MODULE"] = "rotative.settings.test"
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)  # one line per page published and task run otherwise


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).strip()


def gold_main_entities() -> dict[str, set[str]]:
    """Article URL → its three most-mentioned gold names (people, organisations, places)."""
    main = {}
    with WINER.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            names = Counter(
                fold(record["text"][entity["start"] : entity["end"]])
                for entity in record["entities"]
                if entity["type"] in {"Person", "Organization", "Location"}
            )
            main[record["url"]] = {name for name, _ in names.most_common(MAIN_ENTITIES)}
    return main


def prepare_corpus():
    from django.core.management import call_command

    from enrichment.services import enrich_pages
    from ingest.wikinews import import_wikinews
    from newsroom.models import ArticlePage
    from related.profiles import store_text_profiles

    call_command("migrate", verbosity=0)
    call_command("load_gazetteer", verbosity=0)
    started = time.perf_counter()
    report = import_wikinews(WINER)
    print(f"imported {report.created} Wikinews articles in {time.perf_counter() - started:.0f} s")
    pages = list(ArticlePage.objects.published().order_by("pk"))
    started = time.perf_counter()
    enrich_pages(pages)
    print(f"enriched {len(pages)} articles in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    store_text_profiles(pages)
    print(f"built {len(pages)} text profiles in {time.perf_counter() - started:.0f} s")
    return pages


def all_gold_names() -> dict[str, set[str]]:
    every = {}
    with WINER.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            every[record["url"]] = {
                fold(record["text"][entity["start"] : entity["end"]])
                for entity in record["entities"]
                if entity["type"] in {"Person", "Organization", "Location"}
            }
    return every


def main_topics() -> dict[int, int]:
    from enrichment.models import ArticleTopic, Status

    best = {}
    rows = (
        ArticleTopic.objects.exclude(status=Status.REJECTED)
        .order_by("article_id", "-score")
        .values_list("article_id", "topic_id")
    )
    for article_id, topic_id in rows:
        best.setdefault(article_id, topic_id)
    return best


def quality(pages, sample: int) -> None:
    from collections import defaultdict

    from enrichment.models import ArticleTopic, Status
    from related import ranking
    from related.services import rank_article

    main = gold_main_entities()
    names = all_gold_names()
    topics = defaultdict(set)
    for article_id, topic_id in ArticleTopic.objects.exclude(status=Status.REJECTED).values_list(
        "article_id", "topic_id"
    ):
        topics[article_id].add(topic_id)
    top_topic = main_topics()
    url_of = {page.pk: page.source_url for page in pages}
    chosen = random.Random(6).sample(pages, min(sample, len(pages)))  # noqa: S311 (a reproducible sample)

    def judge(page, ranked):
        shares_entity = shares_topic = shares_any = 0
        for candidate in ranked:
            entity = bool(
                main.get(page.source_url, set()) & names.get(url_of.get(candidate), set())
            )
            topic = top_topic.get(page.pk) in topics.get(candidate, set())
            shares_entity += entity
            shares_topic += topic
            shares_any += entity or topic
        return shares_entity, shares_topic, shares_any, len(ranked)

    print(f"\nQuality: top {TOP} of {len(chosen)} articles among {len(pages)}")
    print(f"{'ranking':<22}{'main entity':>13}{'main topic':>12}{'either':>9}{'≥1 in top 5':>13}")
    for label, weights in (
        ("ours", ranking.DEFAULT_WEIGHTS),
        ("text only (BM25)", ranking.TEXT_ONLY),
    ):
        totals = Counter()
        for page in chosen:
            ranked = [c.article_id for c in rank_article(page, limit=TOP, weights=weights)]
            entity, topic, either, listed = judge(page, ranked)
            totals.update(entity=entity, topic=topic, either=either, slots=TOP, hit=either > 0)
        slots = totals["slots"]
        print(
            f"{label:<22}{totals['entity'] / slots:>13.3f}{totals['topic'] / slots:>12.3f}"
            f"{totals['either'] / slots:>9.3f}{totals['hit'] / len(chosen):>13.3f}"
        )


def grow_to(size: int, real_pages, rng: random.Random) -> None:
    """Publish articles made of two corpus articles until `size` articles are published."""
    from django.db import transaction

    from enrichment.models import ArticleCountry, ArticleEntity, ArticleTopic
    from newsroom.models import ArticlePage
    from related.models import TermCount, TextProfile

    have = ArticlePage.objects.published().count()
    if have >= size:
        return
    started = time.perf_counter()
    links = {page.pk: list(ArticleEntity.objects.filter(article=page)) for page in real_pages}
    subjects = {page.pk: list(ArticleTopic.objects.filter(article=page)) for page in real_pages}
    countries = {page.pk: list(ArticleCountry.objects.filter(article=page)) for page in real_pages}
    terms = {pk: Counter() for pk in links}
    for article_id, term, count in TermCount.objects.values_list("article_id", "term", "count"):
        if article_id in terms:
            terms[article_id][term] = count
    sections = {page.pk: page.get_parent() for page in real_pages}
    for number in range(have, size):
        first, second = rng.sample(real_pages, 2)
        with transaction.atomic():
            page = ArticlePage(
                title=f"{first.title} ; {second.title}"[:255],
                slug=f"recueil-{number}",
                standfirst=first.standfirst,
                body=list(first.body.raw_data) + list(second.body.raw_data),
                live=True,
                first_published_at=first.first_published_at + timedelta(days=rng.randint(0, 30)),
            )
            sections[first.pk].add_child(instance=page)
            for model, rows, key, fields in (
                (ArticleEntity, links, "entity_id", ("entity_id", "score", "status")),
                (ArticleTopic, subjects, "topic_id", ("topic_id", "score", "status")),
                (ArticleCountry, countries, "country", ("country", "about", "score")),
            ):
                copy_decisions(model, page, rows[first.pk] + rows[second.pk], key, fields)
            counts = terms[first.pk] + terms[second.pk]
            TermCount.objects.bulk_create(
                [TermCount(article=page, term=term, count=count) for term, count in counts.items()]
            )
            TextProfile.objects.create(article=page, words=sum(counts.values()))
        if (number + 1) % 1000 == 0:
            print(f"  {number + 1} articles published ({time.perf_counter() - started:.0f} s)")


def copy_decisions(model, page, rows, key: str, fields: tuple[str, ...]) -> None:
    """The enrichment rows of two articles onto the one made of them, one per key."""
    unique = {str(getattr(row, key)): row for row in rows}.values()
    model.objects.bulk_create(
        [model(article=page, **{name: getattr(row, name) for name in fields}) for row in unique]
    )


def exhaustive(page, limit=TOP):
    """Every published article scored: what candidate selection saves us from."""
    from newsroom.models import ArticlePage
    from related import ranking
    from related.candidates import load_rarity, load_signals, text_matches

    signals = load_signals([page.pk])[page.pk]
    everyone = ArticlePage.objects.published().exclude(pk=page.pk).values_list("pk", flat=True)
    candidates = load_signals(list(everyone)).values()
    documents = ArticlePage.objects.published().count()
    rarity = load_rarity(list(signals.entities), documents)
    return ranking.rank(signals, candidates, text_matches(page), rarity, limit=limit)


def timing(size: int, pages, timed: int) -> None:
    from related import ranking
    from related.services import rank_article

    chosen = random.Random(size).sample(pages, min(timed, len(pages)))  # noqa: S311 (a reproducible sample)
    runs = {"ours": [], "text only": [], "exhaustive": []}
    same = 0
    for page in chosen:
        started = time.perf_counter()
        ours = rank_article(page, limit=TOP)
        runs["ours"].append(time.perf_counter() - started)
        started = time.perf_counter()
        rank_article(page, limit=TOP, weights=ranking.TEXT_ONLY)
        runs["text only"].append(time.perf_counter() - started)
        started = time.perf_counter()
        full = exhaustive(page)
        runs["exhaustive"].append(time.perf_counter() - started)
        same += len({c.article_id for c in ours} & {c.article_id for c in full})
    ours_median = statistics.median(runs["ours"])
    print(f"\nTime to rank one article, {size} published articles, {len(chosen)} articles timed")
    for label, values in runs.items():
        values = sorted(values)
        p90 = values[int(0.9 * (len(values) - 1))]
        ratio = statistics.median(values) / ours_median
        print(
            f"  {label:<12} median {statistics.median(values) * 1000:7.1f} ms"
            f"  p90 {p90 * 1000:7.1f} ms  ({ratio:.2f}× ours)"
        )
    print(f"  ours finds {same / (TOP * len(chosen)):.1%} of the exhaustive top {TOP}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--sample", type=int, default=300, help="articles judged for quality")
    parser.add_argument("--timed", type=int, default=40, help="articles timed at each size")
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    options = parser.parse_args()
    if not WINER.is_file():
        sys.exit(f"needs the WiNER-fr corpus at {WINER}")
    setup_django(options.database_url)
    from django.db import connection

    print(f"database: {connection.vendor}")
    pages = prepare_corpus()
    quality(pages, options.sample)
    rng = random.Random(42)  # noqa: S311 (reproducible data)
    for size in sorted(int(value) for value in options.sizes.split(",")):
        grow_to(size, pages, rng)
        timing(size, pages, options.timed)


if __name__ == "__main__":
    main()
