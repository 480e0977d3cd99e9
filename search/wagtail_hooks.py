"""What the readers' search adds to an article's index entry (see `search.indexing`)."""

from wagtail import hooks

from search.indexing import article_search_text, article_search_title

hooks.register("article_search_title", article_search_title)
hooks.register("article_search_text", article_search_text)
