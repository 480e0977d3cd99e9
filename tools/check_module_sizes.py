"""Fail when a hand-written module grows past the house limit (issue #13: ~400 lines).

Past that size a module holds more than one idea and becomes a package split by concept
(STYLE.md). Data tables (lexicons, gazetteer rows, demo copy) are long by nature and are
listed here by name; migrations are generated and tests read as lists of cases.

Run: ``python tools/check_module_sizes.py`` (``make lint`` does).
"""

from __future__ import annotations

import sys
from pathlib import Path

LIMIT = 400
APPS = ("newsroom", "ingest", "enrichment", "related", "search", "mailing", "rotative")
DATA_TABLES = {
    "enrichment/gazetteer_data.py",  # the curated people, places and organisations
    "enrichment/topic_cues.py",  # IPTC Media Topic cue words
    "newsroom/demo_content/articles.py",  # the demo articles' text
    "locale/fr_translations.py",  # interface strings and their French
}


def oversized(root: Path) -> list[tuple[str, int]]:
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            name = path.relative_to(root).as_posix()
            if {"tests", "migrations"} & set(path.relative_to(root).parts) or name in DATA_TABLES:
                continue
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines > LIMIT:
                found.append((name, lines))
    return found


def main() -> int:
    found = oversized(Path(__file__).resolve().parent.parent)
    for name, lines in found:
        print(f"{name}: {lines} lines (limit {LIMIT}): split it by concept into a package")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
