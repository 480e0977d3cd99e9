"""Speaker attribution: each quote tied to the person the reporting conventions name.

Strong rules first, in text order — a, an inverted clause after the quote; b, a reporting verb
or a source before it; c, a continuation of the sentence's speaker — then the weaker
fallbacks: a later quote of the same sentence, and d, the only person heading the sentence.
A cue that names nobody we know settles the quote as someone else's (speaker "").
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from enrichment.quotes.cues import (
    CLAUSE_WORD,
    CONTINUATION_CUE,
    INTRODUCER_END,
    INVERTED_CUE,
    MAX_LEAD_CHARS,
    MAX_ROLE_CHARS,
    MAX_ROLE_WORDS,
    NOT_A_VERB,
    ONLY_DASHES,
    ONLY_PUNCTUATION,
    PREPOSITION_END,
    PRONOUN_IN_CUE,
    PRONOUN_SUBJECT,
    REPORTING_CUE,
    SOURCE_CUE,
    SOURCE_PRONOUN,
    STOPS,
    SUBJECT_GAP,
    SUBJECT_PREFIX,
    TITLE_BEFORE,
    WORD_AFTER_SUBJECT,
)
from enrichment.quotes.spans import Passage, Quote, QuotedText, SpeakerMention, collapse


@dataclass(frozen=True)
class Attribution:
    speaker: str
    cue: str


# A reporting cue was found but names nobody we know (« … », a déclaré le ministre): the quote is
# someone else's, so the weaker rules must not hand it to a nearby person.
UNKNOWN = Attribution("", "")


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


def settled(speaker: str | None, cue: str) -> Attribution | None:
    """The attribution carried over from another quote: None if none, unknown if theirs was."""
    if speaker is None:
        return None
    return Attribution(speaker, cue) if speaker else UNKNOWN


class _Article(QuotedText):
    """One text read for quotes: where they are (`QuotedText`) and the rules that attribute them."""

    def __init__(self, text: str, speakers: Sequence[SpeakerMention], min_words: int) -> None:
        super().__init__(text, speakers, min_words)
        # Quotes settled by the strong rules, in text order; speaker "" when a cue named somebody
        # unknown — that still ends the previous speaker's turn.
        self.history: list[tuple[Passage, str]] = []

    # Speakers around a cue ---------------------------------------------------------------------

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
        if len(gap) > MAX_ROLE_CHARS or len(gap.split()) > MAX_ROLE_WORDS:
            return None
        if any(char in gap for char in STOPS) or CLAUSE_WORD.search(gap):
            return None
        return None if PREPOSITION_END.search(gap) else mention

    def in_subject_position(self, mention: SpeakerMention, sentence_start: int) -> bool:
        """Is `mention` the subject heading its sentence (“La ministre Sonia Mansour a …”)?"""
        if not SUBJECT_PREFIX.fullmatch(self.text, sentence_start, mention.start):
            return False
        if PREPOSITION_END.search(self.text, sentence_start, mention.start):
            return False
        following = WORD_AFTER_SUBJECT.match(self.text, mention.end)
        if following is None:
            return False
        word = following["word"]
        return not word[0].isupper() and word.lower() not in NOT_A_VERB

    # Attribution -----------------------------------------------------------------------------

    def quotes(self) -> list[Quote]:
        """Attribute every quote: strong rules in text order, then the weaker fallbacks."""
        speech = [passage for passage in self.quoted if not self.is_title(passage)]
        found: list[Attribution | None] = []
        for passage in speech:
            attribution = self.explicit(passage) or self.continuation(passage)
            found.append(attribution)
            if attribution is not None:
                self.history.append((passage, attribution.speaker))
        found = self.fallbacks(speech, found)
        return [
            Quote(
                text=collapse(self.text[passage.start : passage.end]),
                speaker=(attribution or UNKNOWN).speaker,
                start=passage.start,
                end=passage.end,
                cue=(attribution or UNKNOWN).cue,
            )
            for passage, attribution in zip(speech, found, strict=True)
        ]

    def is_title(self, passage: Passage) -> bool:
        """A quoted name after a title noun (“le quotidien «Formiche»”, “le livre « … »”)."""
        return bool(TITLE_BEFORE.search(self.text, max(0, passage.open - 80), passage.open))

    def explicit(self, passage: Passage) -> Attribution | None:
        """Rules a and b: a reporting cue names (or fails to name) the speaker."""
        return self.inverted(passage) or self.reported_before(passage) or self.sourced(passage)

    def inverted(self, passage: Passage) -> Attribution | None:
        """Rule a: « … », a déclaré X / « … », selon X / « … », a-t-il ajouté."""
        sentence_end = self.sentence_of(passage.close)[1]
        match = INVERTED_CUE.match(self.text, passage.close + 1, sentence_end)
        if match is None:
            return None
        cue = collapse(match["cue"])
        if PRONOUN_IN_CUE.search(cue):
            return self.pronoun(passage.open, cue)
        mention = self.mention_after(match.end(), sentence_end)
        return Attribution(mention.name, cue) if mention else UNKNOWN

    def reported_before(self, passage: Passage) -> Attribution | None:
        """Rule b: X a déclaré (…) que « … » / X, qui a affirmé : « … » / Il a ajouté que « … ».

        Only the last reporting verb before the quote counts; its subject is a pronoun, the
        speaker just before it (through an apposition or a relative “qui”), or nobody we know.
        """
        lead_start = self.lead_start(passage)
        cues = list(REPORTING_CUE.finditer(self.text, lead_start, passage.open))
        if not cues or not self.introduces(cues[-1].end(), passage.open):
            return None
        cue = cues[-1]
        if self.closes_previous_quote(lead_start, cue.end()):
            return None  # « … », a déclaré X, ajoutant : « … » — the verb is the first quote's
        participles = CONTINUATION_CUE.finditer(self.text, cue.end(), passage.open)
        if next(participles, None) is not None:
            return None  # X a quitté la salle, expliquant que « … » — a continuation (rule c)
        sentence_start = self.sentence_of(passage.open)[0]
        if PRONOUN_SUBJECT.search(self.text, max(sentence_start, cue.start() - 20), cue.start()):
            return self.pronoun(cue.start(), collapse(cue.group()))
        subject = self.mention_before(cue.start(), sentence_start)
        if subject and SUBJECT_GAP.fullmatch(self.text, subject.end, cue.start()):
            return Attribution(subject.name, collapse(cue.group()))
        return UNKNOWN

    def closes_previous_quote(self, lead_start: int, cue_end: int) -> bool:
        """Is the cue ending at `cue_end` the inverted clause of the quote just before?"""
        if lead_start == self.sentence_of(lead_start)[0]:
            return False
        clause = INVERTED_CUE.match(self.text, lead_start, cue_end)
        return clause is not None and clause.end() == cue_end

    def sourced(self, passage: Passage) -> Attribution | None:
        """Rule b: selon X, « … » / pour X : « … » / d'après elle, « … »."""
        lead_start = self.lead_start(passage)
        for cue in reversed(list(SOURCE_CUE.finditer(self.text, lead_start, passage.open))):
            pronoun = SOURCE_PRONOUN.match(self.text, cue.end(), passage.open)
            mention = None if pronoun else self.mention_after(cue.end(), passage.open)
            if pronoun is None and mention is None:
                continue
            # Without a pronoun there is a mention (checked just above).
            speaker_end = pronoun.end() if pronoun else cast(SpeakerMention, mention).end
            if cue["cue"].lower() == "pour":  # “pour” is mostly a preposition: demand “pour X, «”
                if self.text[speaker_end : passage.open].strip(" \t\u00a0\u202f,:"):
                    continue
            elif not self.introduces(speaker_end, passage.open):
                continue
            words = collapse(cue["cue"]).lower()
            if pronoun:
                return self.pronoun(cue.start(), f"{words} {pronoun.group()}")
            return Attribution(cast(SpeakerMention, mention).name, words)
        return None

    def introduces(self, start: int, opening: int) -> bool:
        """Do the words between a cue and a quote lead into it?

        Yes when they end with “que”, “:” or “,” (“a déclaré à Tunis que « … »”), or when they
        are a short stretch naming nobody else (“a estimé que la loi était « … »”).
        """
        lead = self.text[start:opening]
        if len(lead) > MAX_LEAD_CHARS:
            return False
        if not lead.strip() or INTRODUCER_END.search(lead):
            return True
        return not self.mentions_within(start, opening)

    def continuation(self, passage: Passage) -> Attribution | None:
        """Rule c: the speaker of the sentence carries on.

        “…, a poursuivi X, expliquant que … « … »”, a second quote in the sentence of an
        attributed one, or a quote standing alone right after an attributed quote's sentence.
        """
        sentence_start = self.sentence_of(passage.open)[0]
        earlier = self.speaker_between(sentence_start, passage.open)
        lead_start = self.lead_start(passage)
        cues = list(CONTINUATION_CUE.finditer(self.text, lead_start, passage.open))
        if cues and passage.open - cues[-1].end() <= MAX_LEAD_CHARS:
            if earlier is None:
                earlier = self.subject_before(sentence_start, cues[-1].start()) or None
            return settled(earlier, collapse(cues[-1]["cue"]))
        if earlier is not None:
            return settled(earlier, "suite")
        return self.standalone(passage)

    def standalone(self, passage: Passage) -> Attribution | None:
        """« … » alone in its sentence, after a sentence with an attributed quote: same voice."""
        index = self.sentence_index(passage.open)
        start, end = self.sentence_span(index)
        alone = ONLY_DASHES.fullmatch(self.text, start, passage.open) and (
            ONLY_PUNCTUATION.fullmatch(self.text, passage.close + 1, end)
        )
        if not alone or index == 0:
            return None
        previous_start, previous_end = self.sentence_span(index - 1)
        if self.text.find("\n", previous_start, start) != -1:
            return None  # another paragraph
        return settled(self.speaker_between(previous_start, previous_end), "suite")

    def fallbacks(
        self, speech: Sequence[Passage], strong: Sequence[Attribution | None]
    ) -> list[Attribution | None]:
        """Quotes the strong rules left open: a later quote of the sentence, else proximity.

        Rule c backwards — « … » et « … », a déclaré X: the first quote is X's too. Walking
        from the end keeps this linear, however many quotes a sentence holds.
        """
        found = list(strong)
        following: Attribution | None = None
        following_sentence = -1
        for index in reversed(range(len(speech))):
            sentence = self.sentence_index(speech[index].open)
            if sentence != following_sentence:
                following, following_sentence = None, sentence
            if strong[index] is not None:
                following = strong[index]
            elif following is not None:
                found[index] = settled(following.speaker, "suite")
            else:
                found[index] = self.proximity(speech[index])
        return found

    def proximity(self, passage: Passage) -> Attribution | None:
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
        if self.text[passage.start].isupper() and not INTRODUCER_END.search(
            self.text, lead_start, passage.open
        ):
            return None  # “Karim Benali a lu « Une saison à Tunis »”: a capital, so a title
        return Attribution(mention.name, "proximité")

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

    def pronoun(self, position: int, cue: str) -> Attribution:
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
        return Attribution(speaker, cue) if speaker else UNKNOWN

    def sentence_speaker(self, start: int, end: int) -> str:
        mentions = self.mentions_within(start, end)
        if not mentions:
            return ""
        return self.subject_before(start, end) or mentions[-1].name
