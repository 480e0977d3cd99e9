"""Factories for the newsroom's snippets, pages and article body blocks.

Pages are created as drafts, then published the way editors publish them: through a revision
(`page.save_revision().publish()`), so `first_published_at`, `live_revision` and the
`page_published` signal behave as in production. Pass `publish=False` for a draft.
"""

import factory
import wagtail_factories
from django.utils.text import slugify
from wagtail import blocks
from wagtail.rich_text import RichText

from newsroom.blocks import ArticleBodyBlock, QuoteBlock, ReadAlsoBlock
from newsroom.models import (
    ArticleDatelinePlace,
    ArticlePage,
    Author,
    HomePage,
    SectionPage,
    Source,
    Topic,
)

# --- Snippets ---------------------------------------------------------------------------


class AuthorFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Journaliste {n}")
    slug = factory.LazyAttribute(lambda obj: slugify(obj.name))
    role = "Correspondante"

    class Meta:
        model = Author


class SourceFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Il Quotidiano {n}")
    description = "quotidien italien"
    url = factory.LazyAttribute(lambda obj: f"https://{slugify(obj.name)}.example.org/")
    language = "it"
    licence = Source.Licence.FULL
    licence_terms = "CC BY 2.5"

    class Meta:
        model = Source


class TopicFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.LazyAttribute(lambda obj: slugify(obj.name))
    iptc_qcode = "medtop:11000000"

    class Meta:
        model = Topic


# --- Article body blocks ----------------------------------------------------------------


class ParagraphBlockFactory(wagtail_factories.blocks.BlockFactory):
    value = factory.Sequence(lambda n: f"<p>Paragraphe numéro {n} du corps de l'article.</p>")

    class Meta:
        model = blocks.RichTextBlock

    @classmethod
    def _construct_block(cls, block_class, *args, **kwargs):
        return RichText(kwargs["value"])


class HeadingBlockFactory(wagtail_factories.CharBlockFactory):
    value = "Intertitre"


class QuoteBlockFactory(wagtail_factories.StructBlockFactory):
    text = "Nous ne reculerons pas"
    speaker = "Le porte-parole du gouvernement"

    class Meta:
        model = QuoteBlock


class ReadAlsoBlockFactory(wagtail_factories.StructBlockFactory):
    article = None
    title = ""
    url = ""

    class Meta:
        model = ReadAlsoBlock


class ArticleBodyBlockFactory(wagtail_factories.StreamBlockFactory):
    """Build a body with `body__0__paragraph__value="<p>…</p>"`, `body__1__quote__speaker=…`."""

    paragraph = factory.SubFactory(ParagraphBlockFactory)
    heading = factory.SubFactory(HeadingBlockFactory)
    quote = factory.SubFactory(QuoteBlockFactory)
    read_also = factory.SubFactory(ReadAlsoBlockFactory)

    class Meta:
        model = ArticleBodyBlock


# A body like most articles have, to spread into ArticlePageFactory(**STANDARD_BODY).
STANDARD_BODY = {
    "body__0__paragraph__value": "<p>Le premier paragraphe raconte les faits.</p>",
    "body__1__heading__value": "Une réunion à huis clos",
    "body__2__quote__text": "Nous ne reculerons pas",
    "body__3__paragraph__value": "<p>Le second paragraphe donne le contexte.</p>",
}


# --- Pages ------------------------------------------------------------------------------


class PublishedPageFactory(wagtail_factories.PageFactory):
    """Adds the page under `parent` as a draft, then publishes a revision unless publish=False."""

    publish = True

    class Meta:
        abstract = True

    @classmethod
    def _create_instance(cls, model_class, parent, kwargs):
        if parent is None:
            raise ValueError(f"{cls.__name__} needs a parent page (parent=…).")
        publish = kwargs.pop("publish")
        page = cls._new_page(model_class, kwargs)
        page.live = False
        parent.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
        return model_class.objects.get(pk=page.pk)

    @classmethod
    def _new_page(cls, model_class, kwargs):
        """The unsaved page; in-memory relations set here are part of the first revision."""
        return model_class(**kwargs)


class HomePageFactory(PublishedPageFactory):
    title = "La une"
    slug = "la-une"

    class Meta:
        model = HomePage


class SectionPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Rubrique {n}")
    show_in_menus = True

    class Meta:
        model = SectionPage


class ArticlePageFactory(PublishedPageFactory):
    """An article; `dateline_places`, `topics` and `authors` take lists.

    `first_published_at` may be given to place the article in time; publishing keeps it.
    `ArticlePageFactory(**STANDARD_BODY)` gives a body of paragraphs, a heading and a quote.
    """

    title = factory.Sequence(lambda n: f"Article de test numéro {n}")
    kicker = "Diplomatie"
    standfirst = factory.Sequence(lambda n: f"Le chapô de l'article numéro {n}.")
    body = wagtail_factories.StreamFieldFactory(ArticleBodyBlockFactory)
    dateline_places = ()
    topics = ()
    authors = ()

    class Meta:
        model = ArticlePage

    @classmethod
    def _new_page(cls, model_class, kwargs):
        places = [ArticleDatelinePlace(name=name) for name in kwargs.pop("dateline_places")]
        topics = list(kwargs.pop("topics"))
        authors = list(kwargs.pop("authors"))
        page = model_class(**kwargs)
        page.dateline_places = places
        page.topics = topics
        page.authors = authors
        return page
