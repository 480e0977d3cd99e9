"""Plain-text ingest: how many real-shaped articles are refused or misread (issue #14).

Two sets, each read by the adapter in the working tree beside a baseline adapter taken from a
git revision (the one before issue #14's change, by default), run side by side:
  - the corpus `ingest/tests/plaintext_corpus/` (texts written for the tests, with the fields
    each must give): articles refused, articles read with every field right, and texts
    that must be refused and are;
  - the French Wikinews texts of `../shared/data/ner/` as an editor would paste them
    (headline, blank line, date line, body): refused, and read with the first line as title.

    .venv/bin/python bench/plaintext.py [--baseline REV] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WIKINEWS = REPO.parent / "shared" / "data" / "ner" / "winer_fr_2016_2017.jsonl"
BASELINE = "bc35224"  # the last commit before issue #14 changed the adapter

sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotative.settings.test")


def baseline_adapter(revision: str):
    """The PlainTextAdapter class of `revision`, imported from a temporary copy."""
    source = subprocess.run(
        ["git", "show", f"{revision}:ingest/formats/plaintext.py"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    source = source.replace("from .base import", "from ingest.formats.base import")
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as copy:
        copy.write(source)
    spec = importlib.util.spec_from_file_location("baseline_plaintext", copy.name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    Path(copy.name).unlink()
    return module.PlainTextAdapter


def on_corpus(adapter_class) -> dict:
    from ingest.exceptions import IngestError
    from ingest.formats import RawDocument
    from ingest.tests.plaintext_cases import differences, load_cases

    cases = load_cases()
    articles = [case for case in cases if not case.refused]
    refused, right, refusals_right, reasons = 0, 0, 0, {}
    for case in cases:
        try:
            article = adapter_class().extract(RawDocument(case.content))[0]
        except IngestError as error:
            if case.refused:
                refusals_right += error.code == case.expected["error"]
            else:
                refused += 1
                reasons[error.message] = reasons.get(error.message, 0) + 1
            continue
        if not case.refused and not differences(article, case.expected):
            right += 1
    return {
        "articles": len(articles),
        "refused": refused,
        "refused_rate": round(refused / len(articles), 3),
        "read_right": right,
        "must_refuse": len(cases) - len(articles),
        "refused_with_the_right_reason": refusals_right,
        "refusal_reasons": reasons,
    }


def on_wikinews(adapter_class) -> dict:
    from ingest.exceptions import IngestError

    texts = [json.loads(line)["text"] for line in WIKINEWS.open(encoding="utf-8")]
    refused, titled = 0, 0
    for text in texts:
        try:
            article = adapter_class().extract_text(text)
        except IngestError:
            refused += 1
            continue
        titled += article.title == " ".join(text.split("\n", 1)[0].split())
    return {
        "articles": len(texts),
        "refused": refused,
        "refused_rate": round(refused / len(texts), 3),
        "title_is_first_line": titled,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from ingest.formats.plaintext import PlainTextAdapter

    baseline = baseline_adapter(args.baseline)
    report = {"baseline": args.baseline, "corpus": {}, "wikinews": {}}
    for name, adapter in (("ours", PlainTextAdapter), ("baseline", baseline)):
        report["corpus"][name] = on_corpus(adapter)
        if WIKINEWS.exists():
            report["wikinews"][name] = on_wikinews(adapter)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    for data_set, results in report.items():
        if data_set == "baseline" or not results:
            continue
        for name, figures in results.items():
            shown = {key: value for key, value in figures.items() if key != "refusal_reasons"}
            print(f"{data_set:9} {name:9} {shown}")
            for reason, count in figures.get("refusal_reasons", {}).items():
                print(f"{'':20} refused {count}× — {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
