"""Where the quotes and sentences of a text are: balanced quote marks, sentence starts,
paragraphs, and the speaker mentions outside quoted speech.

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

# A quote longer than this, or crossing a line break, is taken for a stray opening mark: without
# a cap, one unbalanced « would swallow the rest of the article.
MAX_QUOTE_CHARS = 1500


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
class Passage:
    """A balanced pair of quote marks: `open`/`close` index the marks, `start`/`end` the words."""

    open: int
    close: int
    start: int
    end: int
    words: int


_CLOSING = {"«": "»", "“": "”", '"': '"'}
_OPENING_MARK = re.compile('[«“"]')
_GUILLEMET_OR_BREAK = re.compile("[«»\n]")
_WORD = re.compile(r"[^\W_]+(?:[-’'][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s+\S)")
_ABBREVIATIONS = frozenset(
    "m mm mme mmes mlle mlles dr pr me mgr st ste av apr etc cf p vol art env ex gén col".split()
)


def scan_passages(text: str) -> list[Passage]:
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


def _passage(text: str, opening: int, closing: int) -> Passage | None:
    start, end = opening + 1, closing
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    return Passage(opening, closing, start, end, len(_WORD.findall(text, start, end)))


def sentence_starts(text: str, passages: Sequence[Passage]) -> list[int]:
    """Where sentences start: after a line break, or after . ! ? … followed by a capital.

    Punctuation inside a quote does not end the sentence around it; a quote ending with its own
    full stop does, when a capital or a new quote follows (« … fin. » Puis …).
    """
    starts = {0}
    starts.update(match.end() for match in re.finditer("\n", text))
    opens = [passage.open for passage in passages]
    for match in _SENTENCE_END.finditer(text):
        if inside(passages, opens, match.start()) or _is_abbreviation(text, match):
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


def inside(passages: Sequence[Passage], opens: list[int], position: int) -> bool:
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


def collapse(words: str) -> str:
    return " ".join(words.split())


class QuotedText:
    """One text with its quote passages, sentences, paragraphs and speaker mentions."""

    def __init__(self, text: str, speakers: Sequence[SpeakerMention], min_words: int) -> None:
        self.text = text
        passages = scan_passages(text)
        self.quoted = [passage for passage in passages if passage.words >= min_words]
        self.quoted_opens = [passage.open for passage in self.quoted]
        self.sentence_starts = sentence_starts(text, passages)
        self.paragraph_starts = [m.start() for m in re.finditer(r"(?m)^(?=[^\S\n]*\S)", text)]
        self.mentions = self._usable_mentions(speakers)
        self.mention_starts = [mention.start for mention in self.mentions]
        self.mention_ends = [mention.end for mention in self.mentions]  # sorted: no overlaps

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
            if inside(self.quoted, self.quoted_opens, mention.start):
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

    def lead_start(self, passage: Passage) -> int:
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
