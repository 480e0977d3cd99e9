"""Import French Wikinews articles (the WiNER-fr corpus, 2016–2017) as published articles:
`records` reads one line into a `WikinewsArticle` (an input to ingest's writer), `importing`
publishes a whole file."""

from ingest.wikinews.importing import ImportReport, LineError, import_wikinews
from ingest.wikinews.records import (
    WIKINEWS_SOURCE,
    WikinewsArticle,
    WikinewsImportError,
    classify,
    detokenize,
    parse_record,
    publication_time,
    split_sentences,
    title_from_url,
)

__all__ = [
    "WIKINEWS_SOURCE",
    "ImportReport",
    "LineError",
    "WikinewsArticle",
    "WikinewsImportError",
    "classify",
    "detokenize",
    "import_wikinews",
    "parse_record",
    "publication_time",
    "split_sentences",
    "title_from_url",
]
