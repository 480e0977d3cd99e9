"""Recognising the same item twice: exact identity first, then near-duplicate text.

Identity: a GUID (feeds, NewsML) or the canonical URL. Near duplicates: the same dispatch
rewritten slightly by two partners has most of its word 5-grams in common; MinHash estimates
that overlap (Jaccard similarity) from 128 numbers per item, and datasketch's LSH index finds
candidates without comparing every pair.
"""

from __future__ import annotations

import hashlib

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


def find_near_duplicate(
    signature: list[int],
    candidates: dict[int, list[int]],
    *,
    threshold: float = NEAR_DUPLICATE_THRESHOLD,
) -> int | None:
    """The key of the candidate most similar to `signature` above `threshold`, if any."""
    if not candidates:
        return None
    index = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    for key, candidate in candidates.items():
        if len(candidate) == NUM_PERM:
            index.insert(key, _minhash(candidate))
    best, best_score = None, threshold
    for key in index.query(_minhash(signature)):
        score = similarity(signature, candidates[key])
        if score >= best_score:
            best, best_score = key, score
    return best
