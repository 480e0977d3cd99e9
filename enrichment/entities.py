"""People, organisations and places of an article: recognised, cleaned, grouped, linked.

spaCy's French model finds the names; what it gets wrong in news copy is fixed here:
  - the site's own name ("Mena News" tagged as a person) is dropped;
  - demonyms tagged as places ("Ukrainiens") are dropped — they still count for countries;
  - role phrases tagged as organisations ("ministre de la Défense") are dropped;
  - names the gazetteer knows but the model missed ("Kremlin" as an organisation, an
    English spelling) are added from the alias index, and a known name takes its kind
    from the gazetteer.
Within one article a surname alone ("Peskov") joins the full name given elsewhere
("Dmitri Peskov"); each group is then linked to its canonical entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from enrichment.gazetteer import Canonical, Gazetteer
from enrichment.gazetteer_data import DEMONYMS, is_role_phrase
from enrichment.results import EntityFound, Mention
from newsroom.text import normalise_name

KINDS = {"PER", "ORG", "LOC", "MISC"}
_TRAILING_PUNCTUATION = re.compile(r"[\s,.;:!?»«\"“”()]+$")
# An elided article glued to the name by the tokenizer: "l'OTAN", "d’Égypte".
_ELIDED_ARTICLE = re.compile(r"^(?:[lLdD]|qu|jusqu)['’]")
_DEMONYM_FORMS = {normalise_name(word) for word in DEMONYMS}


@dataclass
class Span:
    """One recognised mention, before grouping."""

    text: str
    start: int
    end: int
    kind: str
    canonical: Canonical | None = None


@dataclass
class Group:
    """All the mentions of one entity in one article."""

    name: str
    kind: str
    spans: list[Span] = field(default_factory=list)
    canonical: Canonical | None = None


def site_names() -> set[str]:
    names = {getattr(settings, "ROTATIVE_SITE_NAME", "Mena News"), "Mena News"}
    return {normalise_name(name) for name in names if name}


def is_noise(span: Span, *, own_names: set[str]) -> bool:
    normalised = normalise_name(span.text)
    if not normalised or normalised in own_names:
        return True
    if span.kind == "LOC" and normalised in _DEMONYM_FORMS:
        return True
    if span.kind in {"ORG", "MISC"} and is_role_phrase(span.text):
        return True
    # "du Sud" from "la rive du Sud": a fragment, not a name ("de Gaulle" is kept).
    if span.text.startswith(("du ", "des ")) and not span.canonical:
        return True
    # A lone lower-case word is not a proper name ("union" from "notre Union" stays: capital).
    return not any(char.isupper() for char in span.text) and not span.canonical


class EntityRecogniser:
    """Model spans plus gazetteer matches, cleaned; one instance per process and gazetteer."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer):
        self.nlp = nlp
        self.gazetteer = gazetteer
        self.own_names = site_names()
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        # Only multi-character capitalised forms: "UE" yes, "le" never.
        forms = [
            form
            for form in gazetteer.surface_forms
            if len(form) > 2 and form[:1].isupper() and normalise_name(form) not in _DEMONYM_FORMS
        ]
        # spaCy types Language.tokenizer as any callable; a pipeline's is a Tokenizer (pipe()).
        self.matcher.add("GAZETTEER", list(nlp.tokenizer.pipe(forms)))  # type: ignore[union-attr]

    def spans(self, doc: Doc) -> list[Span]:
        found = []
        model_spans = list(doc.ents)
        gazetteer_spans = [doc[start:end] for _, start, end in self.matcher(doc)]
        # Longest wins where they overlap; the model's label is kept unless the gazetteer knows.
        for span in filter_spans(model_spans + gazetteer_spans):
            text = _TRAILING_PUNCTUATION.sub("", span.text)
            elided = _ELIDED_ARTICLE.match(text)
            start = span.start_char + (elided.end() if elided else 0)
            text = text[elided.end() :] if elided else text
            if not text:
                continue
            kind = span.label_ if span.label_ in KINDS else ""
            canonical = self.gazetteer.lookup(text, kind)
            if canonical is None and not kind:
                continue  # a gazetteer hit whose name is ambiguous: leave it to the editor
            if canonical is not None:
                kind = canonical.kind
            candidate = Span(text, start, start + len(text), kind, canonical=canonical)
            if not is_noise(candidate, own_names=self.own_names):
                found.append(candidate)
        return found


def group_mentions(spans: list[Span], gazetteer: Gazetteer) -> list[Group]:
    """One group per entity: exact names together, then surnames joined to full names."""
    groups: dict[tuple[str, str], Group] = {}
    for span in spans:
        key = (span.canonical.key, "") if span.canonical else (normalise_name(span.text), span.kind)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(span.text, span.kind, canonical=span.canonical)
        if len(span.text) > len(group.name) and not span.canonical:
            group.name = span.text
        group.spans.append(span)
    _join_surnames(groups)
    result = []
    for group in groups.values():
        if group.canonical is None:
            group.canonical = gazetteer.lookup(group.name, group.kind)
        if group.canonical is not None:
            group.kind = group.canonical.kind
        result.append(group)
    return result


def _join_surnames(groups: dict[tuple[str, str], Group]) -> None:
    """ "Peskov" alone joins "Dmitri Peskov" when exactly one person's full name ends so."""
    people = [group for group in groups.values() if group.kind == "PER"]
    full_names = [group for group in people if len(group.name.split()) > 1]
    for key, group in list(groups.items()):
        if group.kind != "PER" or len(group.name.split()) != 1:
            continue
        surname = normalise_name(group.name)
        owners = [
            full
            for full in full_names
            if full is not group and normalise_name(full.name).split()[-1] == surname
        ]
        if len(owners) == 1:
            owner = owners[0]
            owner.spans.extend(group.spans)
            owner.canonical = owner.canonical or group.canonical
            del groups[key]


def salience(group: Group, text_length: int, lead_end: int) -> float:
    """More mentions, an early first mention and presence in title or standfirst: salient."""
    mentions = len(group.spans)
    first = min(span.start for span in group.spans)
    in_lead = any(span.start < lead_end for span in group.spans)
    position = 1.0 - first / max(text_length, 1)
    return round(min(1.0, 0.15 * mentions + 0.25 * position + (0.3 if in_lead else 0.0)), 3)


def entities_found(groups: list[Group], text: str, lead_end: int) -> list[EntityFound]:
    found = []
    for group in groups:
        spans = sorted(group.spans, key=lambda span: span.start)
        canonical = group.canonical
        found.append(
            EntityFound(
                name=canonical.name if canonical else group.name,
                kind=group.kind,
                canonical=canonical.name if canonical else "",
                entity_key=canonical.key if canonical else "",
                country=canonical.country if canonical else "",
                mentions=tuple(Mention(span.text, span.start, span.end) for span in spans),
                salience=salience(group, len(text), lead_end),
            )
        )
    found.sort(key=lambda entity: (-entity.salience, entity.mentions[0].start))
    return found
