"""Recognising the same item twice: exact identity first, then near-duplicate text.

Identity: a GUID (feeds, NewsML) or the canonical URL. Near duplicates: the same dispatch
rewritten slightly by two partners has most of its word 5-grams in common; MinHash estimates
that overlap (Jaccard similarity) from 128 numbers per item, and locality-sensitive hashing
finds candidates without comparing every pair: the signature is cut into bands (datasketch's
banding for the threshold), and only items sharing one whole band with it are compared.

Why the bands are stored (issue #15): building datasketch's in-memory index over the whole
7-day window for every item ingested cost 46 ms an item at 180 items in the window and grew
with it (117 ms at 1,000). Each item's band keys are now rows (`ingest.NearDuplicateBand`),
looked up by an index; `find_near_duplicate` keeps datasketch's rule exactly: a candidate
is one sharing a whole band, the duplicate is the most similar at or above the threshold.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from datasketch import MinHash, MinHashLSH

from newsroom.text import fold_accents, split_words

NUM_PERM = 128
# Stored signatures are only comparable with the scheme that made them: pin it.
SCHEME = "affine32"
SHINGLE_WORDS = 5
NEAR_DUPLICATE_THRESHOLD = 0.8


def normalise(text: str) -> list[str]:
    """Lower-case words without accents or punctuation: what two copies share.

    Stored content hashes and signatures are made of these words: a change here makes every
    stored item look new.
    """
    return split_words(fold_accents(text, case="lower"), underscores=True)


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(normalise(text)).encode()).hexdigest()


def minhash_signature(text: str) -> list[int]:
    words = normalise(text)
    shingles = {
        " ".join(words[index : index + SHINGLE_WORDS])
        for index in range(max(len(words) - SHINGLE_WORDS + 1, 1))
    }
    minhash = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    minhash.update_batch([shingle.encode() for shingle in shingles])
    return [int(value) for value in minhash.hashvalues]


def _minhash(signature: list[int]) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=signature, scheme=SCHEME)


def similarity(first: list[int], second: list[int]) -> float:
    return _minhash(first).jaccard(_minhash(second))


@lru_cache(maxsize=8)
def bands(threshold: float = NEAR_DUPLICATE_THRESHOLD) -> tuple[tuple[int, int], ...]:
    """(start, end) of each band of a signature: datasketch's choice for `threshold` (9 bands
    of 13 numbers at 0.8), so a candidate is what its LSH index would return.

    Stored band keys follow this: a change of threshold or NUM_PERM needs them filed again.
    """
    index = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return tuple((start, end) for start, end in index.hashranges)


def band_keys(signature: list[int]) -> list[tuple[int, int]]:
    """(band number, key) for each band of `signature`, as `NearDuplicateBand` stores them.

    The key is a signed 64-bit digest of the band's numbers (it fits a BigIntegerField). Two
    different bands may share a key; `find_near_duplicate` compares the numbers themselves,
    so a collision only adds a candidate to look at, never a decision.
    """
    if len(signature) != NUM_PERM:
        return []
    keys = []
    for number, (start, end) in enumerate(bands()):
        numbers = ",".join(str(int(value)) for value in signature[start:end]).encode()
        digest = hashlib.blake2b(numbers, digest_size=8).digest()
        keys.append((number, int.from_bytes(digest, "big", signed=True)))
    return keys


def shares_a_band(
    signature: list[int], candidate: list[int], threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> bool:
    """Whether the two signatures agree on one whole band: what makes an LSH candidate."""
    return any(signature[start:end] == candidate[start:end] for start, end in bands(threshold))


def find_near_duplicate(
    signature: list[int],
    candidates: dict[int, list[int]],
    *,
    threshold: float = NEAR_DUPLICATE_THRESHOLD,
) -> int | None:
    """The key of the candidate most similar to `signature` above `threshold`, if any.

    `candidates` may hold more than the LSH candidates (all the window, or what the stored
    band keys found): only those sharing a whole band with `signature` are compared, as
    datasketch's index would. Of equal scores the highest key (the latest item) wins.
    """
    if len(signature) != NUM_PERM:
        return None
    best, best_score = None, threshold
    for key in sorted(candidates):
        candidate = [int(value) for value in candidates[key]]
        if len(candidate) != NUM_PERM or not shares_a_band(signature, candidate, threshold):
            continue
        score = similarity(signature, candidate)
        if score >= best_score:
            best, best_score = key, score
    return best
