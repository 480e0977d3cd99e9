"""RSS, Atom, RDF and JSON Feed: one ExtractedArticle per readable entry.

- `reading`: the feed as feedparser (XML, after our hardening) or json (JSON Feed) reads it,
  into one shape of feed and entries;
- `media`: Media RSS captions and credits per picture, read from the raw XML, kept out of the
  text feedparser reads;
- `articles`: one entry as an article, and when it is only a summary;
- `adapter`: sniffing, and which entries are read or skipped.
"""

from .adapter import FeedAdapter
from .articles import SUMMARY_ONLY
from .reading import MAX_BYLINE_BYTES, parse_feed_bytes

__all__ = ["MAX_BYLINE_BYTES", "SUMMARY_ONLY", "FeedAdapter", "parse_feed_bytes"]
