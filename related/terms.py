"""The content words of an article as lemmas, counted: the input of text similarity.

The lemmas are enrichment's (`enrichment.lemmas`): counted from the parse it already made of
the article and kept beside its run, so an enriched article is not read through spaCy again
(issue #15); an article enrichment has not read, or whose text changed since, is read the
same way here, with enrichment's one French model. What this module adds is the weighting:
the headline says what the article is about.
"""

from collections import Counter
from collections.abc import Iterable, Iterator

from enrichment.lemmas import ArticleLemmas, fold, read_lemmas, stored_lemmas
from newsroom.article import ExtractedArticle
from newsroom.models import ArticlePage

__all__ = ["TITLE_WEIGHT", "article_terms", "fold", "page_terms", "pages_terms"]

# The headline says what the article is about: its words count twice.
TITLE_WEIGHT = 2


def weighted(lemmas: ArticleLemmas) -> Counter:
    """One article's term counts: the headline's `TITLE_WEIGHT` times."""
    counts = Counter(lemmas.text)
    for term, count in lemmas.headline.items():
        counts[term] += TITLE_WEIGHT * count
    return counts


def article_read(page: ArticlePage) -> ExtractedArticle:
    """The parts of the page its lemmas are read from (headline, kicker, standfirst, body),
    as the pipeline's article object, without the queries of `ArticlePage.as_article`."""
    return ExtractedArticle(
        title=page.title,
        kicker=page.kicker,
        standfirst=page.standfirst,
        body=tuple(page.body_paragraphs()),
    )


def article_terms(title: str, text: str) -> Counter:
    """Term counts of a headline and a text (the body), read through the model."""
    return weighted(next(read_lemmas([ExtractedArticle(title=title, body=(text,))])))


def page_terms(page: ArticlePage) -> Counter:
    """The page's term counts: enrichment's when it read the page's current text, else read."""
    return next(pages_terms([page]))


def pages_terms(pages: Iterable[ArticlePage], batch_size: int = 32) -> Iterator[Counter]:
    """Term counts of many pages: enrichment's where fresh, the others read in batches."""
    pages = list(pages)
    articles = [article_read(page) for page in pages]
    found: dict[int, ArticleLemmas | None] = {
        index: stored_lemmas(page.pk, article)
        for index, (page, article) in enumerate(zip(pages, articles, strict=True))
    }
    missing = [index for index, lemmas in found.items() if lemmas is None]
    if missing:
        read = read_lemmas([articles[index] for index in missing], batch_size=batch_size)
        found.update(zip(missing, read, strict=True))
    for index in range(len(pages)):
        yield weighted(found[index])  # type: ignore[arg-type]  # every index filled above
