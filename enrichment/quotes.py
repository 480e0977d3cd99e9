"""Quotes in French news copy, and who said them.

Enrichment finds the people in an article (spaCy NER and linking, done elsewhere); this module
takes the article text and those mentions and ties each quoted passage to its speaker through
the reporting conventions of French newsrooms:

  « La coopération est solide », a déclaré Karim Benali.           inverted clause after the quote
  Karim Benali, qui a déclaré à Tunis que « la coopération … ».    reporting verb before the quote
  …, a poursuivi Benali, expliquant que … et « naturellement … ».  continuation of the same speaker

It is pure Python over the text and the mention offsets, with no model: cheap, deterministic and
easy to test. Every attribution carries the cue that justified it (“a déclaré”, “selon”,
“expliquant que”, …) so an editor can check it at a glance, and a quote the rules cannot tie to
a person keeps speaker "" rather than a guess.

Offsets: `Quote.start`/`Quote.end` cover the quoted words only — the quote marks and the
whitespace just inside them (including U+00A0 and U+202F) are excluded — so
`text[q.start:q.end]` is the raw passage and `Quote.text` is that passage with its whitespace
collapsed to single spaces.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MAX_QUOTE_CHARS", "Quote", "SpeakerMention", "find_quotes"]

# A quote longer than this, or crossing a line break, is taken for a stray opening mark: without
# a cap, one unbalanced « would swallow the rest of the article.
MAX_QUOTE_CHARS = 1500
# How far a reporting verb may stand from the quote it introduces, and a speaker from its cue.
_MAX_LEAD_CHARS = 200
_MAX_ROLE_CHARS = 80
_MAX_ROLE_WORDS = 10


@dataclass(frozen=True)
class SpeakerMention:
    start: int  # character offsets in `text`
    end: int
    name: str  # the canonical name of the person, e.g. "Dmitri Peskov" for a mention "Peskov"


@dataclass(frozen=True)
class Quote:
    text: str  # the quoted words, without the quote marks, whitespace collapsed
    speaker: str  # canonical name of the speaker, "" when unknown
    start: int  # offsets of the quoted words in `text` (marks and inner edge spaces excluded)
    end: int
    cue: str = ""  # the words that tied it to the speaker ("a déclaré", "selon", ...); "" if none


@dataclass(frozen=True)
class _Passage:
    """A balanced pair of quote marks: `open`/`close` index the marks, `start`/`end` the words."""

    open: int
    close: int
    start: int
    end: int
    words: int


@dataclass(frozen=True)
class _Attribution:
    speaker: str
    cue: str


# A reporting cue was found but names nobody we know (« … », a déclaré le ministre): the quote is
# someone else's, so the weaker rules must not hand it to a nearby person.
_UNKNOWN = _Attribution("", "")


def _alternation(words: str) -> str:
    """A regex alternation of the words, longest first so that no word shadows a longer one."""
    return "(?:" + "|".join(sorted(set(words.split()), key=len, reverse=True)) + ")"


_CLOSING = {"«": "»", "“": "”", '"': '"'}
_OPENING_MARK = re.compile('[«“"]')
_GUILLEMET_OR_BREAK = re.compile("[«»\n]")
_WORD = re.compile(r"[^\W_]+(?:[-’'][^\W_]+)*")
# Characters that never occur inside a role phrase or an apposition: they end the phrase.
_STOPS = '.;:!?«»“”"\n'

_PARTICIPLES = """déclaré poursuivi répondu ajouté affirmé estimé expliqué dit souligné indiqué
    précisé lancé rappelé averti assuré réagi jugé reconnu annoncé prévenu martelé insisté confié
    commenté observé noté conclu résumé raconté confirmé rétorqué répliqué tranché ironisé
    regretté déploré dénoncé plaidé promis renchéri relevé écrit témoigné nuancé admis avoué"""
_PRESENT_VERBS = """déclare poursuit répond ajoute affirme estime explique dit souligne indique
    rappelle avertit assure réagit reconnaît reconnait prévient martèle insiste confie commente
    observe conclut raconte confirme rétorque ironise regrette déplore dénonce promet renchérit
    témoigne admet avoue"""
# Present forms that are also common nouns or adjectives (la note, le juge, une annonce, une
# date précise): safe right after a closing mark, ambiguous anywhere else.
_PRESENT_NOUNS = (
    "lance juge note tranche nuance plaide relève réplique annonce précise résume écrit"
)

_PARTICIPLE = _alternation(_PARTICIPLES)
_PRESENT_BEFORE = _alternation(_PRESENT_VERBS)
_PRESENT_AFTER = _alternation(f"{_PRESENT_VERBS} {_PRESENT_NOUNS}")
_REFLEXIVE = r"(?:exclamée?|interrogée?|félicitée?|inquiétée?|indignée?|emportée?|justifiée?)"
_ADVERB = _alternation(
    """encore aussi également ensuite alors enfin notamment aussitôt immédiatement simplement
    lui-même elle-même"""
)

# Rule a — an inverted reporting clause right after the closing mark: « … », a déclaré X.
_INVERTED_CUE = re.compile(
    rf"""
    \s* (?: , | [—–] )? \s*                                # the comma or dash after the mark
    (?P<cue>
        a-t-(?:il|elle) \s+ (?:{_ADVERB}\s+)? {_PARTICIPLE}    # a-t-il déclaré
      | s[’']est-(?:il|elle) \s+ {_REFLEXIVE}                  # s'est-elle exclamée
      | {_PRESENT_AFTER} (?:-t)? -(?:il|elle)                  # explique-t-elle, dit-il
      | selon \s+ (?:lui|elle)                                 # selon lui
      | (?:a|avait) \s+ (?:{_ADVERB}\s+)? {_PARTICIPLE}        # a déclaré X
      | s[’']est \s+ {_REFLEXIVE}                              # s'est exclamé X
      | {_PRESENT_AFTER}                                       # explique X
      | selon | d[’']après                                     # selon X
    )
    (?![\w-])
    """,
    re.VERBOSE,
)
# Rule b — a reporting verb before the quote: X a déclaré que « … », X estime : « … ».
_REPORTING_CUE = re.compile(
    rf"""
    (?<![\w-])
    (?: (?:a|avait|aurait) \s+ (?:{_ADVERB}\s+)? {_PARTICIPLE}
      | s[’']est \s+ (?:{_ADVERB}\s+)? {_REFLEXIVE}
      | {_PRESENT_BEFORE}
    )
    (?![\w-])
    """,
    re.VERBOSE,
)
# Rule b — a source before the quote: selon X, « … », pour X : « … », d'après elle, « … ».
_SOURCE_CUE = re.compile(r"(?<![\w-])(?P<cue>selon|d[’']après|pour)\s+", re.IGNORECASE)
_SOURCE_PRONOUN = re.compile(r"(?:lui|elle)(?![\w-])")
# Rule c — a participle clause continuing the sentence's speaker: …, expliquant que « … ».
_CONTINUATION_CUE = re.compile(
    r"""
    (?<![\w-])
    (?P<cue>
        (?:expliquant|ajoutant|précisant|soulignant|estimant|affirmant|assurant|indiquant
          |rappelant|insistant|concluant|déclarant|poursuivant|martelant|jugeant)
        (?: \s+ (?:que|qu[’']) | \s*: )?
      | avant \s+ d[’'] (?:ajouter|expliquer|préciser|conclure|lancer) (?:\s+que|\s*:)?
    )
    """,
    re.VERBOSE,
)

# A pronoun subject just before a reporting verb: “Il a ajouté que « … »”.
_PRONOUN_SUBJECT = re.compile(
    r"(?<![\w’'-])(?:il|elle)\s+(?:(?:lui|leur|nous|vous|y)\s+|l[’']\s*)?$", re.IGNORECASE
)
_PRONOUN_IN_CUE = re.compile(r"-(?:t-)?(?:il|elle)\b|\bselon\s+(?:lui|elle)\b")
# What may separate a subject from its reporting verb: “X a déclaré”, “X, porte-parole du
# Kremlin, a déclaré”, “X, qui a déclaré”, “X, de son côté, a estimé”.
_SUBJECT_GAP = re.compile(
    rf"""
    \s*
    (?: ,[^{_STOPS}]{{1,{_MAX_ROLE_CHARS}}},\s*               # an apposition between commas
      | (?:,\s*)? (?:{_ADVERB}|de\s+son\s+côté|pour\s+sa\s+part|quant\s+à\s+(?:lui|elle))
        \s* (?:,\s*)?
    )?
    (?:,\s*)? (?:qui\s+)?                                        # the relative “X, qui a dit”
    """,
    re.VERBOSE,
)
# Ends of a lead-in that point straight at the quote: “… que « ”, “… : « ”, “… , « ”.
_INTRODUCER_END = re.compile(r"(?:(?<![\w-])(?:que|qu[’'])|[:,])\s*$", re.IGNORECASE)
# A speaker named after a preposition is a complement, not the one speaking:
# “a dit le fils de Karim Benali”, “a déclaré à propos de Leïla Haddad”.
_PREPOSITION_END = re.compile(
    r"""(?:(?<![\w-])(?:de|du|des|à|au|aux|sur|sous|dans|en|contre|avec|chez|par|pour|envers
    |vers|entre|sans|devant|derrière|auprès|près|face|malgré|parmi|comme|via|depuis|pendant
    |concernant|propos)\s+|(?<![\w-])d[’'])$""",
    re.IGNORECASE | re.VERBOSE,
)
# A role phrase between a cue and its speaker must stay one noun phrase, not a new clause.
_CLAUSE_WORD = re.compile(
    r"(?<![\w-])(?:(?:que|qui|dont|mais|quand|lorsque|tandis|avant|après)(?![\w-])|qu[’'])",
    re.IGNORECASE,
)
# Rule d — a person in subject position at the head of the sentence: an optional fronted
# complement (“À Tunis, ”), then at most a short role (“La ministre de la Culture ”).
_SUBJECT_PREFIX = re.compile(
    rf"""
    \s* (?:[—–-]\s*)?
    (?:[^{_STOPS},]{{1,40}},\s*)?
    (?: (?!(?i:a|ont|est|sont|avait|avaient|était|étaient|sera|va|vont|fut|que|qu|qui|dont
            |selon|pour|par|avec|contre|chez|entre|sans|vers|et|ou|mais)(?![\w’'-]))
        [^\s,.;:!?«»“”"]+ \s+ ){{0,6}}
    (?:,\s*)?
    """,
    re.VERBOSE,
)
_WORD_AFTER_SUBJECT = re.compile(
    rf"(?:\s*,[^{_STOPS}]{{1,{_MAX_ROLE_CHARS}}},)?\s+(?P<word>[^\W\d_][\w’'-]*)"
)
_NOT_A_VERB = frozenset(
    """et ou mais de du des d à au aux pour par sur avec dans en lors après avant contre chez
    puis car donc le la les un une qui que dont selon entre sans vers depuis pendant""".split()
)
# Titles, not speech: the outlet in “le quotidien italien «Formiche»”, a book “intitulé « … »”.
_TITLE_NOUN = _alternation(
    """livre roman ouvrage essai recueil récit biographie film documentaire série feuilleton
    pièce spectacle chanson album poème tableau exposition journal quotidien hebdomadaire
    mensuel magazine revue média émission podcast rubrique opération
    programme plan projet mouvement parti coalition collectif association slogan hashtag
    surnom intitulé intitulée intitulés intitulées titré titrée baptisé baptisée surnommé
    surnommée dénommé dénommée"""
)
_TITLE_BEFORE = re.compile(
    rf"""
    (?<![\w-]) {_TITLE_NOUN}
    (?: \s+ (?!(?:que|qu|a|ont|est|sont)(?![\w’'-])) [^\s,.;:!?«»“”"]+ ){{0,3}}
    \s* ,? \s* $
    """,
    re.VERBOSE | re.IGNORECASE,
)

# A sentence that is nothing but a quote: a dialogue dash before it, punctuation after it.
_ONLY_DASHES = re.compile(r"[\s—–-]*")
_ONLY_PUNCTUATION = re.compile(r"[\s.,;!?…)]*")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s+\S)")
_ABBREVIATIONS = frozenset(
    "m mm mme mmes mlle mlles dr pr me mgr st ste av apr etc cf p vol art env ex gén col".split()
)


def find_quotes(
    text: str, speakers: Sequence[SpeakerMention], *, min_words: int = 3
) -> list[Quote]:
    """The quotes in `text`, in order, each tied to a speaker from `speakers` when the rules can.

    Passages of fewer than `min_words` words and quoted titles are names, not speech, and are
    left out. Mentions outside the text, empty or nested in a longer mention are ignored.
    """
    if not text:
        return []
    return _Article(text, speakers, min_words).quotes()


def _scan_passages(text: str) -> list[_Passage]:
    """Every balanced quote passage, outermost only: a nested quote belongs to its outer one.

    Linear in the text: a page of stray marks (« « « …) must not cost a search of
    MAX_QUOTE_CHARS per mark.
    """
    guillemets = _pair_guillemets(text)
    next_mark = _NextMark(text)
    passages = []
    position = 0
    while match := _OPENING_MARK.search(text, position):
        opening = match.start()
        if text[opening] == "«":
            closing = guillemets.get(opening)
        else:
            closing = next_mark(_CLOSING[text[opening]], opening + 1)
        line_break = next_mark("\n", opening + 1)
        if (
            closing is None
            or closing - opening > MAX_QUOTE_CHARS
            or (line_break is not None and line_break < closing)
        ):
            position = opening + 1  # a stray mark: skip it and look for the next quote
            continue
        passage = _passage(text, opening, closing)
        if passage is not None:
            passages.append(passage)
        position = closing + 1
    return passages


def _pair_guillemets(text: str) -> dict[int, int]:
    """Opening « → its closing », counting nested pairs (« … « … » … »), never across lines."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for match in _GUILLEMET_OR_BREAK.finditer(text):
        mark = match.group()
        if mark == "«":
            stack.append(match.start())
        elif mark == "»" and stack:
            pairs[stack.pop()] = match.start()
        elif mark == "\n":
            stack.clear()
    return pairs


class _NextMark:
    """`text.find` for a scan that only moves forward: each search resumes where the last ended.

    “ ” and straight quotes close at the next closing mark; remembering where that is keeps a
    run of unbalanced marks linear.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: dict[str, int] = {}

    def __call__(self, mark: str, start: int) -> int | None:
        found = self.found.get(mark)
        if found is None or 0 <= found < start:
            found = self.text.find(mark, start)
            self.found[mark] = found
        return None if found == -1 else found


def _passage(text: str, opening: int, closing: int) -> _Passage | None:
    start, end = opening + 1, closing
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    return _Passage(opening, closing, start, end, len(_WORD.findall(text, start, end)))


def _sentence_starts(text: str, passages: Sequence[_Passage]) -> list[int]:
    """Where sentences start: after a line break, or after . ! ? … followed by a capital.

    Punctuation inside a quote does not end the sentence around it; a quote ending with its own
    full stop does, when a capital or a new quote follows (« … fin. » Puis …).
    """
    starts = {0}
    starts.update(match.end() for match in re.finditer("\n", text))
    opens = [passage.open for passage in passages]
    for match in _SENTENCE_END.finditer(text):
        if _inside(passages, opens, match.start()) or _is_abbreviation(text, match):
            continue
        if _starts_sentence(text, match.end()):
            starts.add(match.end())
    for passage in passages:
        if text[passage.end - 1] in ".!?…" and _starts_sentence(text, passage.close + 1):
            starts.add(passage.close + 1)
    return sorted(starts)


def _starts_sentence(text: str, position: int) -> bool:
    rest = text[position : position + 20].lstrip()
    return bool(rest) and (rest[0].isupper() or rest[0].isdigit() or rest[0] in '«“"—–')


def _inside(passages: Sequence[_Passage], opens: list[int], position: int) -> bool:
    index = bisect.bisect_right(opens, position) - 1
    return index >= 0 and position <= passages[index].close


def _is_abbreviation(text: str, match: re.Match[str]) -> bool:
    """“M. Benali”, “Mme Haddad”, “J. Dupont”: a full stop that does not end a sentence."""
    if match.group() != ".":
        return False
    word = re.search(r"[^\W\d_]+$", text[max(0, match.start() - 12) : match.start()])
    if word is None:
        return False
    return word.group().lower() in _ABBREVIATIONS or (
        len(word.group()) == 1 and word.group().isupper()
    )


def _collapse(words: str) -> str:
    return " ".join(words.split())


def _settled(speaker: str | None, cue: str) -> _Attribution | None:
    """The attribution carried over from another quote: None if none, unknown if theirs was."""
    if speaker is None:
        return None
    return _Attribution(speaker, cue) if speaker else _UNKNOWN


class _Article:
    """One text with its quote passages, sentences, paragraphs and speaker mentions."""

    def __init__(self, text: str, speakers: Sequence[SpeakerMention], min_words: int) -> None:
        self.text = text
        passages = _scan_passages(text)
        self.quoted = [passage for passage in passages if passage.words >= min_words]
        self.quoted_opens = [passage.open for passage in self.quoted]
        self.sentence_starts = _sentence_starts(text, passages)
        self.paragraph_starts = [m.start() for m in re.finditer(r"(?m)^(?=[^\S\n]*\S)", text)]
        self.mentions = self._usable_mentions(speakers)
        self.mention_starts = [mention.start for mention in self.mentions]
        self.mention_ends = [mention.end for mention in self.mentions]  # sorted: no overlaps
        # Quotes settled by the strong rules, in text order; speaker "" when a cue named somebody
        # unknown — that still ends the previous speaker's turn.
        self.history: list[tuple[_Passage, str]] = []

    def _usable_mentions(self, speakers: Sequence[SpeakerMention]) -> list[SpeakerMention]:
        """Mentions inside the text, outside quoted speech, none nested in a longer one."""
        candidates = sorted(
            (
                mention
                for mention in speakers
                if 0 <= mention.start < mention.end <= len(self.text) and mention.name.strip()
            ),
            key=lambda mention: (mention.start, -mention.end),
        )
        usable: list[SpeakerMention] = []
        for mention in candidates:
            if usable and mention.start < usable[-1].end:
                continue
            if _inside(self.quoted, self.quoted_opens, mention.start):
                continue  # a name inside a quote is quoted, not speaking
            usable.append(mention)
        return usable

    # Navigation ------------------------------------------------------------------------------

    def sentence_index(self, position: int) -> int:
        return bisect.bisect_right(self.sentence_starts, position) - 1

    def sentence_span(self, index: int) -> tuple[int, int]:
        start = self.sentence_starts[index]
        if index + 1 < len(self.sentence_starts):
            return start, self.sentence_starts[index + 1]
        return start, len(self.text)

    def sentence_of(self, position: int) -> tuple[int, int]:
        return self.sentence_span(self.sentence_index(position))

    def lead_start(self, passage: _Passage) -> int:
        """Where the words leading to `passage` begin: its sentence, after any earlier quote."""
        start = self.sentence_of(passage.open)[0]
        index = bisect.bisect_left(self.quoted_opens, passage.open) - 1
        if index >= 0 and self.quoted[index].close >= start:
            return self.quoted[index].close + 1
        return start

    def mentions_within(self, start: int, end: int) -> list[SpeakerMention]:
        first = bisect.bisect_left(self.mention_starts, start)
        last = bisect.bisect_left(self.mention_starts, end)
        return [mention for mention in self.mentions[first:last] if mention.end <= end]

    def mention_before(self, position: int, floor: int) -> SpeakerMention | None:
        """The last mention ending by `position` and starting at or after `floor`."""
        index = bisect.bisect_right(self.mention_ends, position) - 1
        if index < 0 or self.mentions[index].start < floor:
            return None
        return self.mentions[index]

    def mention_after(self, position: int, limit: int) -> SpeakerMention | None:
        """The speaker named right after a cue, allowing a short role phrase in between.

        “a déclaré Karim Benali”, “selon la ministre Sonia Mansour”, “a déclaré le porte-parole
        du gouvernement, Karim Benali”; not “a dit le fils de Karim Benali”.
        """
        index = bisect.bisect_left(self.mention_starts, position)
        if index == len(self.mentions) or self.mentions[index].start >= limit:
            return None
        mention = self.mentions[index]
        gap = self.text[position : mention.start]
        if len(gap) > _MAX_ROLE_CHARS or len(gap.split()) > _MAX_ROLE_WORDS:
            return None
        if any(char in gap for char in _STOPS) or _CLAUSE_WORD.search(gap):
            return None
        return None if _PREPOSITION_END.search(gap) else mention

    def in_subject_position(self, mention: SpeakerMention, sentence_start: int) -> bool:
        """Is `mention` the subject heading its sentence (“La ministre Sonia Mansour a …”)?"""
        if not _SUBJECT_PREFIX.fullmatch(self.text, sentence_start, mention.start):
            return False
        if _PREPOSITION_END.search(self.text, sentence_start, mention.start):
            return False
        following = _WORD_AFTER_SUBJECT.match(self.text, mention.end)
        if following is None:
            return False
        word = following["word"]
        return not word[0].isupper() and word.lower() not in _NOT_A_VERB

    # Attribution -----------------------------------------------------------------------------

    def quotes(self) -> list[Quote]:
        """Attribute every quote: strong rules in text order, then the weaker fallbacks."""
        speech = [passage for passage in self.quoted if not self.is_title(passage)]
        found: list[_Attribution | None] = []
        for passage in speech:
            attribution = self.explicit(passage) or self.continuation(passage)
            found.append(attribution)
            if attribution is not None:
                self.history.append((passage, attribution.speaker))
        found = self.fallbacks(speech, found)
        return [
            Quote(
                text=_collapse(self.text[passage.start : passage.end]),
                speaker=(attribution or _UNKNOWN).speaker,
                start=passage.start,
                end=passage.end,
                cue=(attribution or _UNKNOWN).cue,
            )
            for passage, attribution in zip(speech, found, strict=True)
        ]

    def is_title(self, passage: _Passage) -> bool:
        """A quoted name after a title noun (“le quotidien «Formiche»”, “le livre « … »”)."""
        return bool(_TITLE_BEFORE.search(self.text, max(0, passage.open - 80), passage.open))

    def explicit(self, passage: _Passage) -> _Attribution | None:
        """Rules a and b: a reporting cue names (or fails to name) the speaker."""
        return self.inverted(passage) or self.reported_before(passage) or self.sourced(passage)

    def inverted(self, passage: _Passage) -> _Attribution | None:
        """Rule a: « … », a déclaré X / « … », selon X / « … », a-t-il ajouté."""
        sentence_end = self.sentence_of(passage.close)[1]
        match = _INVERTED_CUE.match(self.text, passage.close + 1, sentence_end)
        if match is None:
            return None
        cue = _collapse(match["cue"])
        if _PRONOUN_IN_CUE.search(cue):
            return self.pronoun(passage.open, cue)
        mention = self.mention_after(match.end(), sentence_end)
        return _Attribution(mention.name, cue) if mention else _UNKNOWN

    def reported_before(self, passage: _Passage) -> _Attribution | None:
        """Rule b: X a déclaré (…) que « … » / X, qui a affirmé : « … » / Il a ajouté que « … ».

        Only the last reporting verb before the quote counts; its subject is a pronoun, the
        speaker just before it (through an apposition or a relative “qui”), or nobody we know.
        """
        lead_start = self.lead_start(passage)
        cues = list(_REPORTING_CUE.finditer(self.text, lead_start, passage.open))
        if not cues or not self.introduces(cues[-1].end(), passage.open):
            return None
        cue = cues[-1]
        if self.closes_previous_quote(lead_start, cue.end()):
            return None  # « … », a déclaré X, ajoutant : « … » — the verb is the first quote's
        participles = _CONTINUATION_CUE.finditer(self.text, cue.end(), passage.open)
        if next(participles, None) is not None:
            return None  # X a quitté la salle, expliquant que « … » — a continuation (rule c)
        sentence_start = self.sentence_of(passage.open)[0]
        if _PRONOUN_SUBJECT.search(self.text, max(sentence_start, cue.start() - 20), cue.start()):
            return self.pronoun(cue.start(), _collapse(cue.group()))
        subject = self.mention_before(cue.start(), sentence_start)
        if subject and _SUBJECT_GAP.fullmatch(self.text, subject.end, cue.start()):
            return _Attribution(subject.name, _collapse(cue.group()))
        return _UNKNOWN

    def closes_previous_quote(self, lead_start: int, cue_end: int) -> bool:
        """Is the cue ending at `cue_end` the inverted clause of the quote just before?"""
        if lead_start == self.sentence_of(lead_start)[0]:
            return False
        clause = _INVERTED_CUE.match(self.text, lead_start, cue_end)
        return clause is not None and clause.end() == cue_end

    def sourced(self, passage: _Passage) -> _Attribution | None:
        """Rule b: selon X, « … » / pour X : « … » / d'après elle, « … »."""
        lead_start = self.lead_start(passage)
        for cue in reversed(list(_SOURCE_CUE.finditer(self.text, lead_start, passage.open))):
            pronoun = _SOURCE_PRONOUN.match(self.text, cue.end(), passage.open)
            mention = None if pronoun else self.mention_after(cue.end(), passage.open)
            if pronoun is None and mention is None:
                continue
            speaker_end = pronoun.end() if pronoun else mention.end
            if cue["cue"].lower() == "pour":  # “pour” is mostly a preposition: demand “pour X, «”
                if self.text[speaker_end : passage.open].strip(" \t\u00a0\u202f,:"):
                    continue
            elif not self.introduces(speaker_end, passage.open):
                continue
            words = _collapse(cue["cue"]).lower()
            if pronoun:
                return self.pronoun(cue.start(), f"{words} {pronoun.group()}")
            return _Attribution(mention.name, words)
        return None

    def introduces(self, start: int, opening: int) -> bool:
        """Do the words between a cue and a quote lead into it?

        Yes when they end with “que”, “:” or “,” (“a déclaré à Tunis que « … »”), or when they
        are a short stretch naming nobody else (“a estimé que la loi était « … »”).
        """
        lead = self.text[start:opening]
        if len(lead) > _MAX_LEAD_CHARS:
            return False
        if not lead.strip() or _INTRODUCER_END.search(lead):
            return True
        return not self.mentions_within(start, opening)

    def continuation(self, passage: _Passage) -> _Attribution | None:
        """Rule c: the speaker of the sentence carries on.

        “…, a poursuivi X, expliquant que … « … »”, a second quote in the sentence of an
        attributed one, or a quote standing alone right after an attributed quote's sentence.
        """
        sentence_start = self.sentence_of(passage.open)[0]
        earlier = self.speaker_between(sentence_start, passage.open)
        lead_start = self.lead_start(passage)
        cues = list(_CONTINUATION_CUE.finditer(self.text, lead_start, passage.open))
        if cues and passage.open - cues[-1].end() <= _MAX_LEAD_CHARS:
            if earlier is None:
                earlier = self.subject_before(sentence_start, cues[-1].start()) or None
            return _settled(earlier, _collapse(cues[-1]["cue"]))
        if earlier is not None:
            return _settled(earlier, "suite")
        return self.standalone(passage)

    def standalone(self, passage: _Passage) -> _Attribution | None:
        """« … » alone in its sentence, after a sentence with an attributed quote: same voice."""
        index = self.sentence_index(passage.open)
        start, end = self.sentence_span(index)
        alone = _ONLY_DASHES.fullmatch(self.text, start, passage.open) and (
            _ONLY_PUNCTUATION.fullmatch(self.text, passage.close + 1, end)
        )
        if not alone or index == 0:
            return None
        previous_start, previous_end = self.sentence_span(index - 1)
        if self.text.find("\n", previous_start, start) != -1:
            return None  # another paragraph
        return _settled(self.speaker_between(previous_start, previous_end), "suite")

    def fallbacks(
        self, speech: Sequence[_Passage], strong: Sequence[_Attribution | None]
    ) -> list[_Attribution | None]:
        """Quotes the strong rules left open: a later quote of the sentence, else proximity.

        Rule c backwards — « … » et « … », a déclaré X: the first quote is X's too. Walking
        from the end keeps this linear, however many quotes a sentence holds.
        """
        found = list(strong)
        following: _Attribution | None = None
        following_sentence = -1
        for index in reversed(range(len(speech))):
            sentence = self.sentence_index(speech[index].open)
            if sentence != following_sentence:
                following, following_sentence = None, sentence
            if strong[index] is not None:
                following = strong[index]
            elif following is not None:
                found[index] = _settled(following.speaker, "suite")
            else:
                found[index] = self.proximity(speech[index])
        return found

    def proximity(self, passage: _Passage) -> _Attribution | None:
        """Rule d: the only person in the sentence, its subject, before the quote.

        “Karim Benali a qualifié la réforme de « recul pour les libertés »” — no reporting verb,
        but nobody else could be speaking.
        """
        start, end = self.sentence_of(passage.open)
        first = bisect.bisect_left(self.mention_starts, start)
        if bisect.bisect_left(self.mention_starts, end) - first != 1:
            return None
        mention = self.mentions[first]
        if mention.end > passage.open or not self.in_subject_position(mention, start):
            return None
        lead_start = max(self.lead_start(passage), passage.open - 20)
        if self.text[passage.start].isupper() and not _INTRODUCER_END.search(
            self.text, lead_start, passage.open
        ):
            return None  # “Karim Benali a lu « Une saison à Tunis »”: a capital, so a title
        return _Attribution(mention.name, "proximité")

    def subject_before(self, sentence_start: int, position: int) -> str:
        """The subject-position speaker heading the sentence before `position`, if any."""
        for mention in self.mentions_within(sentence_start, position):
            if self.in_subject_position(mention, sentence_start):
                return mention.name
        return ""

    def speaker_between(self, start: int, end: int) -> str | None:
        """The speaker of the last settled quote opening in [start, end); None if there is none.

        "" means that quote's cue named somebody unknown: the turn passed to them.
        """
        for passage, speaker in reversed(self.history):
            if passage.open < start:
                break
            if passage.open < end:
                return speaker
        return None

    def pronoun(self, position: int, cue: str) -> _Attribution:
        """“a-t-il déclaré”, “Elle a ajouté que”: the speaker of the text just before.

        First a settled quote earlier in the same sentence; then, walking back through the
        previous sentences of this paragraph and the one before, the first sentence with a
        settled quote (its speaker — unknown stays unknown: “a déclaré le ministre … a-t-il
        ajouté” is still the minister) or with a mention (its subject, else its last mention).
        Gender is not checked: the mentions carry none.
        """
        index = self.sentence_index(position)
        speaker = self.speaker_between(self.sentence_starts[index], position)
        paragraph = max(0, bisect.bisect_right(self.paragraph_starts, position) - 2)
        window = self.paragraph_starts[paragraph] if self.paragraph_starts else 0
        earlier = index - 1
        while speaker is None and earlier >= 0 and self.sentence_span(earlier)[1] > window:
            start, end = self.sentence_span(earlier)
            speaker = self.speaker_between(start, end)
            if speaker is None:
                speaker = self.sentence_speaker(start, end) or None
            earlier -= 1
        return _Attribution(speaker, cue) if speaker else _UNKNOWN

    def sentence_speaker(self, start: int, end: int) -> str:
        mentions = self.mentions_within(start, end)
        if not mentions:
            return ""
        return self.subject_before(start, end) or mentions[-1].name
