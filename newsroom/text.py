"""Text helpers every app shares."""

import unicodedata


def fold_accents(text: str) -> str:
    """ "Égypte" → "Egypte": compatibility decomposition, combining marks dropped.

    Search (query and index terms) and related articles (lemmas, headlines) fold the same
    way, so "Egypte" and "Égypte" are one word to both.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))
