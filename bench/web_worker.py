"""A fresh web worker: time to its first article, modules imported, memory (issue #15).

Before issue #15 every web process imported spaCy (`related_articles` → `related.terms` →
`enrichment.nlp`, and each app's signals → tasks → services → the NLP pipeline). This bench
starts fresh interpreters that import `rotative.wsgi` as a gunicorn worker does, then read an
article (its related list stored, 8 candidates for 4 shown), la une, a section, the search
page and an entity page once each (`related/tests/web_process.py serve`). The code of the
working tree runs beside a baseline revision (the commit before issue #15's change, by
default), exported with `git archive`; each builds its own SQLite site of `--articles`
articles (test settings, local-memory cache: every page is an uncached render).

    .venv/bin/python bench/web_worker.py [--articles 60] [--rounds 3] [--baseline REV] [--json]

Figures are medians over the rounds; the rounds alternate the two trees. After the five
first pages each worker also times, warm, the related block (its articles and four cards)
and the whole uncached article, 50 times each: the block's share of the render.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from trees import REPO, export

SCRIPT = REPO / "related" / "tests" / "web_process.py"
BASELINE = "b9c1980"  # the last commit before issue #15 kept spaCy out of web processes


def run(tree: Path, *args: str) -> tuple[dict, float]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="rotative.settings.test",
        PYTHONPATH=str(tree),
        ROTATIVE_VAR_DIR=str(tree / "var"),
        WEB_PROCESS_TIME_BLOCK="1",
    )
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(SCRIPT), *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = (time.perf_counter() - started) * 1000
    if result.returncode != 0:
        raise SystemExit(f"{tree}: {' '.join(args[:1])} failed\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1]), elapsed


def figures(report: dict, process_ms: float) -> dict:
    pages = report["pages"]
    return {
        "process_ms": process_ms,  # interpreter start to the last of the five pages
        "wsgi_import_ms": report["wsgi_ms"],
        "first_article_ms": report["wsgi_ms"] + pages["article"]["ms"],
        "article_render_ms": pages["article"]["ms"],
        "other_pages_ms": sum(page["ms"] for name, page in pages.items() if name != "article"),
        "modules": report["modules"],
        "max_rss_mb": report["max_rss_mb"],
        "gc_collections": report["gc_ms"]["count"],
        "max_gc_pause_ms": report["gc_ms"]["max"],
        "related_block_ms": report["block"]["block_ms"],
        "uncached_article_ms": report["block"]["article_ms"],
        "related_block_share_pct": 100
        * report["block"]["block_ms"]
        / report["block"]["article_ms"],
        "nlp_imported": sorted(name for name, seen in report["nlp_after_pages"].items() if seen),
    }


def median(rounds: list[dict]) -> dict:
    result = {}
    for key, value in rounds[0].items():
        if isinstance(value, list):
            result[key] = value
        else:
            result[key] = round(statistics.median(entry[key] for entry in rounds), 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="rotative-bench-worker-") as tmp:
        trees = {"ours": REPO, "baseline": export(args.baseline, Path(tmp) / "baseline")}
        sites = {}
        for name, tree in trees.items():
            database = str(Path(tmp) / f"{name}.sqlite3")
            site, _ = run(tree, "build", database, str(args.articles))
            sites[name] = (database, site["article"])
        rounds: dict[str, list[dict]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                database, article = sites[name]
                report, elapsed = run(tree, "serve", database, article)
                rounds[name].append(figures(report, round(elapsed, 1)))
    report = {
        "data": f"{args.articles} published articles, 8 related stored for the article read, "
        "SQLite, test settings (local-memory cache, every page an uncached render)",
        "baseline": args.baseline,
        "rounds": args.rounds,
        "ours": median(rounds["ours"]),
        "baseline_figures": median(rounds["baseline"]),
    }
    if args.json:
        print(json.dumps(report, indent=2))  # noqa: T201
        return 0
    print(f"web worker — {report['data']}; median of {args.rounds} fresh processes each")  # noqa: T201
    ours, before = report["ours"], report["baseline_figures"]
    for key in ours:
        print(f"  {key:20} ours {str(ours[key]):>10}   before ({args.baseline}) {before[key]}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
