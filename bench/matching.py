"""Matching: the inverted index beside a loop over every subscription.

Data — N subscriptions (default 1,000,000) of about N/5.5 subscribers with 3 to 8 interests
each, drawn (Zipf-like: a few topics, countries and people are followed by many) from 5
sections, 60 topics, 40 countries, 2,000 entities, the newsletter (2.5%) and keyword queries
(5%: words, phrases, OR and exclusions built from French Wikinews, `../shared/data/ner/`, CC BY
2.5). 90% of subscribers are active, 1% of addresses suppressed. Rows are generated in Python
with a fixed seed and bulk-inserted (SQLite: executemany; PostgreSQL: COPY) into a separate
database: a temporary SQLite file, or with --postgres a throwaway PostgreSQL database
`rotative_bench_matching`, created and dropped here.

Articles — Wikinews texts published with different tagging (popular, niche, a big story,
untagged wire copy). For each, round by round: (a) the decision for instant-alert readers
(`decide`: who, with their reasons, as audiences of readers sharing them, from the packed
index: a key's readers as one array), (a rows) the same from the index rows
(`decide_by_rows`), (a list) the
same listed reader by reader (`find_matches`), (a+w) publishing (`match_article`: decision
and PendingMatch rows in one INSERT), the decision and publishing by a past commit with
--before (its `find_matches` and `match_article`), and (b) the naive loop: every
active, unsuppressed subscription streamed with `.iterator(chunk_size=10000)` and tested in
Python. All must find the same (subscriber, frequency) pairs with the same reasons, and
write the same rows; the ratios b/a are the figures.

    .venv/bin/python bench/matching.py [--subscriptions 1000000] [--rounds 2] [--postgres]
        [--name NAME] [--keep | --reuse] [--before REVISION] [--old-design] [--no-digest]
        [--no-freeze]

--keep leaves the database for a later --reuse (building 1M subscriptions takes minutes);
--before REVISION times that commit's matching module beside this tree's, in the same
rounds, so the before/after figures share the machine's load.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import itertools
import json
import logging
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WIKINEWS = REPO.parent / "shared" / "data" / "ner" / "winer_fr_2016_2017.jsonl"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "rotative_bench_matching"  # --name changes both, so two runs need not share one
SQLITE_PATH = Path(tempfile.gettempdir()) / f"{PG_NAME}.sqlite3"
SEED = 2025

SECTIONS = ["Maghreb", "Golfe", "Levant", "Égypte et Soudan", "Iran et Turquie"]
TOPIC_COUNT, ENTITY_COUNT = 60, 2000
COUNTRIES = (
    "DZ MA TN LY EG SD MR IL PS LB SY JO IQ IR TR SA AE QA KW BH OM YE RU UA US FR GB DE CN IN "
    "PK AF ET ER SO TD ML NE NG CY"
).split()
KIND_WEIGHTS = {
    "section": 0.12,
    "topic": 0.33,
    "country": 0.25,
    "entity": 0.225,
    "keywords": 0.05,
    "newsletter": 0.025,
}
FREQUENCY_WEIGHTS = {"instant": 0.3, "daily": 0.5, "weekly": 0.2}
STATUS_WEIGHTS = {"active": 0.90, "pending": 0.04, "paused": 0.03, "unsubscribed": 0.03}
SUPPRESSED_SHARE = 0.01
CREATED = "2025-01-06 08:00:00"
# Used only when the Wikinews file is absent.
FALLBACK_TEXT = (
    "Le gouvernement algérien a annoncé des sanctions contre les exportateurs de pétrole. "
    "Les élections législatives en Tunisie ont été reportées après des manifestations. "
    "Le prix du gaz naturel a atteint un niveau record selon les ministres de l'énergie. "
    "Les négociations sur le nucléaire iranien reprennent à Vienne sous l'égide de l'Europe. "
    "Une conférence internationale sur la reconstruction de la Syrie se tient au Caire. "
    "Les réfugiés soudanais traversent la frontière tchadienne pour fuir les combats."
)
_WORDS = re.compile(r"[^\W\d_]{5,}")
_STOP = set(
    "avait avaient aussi autre autres avant avons cette celui ceux comme contre depuis "
    "dont elles encore entre était étaient faire leurs lors mais même notre nous plus "
    "pour quand selon sont sous tous toute toutes très vers leur après ainsi alors".split()
)


# --- Database ---------------------------------------------------------------------------------


def configure(postgres: bool, reuse: bool = False) -> str:
    """Point Django at a fresh, separate database (or the one --keep left); returns its
    description."""
    if postgres:
        import psycopg

        if not reuse:
            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
                admin.execute(f'CREATE DATABASE "{PG_NAME}"')
        url, where = f"{PG_SERVER}/{PG_NAME}", f"PostgreSQL database {PG_NAME}"
    else:
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        url, where = f"sqlite:///{SQLITE_PATH}", f"SQLite file {SQLITE_PATH}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "rotative.settings.test"
    os.environ["CONN_MAX_AGE"] = "0"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.conf import settings

    logging.disable(logging.INFO)  # Wagtail's and the task backend's page and task messages

    # Articles are published here; matching runs only when the bench times it.
    settings.MAILING_MATCH_ON_PUBLISH = False
    return where


def drop_postgres() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')


# --- Generated data ---------------------------------------------------------------------------


class Zipf:
    """Draws 0..size-1, rank r with weight 1/(r+1)^exponent."""

    def __init__(self, size: int, exponent: float = 0.9):
        self.cumulative = list(
            itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(size))
        )

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])


def load_texts() -> list[str]:
    if not WIKINEWS.exists():
        # Said aloud: a database built on it holds other queries and articles, and its
        # figures compare with no run on the real texts (a worktree has no ../shared).
        print(f"no {WIKINEWS}: the fallback text stands in for Wikinews", file=sys.stderr)
        return [FALLBACK_TEXT] * 8
    with WIKINEWS.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines]


def keyword_queries(texts: list[str], rng: random.Random, count: int = 4000) -> list[str]:
    """What readers type: words of the news (weighted by how many articles use them),
    a few phrases, OR and exclusions."""
    document_frequency = Counter()
    for text in texts:
        document_frequency.update({w for w in _WORDS.findall(text) if w.lower() not in _STOP})
    limit = max(3, len(texts) * 3 // 10)
    vocabulary = [w for w, df in document_frequency.most_common() if 2 <= df <= limit]
    vocabulary = vocabulary or list(document_frequency)
    word_rank = Zipf(len(vocabulary), exponent=0.8)

    def word():
        return vocabulary[word_rank.draw(rng)]

    def phrase():
        words = rng.choice(texts).split()
        start = rng.randrange(max(1, len(words) - 2))
        pair = [w.strip(".,;:!?()«»\"'") for w in words[start : start + 2]]
        return '"' + " ".join(pair) + '"' if all(pair) else word()

    forms = [
        (0.55, lambda: word()),
        (0.15, lambda: f"{word()} {word()}"),
        (0.12, phrase),
        (0.10, lambda: f"{word()} OR {word()}"),
        (0.08, lambda: f"{word()} -{word()}"),
    ]
    weights = [weight for weight, _ in forms]
    return [rng.choices(forms, weights)[0][1]() for _ in range(count)]


def generate(total: int, sections: list[int], topics: list[int], entities: list[int], texts):
    """Subscribers, subscriptions and suppressed addresses as plain tuples."""
    rng = random.Random(SEED)  # noqa: S311 (reproducible data, not secrets)
    queries = keyword_queries(texts, rng)
    draws = {
        "section": (Zipf(len(sections), 0.5), [str(pk) for pk in sections]),
        "topic": (Zipf(len(topics)), [str(pk) for pk in topics]),
        "country": (Zipf(len(COUNTRIES), 0.8), COUNTRIES),
        "entity": (Zipf(len(entities)), [str(pk) for pk in entities]),
        "keywords": (Zipf(len(queries), 0.7), queries),
        "newsletter": (Zipf(1), [""]),
    }
    kinds, kind_weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    frequencies, frequency_weights = list(FREQUENCY_WEIGHTS), list(FREQUENCY_WEIGHTS.values())
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    subscribers, subscriptions, suppressed = [], [], []
    subscriber_id = 0
    while len(subscriptions) < total:
        subscriber_id += 1
        email = f"lecteur{subscriber_id}@example.org"
        status = rng.choices(statuses, status_weights)[0]
        subscribers.append((subscriber_id, email, status, rng.choice((6, 7, 7, 8, 12, 18))))
        if rng.random() < SUPPRESSED_SHARE:
            suppressed.append(email)
        interests = set()
        wanted = min(rng.randint(3, 8), total - len(subscriptions))
        while len(interests) < wanted:
            kind = rng.choices(kinds, kind_weights)[0]
            zipf, values = draws[kind]
            interests.add((kind, values[zipf.draw(rng)]))
        for kind, value in sorted(interests):
            frequency = rng.choices(frequencies, frequency_weights)[0]
            subscriptions.append((len(subscriptions) + 1, subscriber_id, kind, value, frequency))
    return subscribers, subscriptions, suppressed


def index_rows(subscribers, subscriptions, suppressed):
    """SubscriptionKey rows, as index_subscriber writes them: readers who receive mail only
    (active, address not suppressed)."""
    from mailing.matching import subscription_keys
    from mailing.models import Subscription

    suppressed = set(suppressed)
    active = {
        pk for pk, email, status, _ in subscribers if status == "active" and email not in suppressed
    }
    keys_of = {}
    for pk, subscriber_id, kind, value, frequency in subscriptions:
        if subscriber_id not in active:
            continue
        if (kind, value) not in keys_of:
            keys_of[kind, value] = subscription_keys(Subscription(kind=kind, value=value))
        for key in keys_of[kind, value]:
            yield (key, pk, subscriber_id, frequency)


def write_rows(table: str, columns: list[str], rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(columns)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
            for chunk in iter(lambda: list(itertools.islice(rows, 50000)), []):
                cursor.cursor.executemany(sql, chunk)


def load(total: int, texts: list[str]) -> dict:
    """Sections, topics, entities, then subscribers and their index, in bulk."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from wagtail.models import Locale, Page

    from enrichment.models import Entity
    from mailing.matching import rebuild_key_readers
    from mailing.models import Subscriber, Subscription, SubscriptionKey, Suppression
    from newsroom.models import HomePage, SectionPage, Topic

    Locale.objects.get_or_create(language_code="fr")
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="La une", slug="la-une-bench"))
    sections = [
        home.add_child(instance=SectionPage(title=name, slug=f"rubrique-{number}"))
        for number, name in enumerate(SECTIONS)
    ]
    topics = Topic.objects.bulk_create(
        Topic(name=f"Thème {number}", slug=f"theme-{number}") for number in range(TOPIC_COUNT)
    )
    entities = Entity.objects.bulk_create(
        Entity(kind="PER", name=f"Personnalité {number}", slug=f"personnalite-{number}")
        for number in range(ENTITY_COUNT)
    )
    started = time.perf_counter()
    subscribers, subscriptions, suppressed = generate(
        total,
        [section.pk for section in sections],
        [topic.pk for topic in topics],
        [entity.pk for entity in entities],
        texts,
    )
    generated = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        write_rows(
            Subscriber._meta.db_table,
            ["id", "email", "status", "digest_hour", "created_at", "token_version"],
            (row + (CREATED, 0) for row in subscribers),
        )
        write_rows(
            Subscription._meta.db_table,
            ["id", "subscriber_id", "kind", "value", "label", "frequency", "created_at"],
            ((pk, s, kind, value, "", f, CREATED) for pk, s, kind, value, f in subscriptions),
        )
        write_rows(
            SubscriptionKey._meta.db_table,
            ["key", "subscription_id", "subscriber_id", "frequency", "since"],
            (row + (CREATED,) for row in index_rows(subscribers, subscriptions, suppressed)),
        )
        write_rows(
            Suppression._meta.db_table,
            ["email", "reason", "detail", "created_at"],
            ((email, "bounce", "", CREATED) for email in suppressed),
        )
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Subscriber, Subscription]):
                cursor.execute(sql)
    # The triggers noted every index row written as a change: the arrays are built at once.
    rebuild_key_readers()
    settle()
    written = time.perf_counter() - started
    return {
        "sections": sections,
        "topics": topics,
        "entities": entities,
        "subscribers": len(subscribers),
        "active": sum(1 for row in subscribers if row[2] == "active"),
        "subscriptions": len(subscriptions),
        "keywords": sum(1 for row in subscriptions if row[2] == "keywords"),
        "index_rows": SubscriptionKey.objects.count(),
        "suppressed": len(suppressed),
        "generated": generated,
        "written": written,
    }


def packed_stats() -> str:
    """The packed index's size beside the rows it packs."""
    from django.db.models import Sum
    from django.db.models.functions import Length

    from mailing.models import KeyChange, KeyReaders

    arrays = KeyReaders.objects.aggregate(bytes=Sum(Length("readers")))["bytes"] or 0
    return (
        f"packed index: {KeyReaders.objects.count():,} arrays of {arrays / 8:,.0f} reader ids "
        f"({arrays / 1e6:.1f} MB); {KeyChange.objects.count():,} changes pending"
    )


def settle() -> None:
    """What autovacuum does soon after a bulk write, which this server does not run: PostgreSQL
    reads an index alone (the readers who may not receive mail, the index's lists) only once
    VACUUM has marked the pages all-visible. Without it, after `reload` had reset the
    digest stamps, the decision fetched 30,731 subscriber rows from the heap. SQLite has
    nothing to vacuum here."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def reload() -> dict:
    """What `load` returned, read back from a database a --keep run left, which is first
    put back as it was loaded: no matches, messages or digest stamps (articles stay)."""
    from django.db.models import Count, Q

    from enrichment.models import Entity
    from mailing.matching import pack_key_readers
    from mailing.models import (
        Delivery,
        MatchedArticle,
        PendingMatch,
        Subscriber,
        Subscription,
        SubscriptionKey,
        Suppression,
    )
    from newsroom.models import HomePage, SectionPage, Topic

    pack_key_readers()  # what a run stopped midway left noted
    PendingMatch.objects.all().delete()
    Delivery.objects.all().delete()
    MatchedArticle.objects.all().delete()
    Subscriber.objects.exclude(
        last_daily_digest_at__isnull=True, last_weekly_digest_at__isnull=True
    ).update(last_daily_digest_at=None, last_weekly_digest_at=None)
    settle()
    home = HomePage.objects.get(slug="la-une-bench")
    by_number = {
        "topics": {t.slug: t for t in Topic.objects.filter(slug__startswith="theme-")},
        "entities": {e.slug: e for e in Entity.objects.filter(slug__startswith="personnalite-")},
    }
    counts = Subscriber.objects.aggregate(
        subscribers=Count("pk"), active=Count("pk", filter=Q(status="active"))
    )
    sections = SectionPage.objects.descendant_of(home)
    return {
        "sections": [sections.get(slug=f"rubrique-{number}") for number in range(len(SECTIONS))],
        "topics": [by_number["topics"][f"theme-{number}"] for number in range(TOPIC_COUNT)],
        "entities": [
            by_number["entities"][f"personnalite-{number}"] for number in range(ENTITY_COUNT)
        ],
        **counts,
        "subscriptions": Subscription.objects.count(),
        "keywords": Subscription.objects.filter(kind="keywords").count(),
        "index_rows": SubscriptionKey.objects.count(),
        "suppressed": Suppression.objects.count(),
        "generated": 0.0,
        "written": 0.0,
    }


# --- Articles ---------------------------------------------------------------------------------


def publish(section, text: str, *, topics=(), countries=(), entities=()):
    from wagtail.rich_text import RichText

    from enrichment.models import ArticleEntity, Status
    from newsroom.models import ArticlePage

    lines = [line.strip() for line in text.split("\n") if line.strip()]
    title, paragraphs = lines[0][:250], lines[1:] or [lines[0]]
    page = ArticlePage(
        title=title,
        slug=f"article-{time.monotonic_ns()}",
        standfirst=paragraphs[0],
        body=[("paragraph", RichText(f"<p>{p}</p>")) for p in paragraphs[1:]],
        countries=list(countries),
    )
    page.topics = list(topics)
    section.add_child(instance=page)
    page.save_revision().publish()
    ArticleEntity.objects.bulk_create(
        ArticleEntity(article=page, entity=entity, status=Status.ACCEPTED) for entity in entities
    )
    return ArticlePage.objects.get(pk=page.pk)


def articles(data: dict, texts: list[str]) -> list[tuple[str, object]]:
    by_length = sorted(texts, key=len)
    sections, topics, entities = data["sections"], data["topics"], data["entities"]
    chosen = [
        (
            "typical: mid-popular tags",
            publish(
                sections[2],
                by_length[len(by_length) // 2],
                topics=[topics[8], topics[20]],
                countries=["LB"],
                entities=[entities[50], entities[700]],
            ),
        ),
        (
            "niche: rare topic, country, people",
            publish(
                sections[4],
                by_length[len(by_length) // 4],
                topics=topics[55:56],
                countries=["OM"],
                entities=entities[1900:1902],
            ),
        ),
        (
            "big story: top tags, longest text",
            publish(
                sections[0],
                by_length[-1],
                topics=topics[0:3],
                countries=COUNTRIES[:3],
                entities=entities[0:4],
            ),
        ),
        ("wire copy: untagged", publish(sections[3], by_length[len(by_length) * 3 // 4])),
    ]
    rng = random.Random(SEED + 1)  # noqa: S311 (reproducible data, not secrets)
    for number in range(4):  # a day's ordinary articles, tagged at random
        chosen.append(
            (
                f"ordinary {number + 1}: random tags",
                publish(
                    rng.choice(sections),
                    rng.choice(texts),
                    topics=rng.sample(topics, rng.randint(1, 3)),
                    countries=rng.sample(COUNTRIES, rng.randint(0, 2)),
                    entities=rng.sample(entities, rng.randint(0, 4)),
                ),
            )
        )
    return chosen


def naive_matches(article) -> dict[tuple[int, str], list[str]]:
    """Every active, unsuppressed subscription, tested one by one in Python, with reasons."""
    from mailing.matching import article_profile, index_key, receives_mail
    from mailing.models import Subscription
    from mailing.query import parse_query

    profile = article_profile(article)
    verdicts, found = {}, {}
    rows = (
        Subscription.objects.filter(receives_mail("subscriber__"))
        .values_list("subscriber_id", "kind", "value", "label", "frequency")
        .iterator(chunk_size=10000)
    )
    for subscriber_id, kind, value, label, frequency in rows:
        if kind == "keywords":
            if value not in verdicts:
                verdicts[value] = parse_query(value).matches(profile.text)
            reason = f"keywords:{label or value}" if verdicts[value] else None
        elif kind == "newsletter":
            reason = profile.reasons["all"]
        else:
            value = value.strip().upper() if kind == "country" else value.strip()
            reason = profile.reasons.get(index_key(kind, value))
        if reason:
            found.setdefault((subscriber_id, frequency), set()).add(reason)
    rank = {reason: position for position, reason in enumerate(profile.reasons.values())}
    return {
        pair: sorted(reasons, key=lambda r: (rank.get(r, len(rank)), r))
        for pair, reasons in found.items()
    }


def old_design(article) -> int:
    """What publishing cost before #15: every reader found, one PendingMatch row each."""
    from django.utils import timezone

    from mailing.matching import article_profile, find_matches, insert_matches

    now = timezone.now()
    return insert_matches(
        (pk, article.pk, frequency, reasons, now)
        for pk, frequency, reasons in find_matches(article_profile(article))
    )


def matching_of(revision: str):
    """Matching as it was at `revision`, loaded beside this tree's: its `find_matches` and
    `match_article` run on the same database in the same rounds. That is
    `mailing/matching/matches.py`, and `audiences.py` where the revision has it (importing
    that revision's matches); they may import only names this tree still has (the index,
    the models)."""
    import importlib.util
    import subprocess

    folder = Path(tempfile.mkdtemp(prefix="bench-matching-"))
    module = None
    for name in ("matches", "audiences"):
        shown = subprocess.run(
            ["git", "show", f"{revision}:mailing/matching/{name}.py"],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        if shown.returncode != 0:
            if name == "matches":
                sys.exit(shown.stderr)
            break
        source = shown.stdout.replace("mailing.matching.matches", "bench_matches_before")
        path = folder / f"{name}_before.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(f"bench_{name}_before", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def measure(article, rounds: int, before=None, old: bool = False) -> dict:
    """Interleaved, round by round, for one article: (a) the decision publication makes
    (instant-alert readers and their reasons, as audiences), (a list) the same listed
    reader by reader, (a+w) publishing as a whole (`match_article`:
    decision, rows, MatchedArticle), each also by the `before` module when given, (old,
    if asked) the design before #15 (every reader, a row each), and (b) the naive loop over
    every subscription. Each time kept."""
    from mailing import matching
    from mailing.matching import article_profile, decide, decide_by_rows, find_matches
    from mailing.models import Frequency, MatchedArticle, PendingMatch

    written = PendingMatch.objects.filter(article=article)
    # The CPU seconds of this process beside the wall clock: another program's load
    # stretches the wall clock, not the work (on SQLite they include the database's).
    times = {"decision": [], "rows": [], "listed": [], "publish": [], "loop": []}
    times |= {"decision_cpu": [], "loop_cpu": []}
    if before is not None:
        times |= {"decision_before": [], "publish_before": [], "decision_before_cpu": []}
    if old:
        times["old"] = []
    instant = [Frequency.INSTANT]
    stored, rows_before = {}, None

    def publishing(module, name: str) -> int:
        started = time.perf_counter()
        rows = module.match_article(article)
        times[name].append(time.perf_counter() - started)
        stored[name] = {
            (pk, f): list(r)
            for pk, f, r in written.values_list("subscriber_id", "frequency", "reasons")
        }
        written.delete()
        MatchedArticle.objects.filter(article=article).delete()
        return rows

    for _ in range(rounds):
        started, cpu = time.perf_counter(), time.process_time()
        audiences = decide(article_profile(article), frequencies=instant)
        times["decision"].append(time.perf_counter() - started)
        times["decision_cpu"].append(time.process_time() - cpu)

        started = time.perf_counter()
        by_rows = decide_by_rows(article_profile(article), frequencies=instant)
        times["rows"].append(time.perf_counter() - started)

        started = time.perf_counter()
        decided = find_matches(article_profile(article), frequencies=instant)
        times["listed"].append(time.perf_counter() - started)

        rows_now = publishing(matching, "publish")

        if before is not None:
            started, cpu = time.perf_counter(), time.process_time()
            decided_before = before.find_matches(article_profile(article), frequencies=instant)
            times["decision_before"].append(time.perf_counter() - started)
            times["decision_before_cpu"].append(time.process_time() - cpu)
            publishing(before, "publish_before")

        if old:
            started = time.perf_counter()
            rows_before = old_design(article)
            times["old"].append(time.perf_counter() - started)
            written.delete()

        started, cpu = time.perf_counter(), time.process_time()
        theirs = naive_matches(article)
        times["loop"].append(time.perf_counter() - started)
        times["loop_cpu"].append(time.process_time() - cpu)
    everyone = {(pk, f): reasons for pk, f, reasons in find_matches(article_profile(article))}
    theirs_instant = {pair: r for pair, r in theirs.items() if pair[1] == Frequency.INSTANT}
    now = {(pk, f): r for pk, f, r in decided}
    same = everyone == theirs and now == theirs_instant == stored["publish"]
    folded = {
        (pk, audience.frequency): audience.reasons
        for audience in audiences
        for pk in audience.readers
    }
    from_rows = {
        (pk, audience.frequency): audience.reasons
        for audience in by_rows
        for pk in audience.readers
    }
    same = same and folded == theirs_instant == from_rows
    if before is not None:
        then = {(pk, f): r for pk, f, r in decided_before}
        same = same and then == theirs_instant == stored["publish_before"]
    return {
        "keys": len(article_profile(article).keys()),
        "matches": len(theirs),
        "rows_before": len(theirs) if rows_before is None else rows_before,
        "rows_now": rows_now,
        "same": same,
        "times": times,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_digest(published: list) -> dict:
    """The daily digest built for every daily reader after the articles were published:
    its contents decided then, compared with what the design before #15 stored."""
    from django.utils import timezone

    from mailing.matching import article_profile, find_matches, match_article, queue_digests
    from mailing.models import Delivery, Frequency, PendingMatch, Subscriber

    expected = set()
    for article in published:
        match_article(article)
        profile = article_profile(article)
        expected |= {
            (pk, article.pk) for pk, _, _ in find_matches(profile, frequencies=[Frequency.DAILY])
        }
    Subscriber.objects.update(digest_hour=0)  # everyone's hour has come
    started = time.perf_counter()
    digests = queue_digests(Frequency.DAILY, now=timezone.now())
    elapsed = time.perf_counter() - started
    contents = set(
        PendingMatch.objects.filter(
            frequency=Frequency.DAILY, delivery__kind=Delivery.Kind.DAILY
        ).values_list("subscriber_id", "article_id")
    )
    return {
        "digests": digests,
        "rows": len(contents),
        "seconds": elapsed,
        "same": contents == expected,
    }


def main():
    global PG_NAME, SQLITE_PATH  # noqa: PLW0603 (one bench database per process)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true", help=f"use {PG_SERVER}/{PG_NAME}")
    parser.add_argument(
        "--name",
        default=PG_NAME,
        help="the bench database: the PostgreSQL name, and the SQLite file's in the temp folder",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--reuse", action="store_true", help="use the database a --keep run left (implies --keep)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="runs per article")
    parser.add_argument("--no-digest", action="store_true", help="skip the digest build")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="leave what is loaded in the collector's generations (no gc.freeze, unlike a worker)",
    )
    parser.add_argument(
        "--before",
        metavar="REVISION",
        help="also time that commit's matching (find_matches, match_article), in the same rounds",
    )
    parser.add_argument(
        "--old-design",
        action="store_true",
        help="also time the design before #15 (a row per reader), slow",
    )
    args = parser.parse_args()
    PG_NAME, SQLITE_PATH = args.name, Path(tempfile.gettempdir()) / f"{args.name}.sqlite3"

    started = time.perf_counter()
    where = configure(args.postgres, reuse=args.reuse)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    texts = load_texts()
    data = reload() if args.reuse else load(args.subscriptions, texts)
    before = matching_of(args.before) if args.before else None
    if not args.no_freeze:
        # As a task worker does once it has loaded (newsroom.task_workers): what is loaded
        # taken out of the collector's generations, so a full collection during a decision
        # does not walk the whole framework (200 ms here).
        gc.collect()
        gc.freeze()
    print(
        f"Matching bench on a {where}; {args.rounds} interleaved rounds; "
        + (
            "nothing frozen"
            if args.no_freeze
            else "what is loaded frozen (gc.freeze), as in a worker"
        )
    )
    print(packed_stats())
    print(
        f"data: {data['subscriptions']:,} subscriptions ({data['keywords']:,} keyword queries) "
        f"of {data['subscribers']:,} subscribers ({data['active']:,} active, "
        f"{data['suppressed']:,} suppressed); {data['index_rows']:,} index rows; "
        f"{len(SECTIONS)} sections, {TOPIC_COUNT} topics, {len(COUNTRIES)} countries, "
        f"{ENTITY_COUNT:,} entities"
    )
    if args.reuse:
        print(f"setup: reused (migrate {migrated:.1f} s)")
    else:
        print(
            f"setup: migrate {migrated:.1f} s, generate {data['generated']:.1f} s, "
            f"bulk insert + index {data['written']:.1f} s"
        )
    print(
        "per article, best of the rounds: (a) the decision publication makes (instant-alert "
        "readers and their reasons, as audiences, from the packed index), (a rows) the same "
        "from the index rows, (a list) the same listed reader by "
        "reader, (a+w) publishing as a whole (decision, rows, MatchedArticle), "
        + (f"'then': the same by {args.before}, " if before else "")
        + "(b) the naive loop over every subscription"
    )
    columns = [
        ("(a)", "decision"),
        ("(a rows)", "rows"),
        ("(a list)", "listed"),
        ("(a+w)", "publish"),
    ]
    if before:
        columns += [("(a) then", "decision_before"), ("(a+w) then", "publish_before")]
    if args.old_design:
        columns.append(("(old)", "old"))
    print(
        f"{'article':36} {'keys':>5} {'readers':>8} {'rows now':>9} "
        + " ".join(f"{title:>10}" for title, _ in columns)
        + f" {'(b)':>7} {'b/a':>5} {'b/list':>6} {'b/(a+w)':>7} same"
    )
    results = []
    for label, article in articles(data, texts):
        r = measure(article, args.rounds, before=before, old=args.old_design)
        r["article"] = article
        results.append(r)
        best = {name: min(values) for name, values in r["times"].items()}
        print(
            f"{label:36} {r['keys']:>5} {r['matches']:>8,} {r['rows_now']:>9,} "
            + " ".join(f"{best[name] * 1000:>8.1f}ms" for _, name in columns)
            + f" {best['loop']:>6.2f}s {best['loop'] / best['decision']:>4.0f}x "
            f"{best['loop'] / best['listed']:>5.0f}x {best['loop'] / best['publish']:>6.0f}x "
            f"{'yes' if r['same'] else 'NO'}"
        )
    samples = {name: [t for r in results for t in r["times"][name]] for name in results[0]["times"]}
    p50 = {name: percentile(values, 0.5) for name, values in samples.items()}
    p95 = {name: percentile(values, 0.95) for name, values in samples.items()}
    print(f"over {len(results)} articles x {args.rounds} rounds, p50 / p95, and naive ÷ p50:")
    for title, name in [*columns, ("(b) naive loop", "loop")]:
        print(
            f"  {title:16} {p50[name] * 1000:8.1f} / {p95[name] * 1000:8.1f} ms"
            f"  {p50['loop'] / p50[name]:6.1f}x"
        )
    print("this process's CPU, p50 / p95, and the naive loop's CPU ÷ p50:")
    cpu = [("(a)", "decision_cpu"), ("(b) naive loop", "loop_cpu")]
    if before:
        cpu.insert(1, ("(a) then", "decision_before_cpu"))
    for title, name in cpu:
        print(
            f"  {title:16} {p50[name] * 1000:8.1f} / {p95[name] * 1000:8.1f} ms"
            f"  {p50['loop_cpu'] / p50[name]:6.1f}x"
        )
    rows_before = sum(r["rows_before"] for r in results) / len(results)
    rows_now = sum(r["rows_now"] for r in results) / len(results)
    print(
        f"rows written per published article: {rows_before:,.0f} before #15 (one per reader), "
        f"{rows_now:,.0f} now (instant alerts only) + 1 MatchedArticle"
    )
    if not args.no_digest:
        digest = measure_digest([r["article"] for r in results])
        print(
            f"daily digest built after these {len(results)} articles: {digest['digests']:,} "
            f"digests, {digest['rows']:,} contents rows decided at build time in "
            f"{digest['seconds']:.1f} s (matching, deliveries, attaching); same as the "
            f"design before #15 would have stored: {'yes' if digest['same'] else 'NO'}"
        )
        results.append({"same": digest["same"]})
    print(f"run {time.perf_counter() - started:.0f} s")
    if not all(r["same"] for r in results):
        sys.exit("the index and the loop disagree")
    if args.keep or args.reuse:
        return
    if args.postgres:
        drop_postgres()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
