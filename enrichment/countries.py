"""Which countries an article is about, and which it only mentions.

The caller gathers `CountrySignal`s — the dateline's places, the countries named in the title
or standfirst, the linked entities, the demonyms (`demonym_signals`) — and `score_countries`
weighs them. Pure functions: no database, no model.

How the signals weigh (`SOURCE_FACTORS` multiplies the weight the caller passes):

* dateline (× 4) — one signal per dateline place, weight 1: the heaviest single signal;
* title (× 3) — a country named in the title or standfirst (its name, a place in it, a
  person or organisation of it), weight 1 per mention;
* entity (× 1) — a linked entity's country, weight = salience × mentions; people and
  organisations count at half the weight of places (`entity_signal` applies `KIND_FACTORS`);
* demonym (× 0.3) — each "biélorusse", "Ukrainiens" adds a little (weight 1 per occurrence).

Scores are normalised to 0..1 against the top country. A country is *about* when its score
reaches `about_threshold` (0.35 by default), or when it is in the dateline and corroborated.

Datelines and filing desks. "(Rome, Paris, 19 décembre 2022)" says where a partner and our
desk filed from, not what the story is about. A dateline country is therefore only counted
when the rest of the article corroborates it: its body evidence (every non-dateline signal,
title included) must reach `dateline_corroboration` (0.1 by default) of the strongest body
country's evidence. Corroborated, the dateline weight is added and the country is *about*
whatever its score. Not corroborated, it is a filing location: returned with its body score
only (often 0) and `about=False`. A story with no other country evidence at all ("TUNIS – Le
port a rouvert…") is taken to be about its dateline's countries: there is nothing to tell the
desk from the scene, and an agency dateline names the scene.

Demonyms of no single country ("arabe", "kurde") and the European Union's ("européen", code
"EU") are recognised but yield no signal: neither is a country.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from enrichment.gazetteer_data import DEMONYM_PREFIXES, DEMONYMS, SUPRANATIONAL_CODES
from newsroom.text import fold_accents

SOURCES = ("dateline", "title", "entity", "demonym")
SOURCE_FACTORS = {"dateline": 4.0, "title": 3.0, "entity": 1.0, "demonym": 0.3}
KIND_FACTORS = {"LOC": 1.0, "PER": 0.5, "ORG": 0.5}
ABOUT_THRESHOLD = 0.35
DATELINE_CORROBORATION = 0.1


@dataclass(frozen=True)
class CountrySignal:
    """Evidence that an article concerns a country; built by the caller."""

    code: str  # ISO 3166-1 alpha-2
    weight: float
    source: str  # "dateline" | "entity" | "demonym" | "title"

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"unknown country signal source {self.source!r}")
        if not self.weight >= 0:  # also rejects NaN
            raise ValueError(f"a country signal's weight must be >= 0, not {self.weight!r}")


@dataclass(frozen=True)
class CountryScore:
    code: str
    score: float  # 0..1, relative to the top country
    about: bool  # False: mentioned in passing, or only the place the story was filed from


def entity_signal(
    code: str, *, kind: str, salience: float = 1.0, mentions: int = 1
) -> CountrySignal:
    """The signal of a linked entity's country: places count fully, people and organisations
    at `KIND_FACTORS` (half)."""
    return CountrySignal(code, salience * mentions * KIND_FACTORS.get(kind, 0.5), "entity")


# --------------------------------------------------------------------------------------------
# Demonyms
# --------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case and without accents, length kept: match offsets in the folded text are
    offsets in the original."""
    return fold_accents(text, case="lower", keep_length=True)


_FOLDED_DEMONYMS = {_fold(form): code for form, code in DEMONYMS.items()}
_FOLDED_PREFIXES = {_fold(form): code for form, code in DEMONYM_PREFIXES.items()}
# Longest first, so "sud-soudanais" wins over "soudanais" at the same position.
_DEMONYM_RE = re.compile(
    r"(?<!\w)("
    + "|".join(re.escape(form) for form in sorted(_FOLDED_DEMONYMS, key=len, reverse=True))
    + r")(?!\w)"
)
_PREFIX_RE = re.compile(
    r"(?<!\w)("
    + "|".join(re.escape(form) for form in sorted(_FOLDED_PREFIXES, key=len, reverse=True))
    + r")-(?=\w)"
)
# Set phrases where a demonym names no country: "montagnes russes", "tête de Turc"…
_IDIOMS = re.compile(
    r"(?<!\w)(?:montagnes russes|roulette russe|poupees russes|salade russe|tete de turc|"
    r"cle anglaise|auberge espagnole)(?!\w)"
)
# "à la française", "à l'italienne": a manner, not a country.
_MANNER = re.compile(r"(?<!\w)à\s+(?:la\s+|l['’]\s*)$", re.IGNORECASE)


def demonym_signals(text: str) -> list[CountrySignal]:
    """One "demonym" signal per country whose demonyms occur in `text`, weight = occurrences.

    Whole words, any case or accent, every gender and number ("biélorusse", "Ukrainiens",
    "EGYPTIENNE"); compound adjectives count both halves ("israélo-palestinien" → IL, PS).
    Not counted: demonyms inside other words ("Prusse"), set phrases ("montagnes russes",
    "à la française"), and those of no single country or of the EU. In order of first
    occurrence.
    """
    folded = _fold(text)
    masked = _IDIOMS.sub(lambda match: " " * len(match.group()), folded)
    hits: list[tuple[int, str]] = []
    for match in _PREFIX_RE.finditer(masked):
        hits.append((match.start(), _FOLDED_PREFIXES[match.group(1)]))
    for match in _DEMONYM_RE.finditer(masked):
        if _MANNER.search(text[: match.start()]):
            continue
        hits.append((match.start(), _FOLDED_DEMONYMS[match.group(1)]))
    counts: dict[str, int] = {}
    for _, code in sorted(hits):
        if code and code not in SUPRANATIONAL_CODES:
            counts[code] = counts.get(code, 0) + 1
    return [CountrySignal(code, float(count), "demonym") for code, count in counts.items()]


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def score_countries(
    signals: Sequence[CountrySignal],
    *,
    about_threshold: float = ABOUT_THRESHOLD,
    dateline_corroboration: float = DATELINE_CORROBORATION,
) -> list[CountryScore]:
    """Every country the signals name, best first (ties by code), with its score and whether
    the article is about it. See the module docstring for the rules."""
    body: dict[str, float] = {}
    dateline: dict[str, float] = {}
    for signal in signals:
        code = signal.code.strip().upper()
        if not code or code in SUPRANATIONAL_CODES:
            continue
        weighted = signal.weight * SOURCE_FACTORS[signal.source]
        target = dateline if signal.source == "dateline" else body
        target[code] = target.get(code, 0.0) + weighted
        body.setdefault(code, 0.0)
    if not body:
        return []
    top_body = max(body.values())
    if top_body == 0:
        # Nothing but the dateline to go on ("TUNIS – Le port a rouvert…"): the story is there.
        corroborated = set(dateline)
    else:
        corroborated = {
            code
            for code in dateline
            if body[code] > 0 and body[code] >= dateline_corroboration * top_body
        }
    raw = {code: body[code] + (dateline[code] if code in corroborated else 0.0) for code in body}
    top = max(raw.values())
    scores = []
    for code, value in raw.items():
        score = round(value / top, 4) if top > 0 else 0.0
        scores.append(CountryScore(code, score, code in corroborated or score >= about_threshold))
    scores.sort(key=lambda item: (-item.score, item.code))
    return scores
