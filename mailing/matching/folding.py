"""Readers' lists folded into audiences, with numpy (#15).

Each list is the readers one reason reaches (int64 ids, maybe repeated across lists); an
audience is the readers sharing the same reasons. A reader's reasons among the 64 largest
are the bits of one word, set list by list in an array indexed by reader id (no sort), and
the readers are grouped by that word (one sort): no Python object per reader until the
groups are turned into lists. The few readers of the other reasons (a long article's
keyword queries, hundreds of them) get their other bits in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

WORD = 64


def fold(lists: Sequence[tuple[str, np.ndarray]]) -> list[tuple[list[str], list[int]]]:
    """(reasons, readers ascending) for each combination of reasons, from (reason, ids)
    lists; a reason may have several lists, and a reader be in several."""
    import numpy as np

    by_reason: dict[str, list[np.ndarray]] = {}
    for reason, ids in lists:
        if len(ids):
            by_reason.setdefault(reason, []).append(ids)
    if len(by_reason) <= 1:
        return [
            (
                [reason],
                (arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))).tolist(),
            )
            for reason, arrays in by_reason.items()
        ]
    # The largest reasons get the word's bits: most readers need no other.
    size = {reason: sum(len(ids) for ids in arrays) for reason, arrays in by_reason.items()}
    reasons = sorted(by_reason, key=lambda reason: -size[reason])
    places = Places([ids for arrays in by_reason.values() for ids in arrays], sum(size.values()))
    word = np.zeros(places.width, dtype=np.uint64)
    for bit, reason in enumerate(reasons[:WORD]):
        flag = np.uint64(1 << bit)
        for ids in by_reason[reason]:
            word[places.of(ids)] |= flag  # a reader twice under a reason: the same bit
    folded: list[tuple[list[str], list[int]]] = []
    extra: dict[int, int] = {}  # the other reasons' few readers, in Python
    for bit, reason in enumerate(reasons[WORD:], start=WORD):
        for ids in by_reason[reason]:
            for place in places.of(ids).tolist():
                extra[place] = extra.get(place, 0) | 1 << bit
    if extra:
        found = np.array(sorted(extra), dtype=np.int64)
        groups: dict[int, list[int]] = {}
        for place, reader, first in zip(
            found.tolist(), places.readers(found).tolist(), word[found].tolist(), strict=True
        ):
            groups.setdefault(first | extra[place], []).append(reader)
        folded += [(reasons_of(bits, reasons), group) for bits, group in groups.items()]
        word[found] = 0
    found = np.flatnonzero(word)
    combinations = word[found]
    order = np.argsort(combinations, kind="stable")  # each group stays ascending
    combinations, found = combinations[order], found[order]
    bounds = np.flatnonzero(combinations[1:] != combinations[:-1]) + 1
    for start, members in zip([0, *bounds.tolist()], np.split(found, bounds), strict=True):
        folded.append(
            (reasons_of(int(combinations[start]), reasons), places.readers(members).tolist())
        )
    return folded


class Places:
    """Where each reader's bits go: at its id, in an array as long as the largest id,
    unless ids are sparse (then at its rank among the ids, found by a binary search)."""

    def __init__(self, arrays: Sequence[np.ndarray], total: int) -> None:
        import numpy as np

        largest = max(int(ids.max()) for ids in arrays)
        self.universe: np.ndarray | None = None
        self.width = largest + 1
        if largest > 4 * total + (1 << 20):
            self.universe = np.unique(np.concatenate(arrays))
            self.width = len(self.universe)

    def of(self, ids: np.ndarray) -> np.ndarray:
        import numpy as np

        return ids if self.universe is None else np.searchsorted(self.universe, ids)

    def readers(self, places: np.ndarray) -> np.ndarray:
        return places if self.universe is None else self.universe[places]


def reasons_of(combination: int, reasons: Sequence[str]) -> list[str]:
    """The reasons whose bits are set in `combination`."""
    chosen = []
    while combination:
        lowest = combination & -combination
        chosen.append(reasons[lowest.bit_length() - 1])
        combination ^= lowest
    return chosen
