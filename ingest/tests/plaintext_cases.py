"""The plain-text corpus: real-shaped texts written for the tests, each with what it must give.

`plaintext_corpus/<name>.text` holds the bytes an editor would paste (CRLF, BOM and cp1252
files included; `.gitattributes` keeps git from touching them), and `expected.json` what the
adapter must read from each, or the code of the error that refuses it (issue #14). An absent
field means its empty value, so every field is checked for every text. `bench/plaintext.py`
measures refusal rates on the same cases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsroom.article import ExtractedArticle

CORPUS = Path(__file__).resolve().parent / "plaintext_corpus"


@dataclass(frozen=True)
class Case:
    name: str
    content: bytes
    expected: dict[str, Any]

    @property
    def refused(self) -> bool:
        return "error" in self.expected


def load_cases() -> list[Case]:
    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    return [
        Case(name, (CORPUS / f"{name}.text").read_bytes(), fields)
        for name, fields in sorted(expected.items())
    ]


def _updated(article: ExtractedArticle) -> str | None:
    stamps = [w.removeprefix("updated: ") for w in article.warnings if w.startswith("updated: ")]
    return stamps[0] if stamps else None


def differences(article: ExtractedArticle, expected: dict[str, Any]) -> list[str]:
    """What `article` got wrong against `expected`, one line per field (empty: all right)."""
    dateline = article.dateline
    got = {
        "title": article.title,
        "kicker": article.kicker,
        "byline": article.byline,
        "published": article.published.isoformat() if article.published else None,
        "updated": _updated(article),
        "dateline": {
            "places": list(dateline.places),
            "date": dateline.date.isoformat() if dateline.date else None,
        }
        if dateline
        else None,
        "credits": [image.credit for image in article.images],
        "read_also": [link.title for link in article.read_also],
    }
    defaults: dict[str, Any] = {"kicker": "", "byline": "", "credits": [], "read_also": []}
    wrong = [
        f"{name}: {got[name]!r} != {expected.get(name, defaults.get(name))!r}"
        for name in got
        if got[name] != expected.get(name, defaults.get(name))
    ]
    standfirst = expected.get("standfirst", "")
    if (standfirst == "") != (article.standfirst == "") or not article.standfirst.startswith(
        standfirst
    ):
        wrong.append(f"standfirst: {article.standfirst[:60]!r} does not open with {standfirst!r}")
    body = expected.get("body", [])
    if len(article.body) != len(body) or not all(
        paragraph.startswith(opening)
        for paragraph, opening in zip(article.body, body, strict=False)
    ):
        wrong.append(f"body: {[p[:30] for p in article.body]!r} != openings {body!r}")
    missing = [w for w in expected.get("warnings", []) if w not in article.warnings]
    if missing:
        wrong.append(f"warnings: {missing!r} not in {list(article.warnings)!r}")
    return wrong
