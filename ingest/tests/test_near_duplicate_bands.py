"""Near duplicates found through the stored band keys are the ones datasketch's LSH index
over the whole window found (issue #15): same candidates, same choice, same window."""

import importlib
import random
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from datasketch import MinHash, MinHashLSH
from django.apps import apps
from django.utils import timezone

from ingest import dedup
from ingest.models import IngestedItem, NearDuplicateBand
from ingest.services import NEAR_DUPLICATE_WINDOW_DAYS, file_bands, near_duplicate
from newsroom.models import ArticlePage

from .helpers import make_section

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "plaintext_corpus"
bands_migration = importlib.import_module("ingest.migrations.0004_near_duplicate_bands")


def lsh_index_choice(signature, candidates):
    """What ingest decided before the bands were stored: datasketch's index over every
    candidate, then the most similar at or above the threshold (the keys of the best
    score, since equal scores came out in the set's order)."""
    index = MinHashLSH(threshold=dedup.NEAR_DUPLICATE_THRESHOLD, num_perm=dedup.NUM_PERM)
    for key, candidate in candidates.items():
        index.insert(key, MinHash(num_perm=128, seed=1, hashvalues=candidate, scheme="affine32"))
    query = MinHash(num_perm=128, seed=1, hashvalues=signature, scheme="affine32")
    scores = {key: dedup.similarity(signature, candidates[key]) for key in index.query(query)}
    best = max(scores.values(), default=0.0)
    if best < dedup.NEAR_DUPLICATE_THRESHOLD:
        return set()
    return {key for key, score in scores.items() if score == best}


def rewritten(text, rate, rng):
    """`text` with a share `rate` of its words replaced, as a second partner might."""
    words = text.split()
    for index in range(len(words)):
        if rng.random() < rate:
            words[index] = rng.choice(("ainsi", "selon", "mardi", "vers", "plusieurs", "très"))
    return " ".join(words)


def stored(article, text, *, near_duplicate=False):
    item = IngestedItem.objects.create(
        article=article,
        format="plaintext",
        content_hash=dedup.content_hash(text),
        minhash=dedup.minhash_signature(text),
        is_near_duplicate=near_duplicate,
    )
    file_bands(item)
    return item


@pytest.fixture
def article():
    section = make_section()
    page = ArticlePage(title="Support", slug="support", standfirst="Un chapô.")
    section.add_child(instance=page)
    return page


def test_stored_bands_make_the_same_decisions_as_the_lsh_index(article):
    rng = random.Random(15)  # noqa: S311 - rewriting copy, not a secret
    originals = [
        path.read_text(encoding="utf-8", errors="replace") for path in sorted(CORPUS.glob("*.text"))
    ]
    originals = [text for text in originals if len(text.split()) > 60][:40]
    # Each story once, then copies rewritten from barely (merged) to heavily (not merged),
    # around the 0.8 threshold where a band decides.
    texts = list(originals)
    for text in originals:
        texts.extend(rewritten(text, rate, rng) for rate in (0.0, 0.01, 0.03, 0.05, 0.1, 0.2))
    rng.shuffle(texts)
    merged = kept = 0
    for text in texts:
        signature = dedup.minhash_signature(text)
        window = dict(
            IngestedItem.objects.filter(is_near_duplicate=False).values_list("pk", "minhash")
        )
        expected = lsh_index_choice(signature, window)
        found = near_duplicate(signature)
        if expected:
            assert found is not None and found.pk in expected, text[:60]
            merged += 1
        else:
            assert found is None, text[:60]
            kept += 1
        stored(article, text, near_duplicate=found is not None)
    # Both decisions were taken many times: the comparison says something.
    assert merged > 60 and kept > 60


def test_an_item_past_the_window_is_no_longer_a_candidate(article):
    text = (CORPUS / "alert-word.text").read_text(encoding="utf-8", errors="replace")
    with time_machine.travel(timezone.now() - timedelta(days=NEAR_DUPLICATE_WINDOW_DAYS + 1)):
        stored(article, text)
    assert near_duplicate(dedup.minhash_signature(text)) is None
    recent = stored(article, text + " Fin.")
    assert near_duplicate(dedup.minhash_signature(text)).pk == recent.pk


def test_near_duplicates_keep_no_bands_and_a_new_text_replaces_the_old_bands(article):
    first, second = sorted(CORPUS.glob("*.text"))[:2]
    merged = stored(
        article, first.read_text(encoding="utf-8", errors="replace"), near_duplicate=True
    )
    assert not merged.bands.exists()
    assert (
        near_duplicate(dedup.minhash_signature(first.read_text(encoding="utf-8", errors="replace")))
        is None
    )

    item = stored(article, first.read_text(encoding="utf-8", errors="replace"))
    item.minhash = dedup.minhash_signature(second.read_text(encoding="utf-8", errors="replace"))
    item.save()
    file_bands(item)
    assert item.bands.count() == len(dedup.bands())
    assert (
        near_duplicate(dedup.minhash_signature(first.read_text(encoding="utf-8", errors="replace")))
        is None
    )
    found = near_duplicate(
        dedup.minhash_signature(second.read_text(encoding="utf-8", errors="replace"))
    )
    assert found.pk == item.pk


def test_the_upgrade_files_the_bands_of_items_ingested_before_it(article):
    texts = [
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(CORPUS.glob("*.text"))[:3]
    ]
    before = [stored(article, text) for text in texts]
    duplicate = stored(article, texts[0], near_duplicate=True)
    NearDuplicateBand.objects.all().delete()

    bands_migration.file_existing_bands(apps, None)

    assert not duplicate.bands.exists()
    for item, text in zip(before, texts, strict=True):
        assert set(item.bands.values_list("band", "key")) == set(dedup.band_keys(item.minhash))
        assert near_duplicate(dedup.minhash_signature(text)).pk == item.pk


def test_only_a_candidate_sharing_a_whole_band_is_compared_as_the_lsh_index_does():
    signature = dedup.minhash_signature("Le conseil municipal a adopté mardi un plan de travaux")
    # One number changed in every band: 93 % alike, yet no band in common, so datasketch's
    # index never returned it; with one band left whole, it did.
    in_no_band = list(signature)
    for start, _end in dedup.bands():
        in_no_band[start] += 1
    in_one_band = list(in_no_band)
    in_one_band[0] = signature[0]
    assert dedup.similarity(signature, in_no_band) > dedup.NEAR_DUPLICATE_THRESHOLD
    assert dedup.find_near_duplicate(signature, {1: in_no_band}) is None
    assert dedup.find_near_duplicate(signature, {1: in_no_band, 2: in_one_band}) == 2
    assert lsh_index_choice(signature, {1: in_no_band, 2: in_one_band}) == {2}
