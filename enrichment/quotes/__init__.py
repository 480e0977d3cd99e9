"""Quotes in French news copy, and who said them.

Enrichment finds the people in an article (spaCy NER and linking, done elsewhere); this package
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

By concept: `spans` (quote marks, sentences, mentions), `cues` (the reporting lexicon),
`attribution` (the rules that tie a quote to its speaker).
"""

from enrichment.quotes.attribution import find_quotes
from enrichment.quotes.spans import MAX_QUOTE_CHARS, Quote, SpeakerMention

__all__ = ["MAX_QUOTE_CHARS", "Quote", "SpeakerMention", "find_quotes"]
