"""Readers' lists folded into audiences, with numpy (#15).

Each list is the readers one reason reaches (ascending int64 ids, maybe repeated across
lists); an audience is the readers sharing the same reasons. All the lists are put end to
end and sorted once; each reader's reasons become bits (64 reasons a word, words side by
side past 64), OR-ed over the reader's run of the sorted ids (`reduceat`), and the readers
are grouped by their combination: no Python object per reader until the groups are
turned into lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

WORD = 64


def fold(lists: Sequence[tuple[str, np.ndarray]]) -> list[tuple[list[str], np.ndarray]]:
    """(reasons, readers ascending) for each combination of reasons, from (reason, ids)
    lists; a reason may have several lists, and a reader be in several."""
    import numpy as np

    lists = [(reason, ids) for reason, ids in lists if len(ids)]
    if not lists:
        return []
    reasons = list(dict.fromkeys(reason for reason, _ in lists))
    if len(lists) == 1:
        return [([lists[0][0]], lists[0][1])]
    number = {reason: position for position, reason in enumerate(reasons)}
    ids = np.concatenate([each for _, each in lists])
    which = np.repeat(
        np.array([number[reason] for reason, _ in lists], dtype=np.int64),
        [len(each) for _, each in lists],
    )
    order = np.argsort(ids)
    ids, which = ids[order], which[order]
    starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
    readers = ids[starts]
    words = []
    for word in range((len(reasons) + WORD - 1) // WORD):
        shift = which - word * WORD
        inside = (shift >= 0) & (shift < WORD)
        bits = np.where(
            inside,
            np.left_shift(np.uint64(1), np.clip(shift, 0, WORD - 1).astype(np.uint64)),
            np.uint64(0),
        )
        words.append(np.bitwise_or.reduceat(bits, starts))
    if len(words) == 1:
        combinations = words[0]
    else:  # one value per reader however many words: their bytes side by side
        side_by_side = np.ascontiguousarray(np.stack(words, axis=1))
        combinations = side_by_side.view(np.dtype((np.void, 8 * len(words)))).ravel()
    _, first, inverse = np.unique(combinations, return_index=True, return_inverse=True)
    grouped = np.argsort(inverse, kind="stable")  # each group stays ascending
    bounds = np.cumsum(np.bincount(inverse.ravel(), minlength=len(first)))[:-1]
    folded = []
    for at, members in zip(first, np.split(readers[grouped], bounds), strict=True):
        combination = sum(int(word[at]) << (WORD * place) for place, word in enumerate(words))
        folded.append((reasons_of(combination, reasons), members))
    return folded


def reasons_of(combination: int, reasons: Sequence[str]) -> list[str]:
    """The reasons whose bits are set in `combination`."""
    chosen = []
    while combination:
        lowest = combination & -combination
        chosen.append(reasons[lowest.bit_length() - 1])
        combination ^= lowest
    return chosen
