"""Each article's text profile: the lemma counts the text similarity of related articles
reads (BM25 over `TermCount`), kept beside the article and rebuilt when it changes, from
the lemmas enrichment counted when it read the same text (`related.terms.page_terms`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from django.db import transaction

from newsroom.models import ArticlePage
from related.models import TermCount, TextProfile
from related.terms import page_terms, pages_terms


@transaction.atomic
def store_text_profile(page: ArticlePage, counts: Counter | None = None) -> TextProfile:
    """Replace the article's lemma counts (computed here unless given)."""
    if counts is None:
        counts = page_terms(page)
    TermCount.objects.filter(article=page).delete()
    TermCount.objects.bulk_create(
        [TermCount(article=page, term=term, count=count) for term, count in counts.items()],
        batch_size=500,
    )
    profile, _ = TextProfile.objects.update_or_create(
        article=page, defaults={"words": sum(counts.values())}
    )
    return profile


def store_text_profiles(
    pages: Iterable[ArticlePage],
    *,
    batch_size: int = 32,
    progress: Callable[[ArticlePage], object] | None = None,
) -> int:
    """Profiles for many articles, those enrichment has not read read through spaCy in
    batches (commands, the bench)."""
    pages = list(pages)
    counted = pages_terms(pages, batch_size=batch_size)
    for page, counts in zip(pages, counted, strict=True):
        store_text_profile(page, counts)
        if progress:
            progress(page)
    return len(pages)


def drop_text_profile(page: ArticlePage) -> None:
    TermCount.objects.filter(article=page).delete()
    TextProfile.objects.filter(article=page).delete()
