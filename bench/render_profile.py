"""Where an uncached article render spends its time: milliseconds, queries and top costs.

For this tree (and, with ``--before PATH``, another checkout, run alternately in the same
session) a fresh SQLite site with the demo content is built, then the seed-like article is
rendered in-process through the whole middleware stack with the page cache off
(CACHE_MIDDLEWARE_SECONDS=0, long-lived keys kept; with ``--parts-kept`` the parts of the
page kept apart, READER_FRAGMENT_SECONDS=300), production-like settings:

  - the median time of ``--renders`` renders, in ``--rounds`` rounds alternating the trees;
  - the queries one render makes;
  - a cProfile of ``--renders`` more renders: the top costs by cumulative time, grouped by
    the project's own functions and the Wagtail and Django steps they call.

    .venv/bin/python bench/render_profile.py [--renders 50] [--rounds 3] [--before PATH]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from trees import DRAIN_QUEUE, REPO, python_of

CHILD = r"""
import cProfile, json, pstats, sys, time
import django
django.setup()
from django.db import connection
from django.test import Client
from newsroom.models import ArticlePage
from newsroom.demo_content import SEED_LIKE_ARTICLE_SLUG

renders, mode = int(sys.argv[1]), sys.argv[2]
url = ArticlePage.objects.get(slug=SEED_LIKE_ARTICLE_SLUG).url
client = Client()
for _ in range(5):
    client.get(url, HTTP_HOST="127.0.0.1")
if mode == "time":
    started = time.perf_counter()
    for _ in range(renders):
        assert client.get(url, HTTP_HOST="127.0.0.1").status_code == 200
    print(json.dumps({"ms": (time.perf_counter() - started) / renders * 1000}))
else:
    queries = []
    with connection.execute_wrapper(lambda run, sql, *rest: queries.append(sql) or run(sql, *rest)):
        client.get(url, HTTP_HOST="127.0.0.1")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(renders):
        client.get(url, HTTP_HOST="127.0.0.1")
    profile.disable()
    stats = pstats.Stats(profile)
    wanted = ("/newsroom/", "/related/", "/enrichment/", "/search/", "/mailing/",
              "wagtail/views.py", "wagtail/models/pages.py", "routable_page",
              "template/response.py", "wagtail/images/models.py", "core/cache/backends")
    rows = []
    for (path, line, name), (_, _, _, cumulative, _) in stats.stats.items():
        if any(part in path for part in wanted):
            where = path.split("site-packages/")[-1].removeprefix(sys.argv[3]).lstrip("/")
            rows.append((cumulative, f"{where}:{line} {name}"))
    rows.sort(reverse=True)
    top = [(round(cumulative / stats.total_tt * 100, 1), label) for cumulative, label in rows[:26]]
    print(json.dumps({"queries": len(queries), "top": top}))
"""


def site_env(tree, var, parts_kept):
    env = {
        **os.environ,
        "ROTATIVE_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "rotative.settings.dev",
        "CACHE_MIDDLEWARE_SECONDS": "0",
        "READER_FRAGMENT_SECONDS": "300" if parts_kept else "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(tree),
    }
    env.pop("DATABASE_URL", None)
    commands = (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"])
    # Then the worker's queue, run as a running site's worker runs it (bench/run.py).
    for command in (*commands, ["load_demo_content"], DRAIN_QUEUE):
        subprocess.run(
            [str(python_of(tree)), "manage.py", *command],
            cwd=tree,
            env=env,
            check=True,
            capture_output=True,
        )
    return env


def child(tree, env, renders, mode):
    done = subprocess.run(
        [str(python_of(tree)), "-c", CHILD, str(renders), mode, str(tree)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"{tree} ({mode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", help="another checkout, measured alternately")
    parser.add_argument(
        "--parts-kept",
        action="store_true",
        help="keep the page's parts ({%% kept_fragment %%}): a page rebuilt around kept parts",
    )
    args = parser.parse_args()
    trees = {"after": REPO}
    if args.before:
        trees = {"before": Path(args.before).resolve(), **trees}
    with tempfile.TemporaryDirectory(prefix="rotative-render-") as tmp:
        envs = {
            name: site_env(tree, Path(tmp) / name, args.parts_kept) for name, tree in trees.items()
        }
        times = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                times[name].append(child(tree, envs[name], args.renders, "time")["ms"])
        profiles = {
            name: child(tree, envs[name], args.renders, "profile") for name, tree in trees.items()
        }
    kept = ", its parts kept" if args.parts_kept else ""
    print(f"Uncached render of the seed-like demo article{kept}, {args.renders} x {args.rounds}")
    for name in trees:
        median = statistics.median(times[name])
        ratio = (
            f"  ({median / statistics.median(times['before']):.2f}x before)" if args.before else ""
        )
        print(
            f"  {name:6s} {median:6.2f} ms per render, {profiles[name]['queries']} queries{ratio}"
        )
    for name in trees:
        print(f"\nTop costs, {name} (share of the profiled time, cumulative):")
        for share, label in profiles[name]["top"]:
            print(f"  {share:5.1f}%  {label}")


if __name__ == "__main__":
    sys.exit(main())
