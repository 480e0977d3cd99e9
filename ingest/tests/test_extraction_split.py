"""Extraction is judged on pages it was not tuned on: the split, and our score beside trafilatura's.

`ingest/extraction_split.json` fixes 79 tuning pages and 34 held-out ones (#14). On each set
our HTML adapter must score at least as well as trafilatura's `bare_extraction` with its
defaults, both computed here on the same pages.
"""

import logging

import pytest

from ingest.evaluation import (
    load_pages,
    make_split,
    our_text,
    read_split,
    score_sets,
    strata_of,
    trafilatura_text,
)

from .helpers import EXTRACTION

pytestmark = pytest.mark.skipif(
    not EXTRACTION.exists(), reason="../shared/data/extraction is not present"
)


@pytest.fixture(scope="module")
def pages():
    return load_pages(EXTRACTION)


@pytest.fixture(scope="module")
def scores(pages):
    """Both extractors over all 113 pages once for the module (about ten seconds)."""
    logging.disable(logging.WARNING)  # trafilatura logs each page it gives up on
    try:
        htmls = {url: page["path"].read_bytes() for url, page in pages.items()}
        ours = {url: our_text(html, url) for url, html in htmls.items()}
        baseline = {url: trafilatura_text(html, url) for url, html in htmls.items()}
    finally:
        logging.disable(logging.NOTSET)
    split = read_split()
    return {"ours": score_sets(ours, pages, split), "baseline": score_sets(baseline, pages, split)}


def test_split_file_is_the_hash_split_of_every_page(pages):
    split = read_split()
    assert split == make_split(strata_of(pages))
    assert not set(split["tuning"]) & set(split["held_out"])
    assert set(split["tuning"]) | set(split["held_out"]) == set(pages)
    assert len(split["held_out"]) == round(0.3 * 13) + round(0.3 * 100)


def test_both_sets_hold_french_and_other_pages(pages):
    for urls in read_split().values():
        strata = {pages[url]["stratum"] for url in urls}
        assert strata == {"french", "more"}


@pytest.mark.parametrize("part", ["tuning", "held_out"])
def test_our_f1_is_at_least_trafilatura_defaults(scores, part):
    ours, baseline = scores["ours"][part], scores["baseline"][part]
    assert ours["f1"] >= baseline["f1"], (ours, baseline)
