"""The IPTC Media Topics the newsroom suggests: 17 subjects, and the second level of three.

The vocabulary (labels, definitions, tree) is the IPTC's, CC BY 4.0, credit “IPTC Media
Topics”. It is read at run time from ../shared/data and never copied into this repository;
``load_media_topics`` raises ``MediaTopicsUnavailable`` where that folder is absent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from newsroom.exceptions import DomainError

ATTRIBUTION = "IPTC Media Topics (CC BY 4.0)"
# Subjects whose second level the newsroom needs; the other 14 are offered at the top only.
SUBJECTS_WITH_CHILDREN = ("medtop:16000000", "medtop:11000000", "medtop:04000000")

_URI_PREFIX = "http://cv.iptc.org/newscodes/mediatopic/"


class MediaTopicsUnavailable(DomainError):
    """The IPTC vocabulary file is missing or unreadable.

    A deployment without ../shared cannot suggest topics; callers catch this one error and
    skip topic enrichment instead of failing on a FileNotFoundError or KeyError deep inside.
    Its message names the file and what went wrong, for the operator's log.
    """

    code = "media_topics_unavailable"


@dataclass(frozen=True)
class MediaTopic:
    qcode: str
    label: str  # French, as in the IPTC file
    definition: str  # French; "" where the IPTC gives none
    parent: str  # "" for a top-level subject
    level: int  # 1 or 2


def default_vocabulary_path() -> Path:
    """Where the shared data lives: beside the repository, as ../shared/data."""
    try:
        base = Path(settings.BASE_DIR)
    except (ImproperlyConfigured, AttributeError):  # used outside Django: this file's repo
        base = Path(__file__).resolve().parents[2]
    return base.parent / "shared" / "data" / "iptc" / "mediatopic_fr.json"


def load_media_topics(path: Path | None = None) -> dict[str, MediaTopic]:
    """The topics the newsroom uses: 17 subjects plus the second level of three of them.

    Retired concepts are left out. Parsed once per path (the file is 2 MB); a fresh dict is
    returned each time so a caller cannot alter the cached vocabulary.
    """
    return dict(_load(str(Path(path) if path is not None else default_vocabulary_path())))


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[tuple[str, MediaTopic], ...]:
    try:
        with open(path, encoding="utf-8") as handle:
            concepts = json.load(handle)["conceptSet"]
    except FileNotFoundError as error:
        raise MediaTopicsUnavailable(
            f"IPTC Media Topics not found at {path}: the vocabulary is read from "
            "../shared/data at run time and is not part of the repository"
        ) from error
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise MediaTopicsUnavailable(f"IPTC Media Topics unreadable at {path}: {error}") from error
    live = {
        c["qcode"]: c
        for c in concepts
        if isinstance(c, dict) and "qcode" in c and not c.get("retired")
    }
    chosen: dict[str, MediaTopic] = {}
    for qcode, concept in live.items():
        broader = [_qcode(ref) for ref in concept.get("broader") or ()]
        parent = next((p for p in broader if p in SUBJECTS_WITH_CHILDREN), "")
        if not broader or parent:
            label = _text(concept.get("prefLabel")) or qcode
            chosen[qcode] = MediaTopic(
                qcode, label, _text(concept.get("definition")), parent, 2 if parent else 1
            )
    if not any(topic.level == 1 for topic in chosen.values()):
        raise MediaTopicsUnavailable(f"no top-level IPTC Media Topics in {path}")
    return tuple(sorted(chosen.items()))


def _qcode(ref: str) -> str:
    """`broader` holds URIs in the 2022 release and qcodes elsewhere: accept both."""
    return "medtop:" + ref[len(_URI_PREFIX) :].strip("/") if ref.startswith(_URI_PREFIX) else ref


def _text(by_language: object, language: str = "fr") -> str:
    """The French text ("fr", else "fr-FR"…); another language's rather than none at all."""
    if not isinstance(by_language, dict):
        return ""
    ordered = sorted(by_language, key=lambda k: (k != language, not k.startswith(language), k))
    return next((str(by_language[k]).strip() for k in ordered if by_language[k]), "")
