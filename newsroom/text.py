"""Text helpers every app shares."""

import re
import unicodedata


def fold_accents(text: str) -> str:
    """ "Égypte" → "Egypte": compatibility decomposition, combining marks dropped.

    Search (query and index terms) and related articles (lemmas, headlines) fold the same
    way, so "Egypte" and "Égypte" are one word to both.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# Characters no text of ours may hold: C0 and C1 controls (tab and newline excepted), lone
# surrogates, and the noncharacters (U+FDD0–U+FDEF, U+xFFFE and U+xFFFF in every plane).
# XML 1.0 forbids most of them outright, so one stray byte in a partner's title used to make
# every feed answer 500 (issue #12, item 2); the rest are never text in the first place.
_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
    + "]"
)
# A terminal colour or cursor sequence ("\x1b[31m"): its tail is garbage once ESC is gone.
_TERMINAL_SEQUENCE = re.compile("(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]")
# Controls that separate words (vertical tab, form feed, the information separators, NEL)
# become a space rather than gluing the words either side together.
_SEPARATORS = str.maketrans(dict.fromkeys("\x0b\x0c\x1c\x1d\x1e\x1f\x85", " "))


def clean_text(text: str) -> str:
    """Text as we store and serve it: no control characters but tab and newline, line
    endings as "\\n", Unicode in NFC.

    Every boundary calls it (extracted partner copy, the admin's forms, readers' query
    strings) and every XML output calls it again on what it serves, so text stored before
    this existed, or by a path that bypassed it, cannot break a feed or a sitemap.
    Idempotent: cleaning clean text changes nothing.
    """
    if text.isascii() and text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TERMINAL_SEQUENCE.sub("", text).translate(_SEPARATORS)
    return unicodedata.normalize("NFC", _NOT_TEXT.sub("", text))
