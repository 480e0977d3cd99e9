"""IPTC NewsML-G2: agency copy (AFP, Reuters, AP…) as one ExtractedArticle per newsItem.

- `metadata`: the item's envelope (status, class, version, embargo) and what its metadata
  says (headlines and their roles, summary, by-line, provider, subjects, dates);
- `body`: its text in NITF, XHTML or plain text, and its pictures;
- `datelines`: where and when it was filed, French or English agency form;
- `adapter`: the document's items, each put together as an article; `tree`: the small
  XML readers the others share.
"""

from .adapter import NewsMLAdapter

__all__ = ["NewsMLAdapter"]
