"""Readers' lists folded into audiences, with numpy (#15).

Each list is the readers one reason reaches (ascending int64 ids, maybe repeated across
lists); an audience is the readers sharing the same reasons. All the lists are put end to
end and sorted once; each reader's reasons among the 64 largest become the bits of one
word, OR-ed over the reader's run of the sorted ids (`reduceat`), and the readers are
grouped by that word: no Python object per reader until the groups are turned into lists.
The few readers of the other reasons (a long article's keyword queries, hundreds of them)
get their other bits in Python.
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
    merged = {
        reason: arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))
        for reason, arrays in by_reason.items()
    }
    if len(merged) <= 1:
        return [([reason], ids.tolist()) for reason, ids in merged.items()]
    # The largest lists get the first word's bits: most readers need no other.
    reasons = sorted(merged, key=lambda reason: -len(merged[reason]))
    ids = np.concatenate([merged[reason] for reason in reasons])
    which = np.repeat(np.arange(len(reasons)), [len(merged[reason]) for reason in reasons])
    order = np.argsort(ids, kind="stable")
    ids, which = ids[order], which[order]
    new_run = np.concatenate(([True], ids[1:] != ids[:-1]))
    starts = np.flatnonzero(new_run)
    readers = ids[starts]
    common = which < WORD
    bits = np.where(
        common, np.left_shift(np.uint64(1), np.minimum(which, WORD - 1).astype(np.uint64)), 0
    ).astype(np.uint64)
    first_word = np.bitwise_or.reduceat(bits, starts)
    folded: list[tuple[list[str], list[int]]] = []
    rare = np.flatnonzero(~common)
    if len(rare):  # past the first word's reasons: few readers, each seen in Python
        runs = np.cumsum(new_run) - 1
        extra: dict[int, int] = {}
        for run, reason in zip(runs[rare].tolist(), which[rare].tolist(), strict=True):
            extra[run] = extra.get(run, 0) | 1 << reason
        groups: dict[int, list[int]] = {}
        found = sorted(extra)
        for run, reader, word in zip(
            found, readers[found].tolist(), first_word[found].tolist(), strict=True
        ):
            groups.setdefault(word | extra[run], []).append(reader)
        folded += [(reasons_of(bits, reasons), group) for bits, group in groups.items()]
        keep = np.ones(len(readers), dtype=bool)
        keep[found] = False
        readers, first_word = readers[keep], first_word[keep]
    combinations, inverse = np.unique(first_word, return_inverse=True)
    grouped = np.argsort(inverse, kind="stable")  # each group stays ascending
    bounds = np.cumsum(np.bincount(inverse.ravel(), minlength=len(combinations)))[:-1]
    for combination, members in zip(
        combinations.tolist(), np.split(readers[grouped], bounds), strict=True
    ):
        folded.append((reasons_of(combination, reasons), members.tolist()))
    return folded


def reasons_of(combination: int, reasons: Sequence[str]) -> list[str]:
    """The reasons whose bits are set in `combination`."""
    chosen = []
    while combination:
        lowest = combination & -combination
        chosen.append(reasons[lowest.bit_length() - 1])
        combination ^= lowest
    return chosen
