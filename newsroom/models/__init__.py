"""The newsroom's content model: the page tree (la une, rubriques, articles) and its snippets."""

from .images import NewsImage, NewsImageRendition
from .pages import ArticleDatelinePlace, ArticlePage, ArticlePageQuerySet, HomePage, SectionPage
from .settings import NewsroomSettings
from .snippets import Author, Source, Topic

__all__ = [
    "ArticleDatelinePlace",
    "ArticlePage",
    "ArticlePageQuerySet",
    "Author",
    "HomePage",
    "NewsImage",
    "NewsImageRendition",
    "NewsroomSettings",
    "SectionPage",
    "Source",
    "Topic",
]
