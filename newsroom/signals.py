"""Where Wagtail's page signals become the newsroom's events, and the reader cache follows.

`announce_*` are the one place `article_published` and `article_unpublished` are sent from
(see `newsroom.events`); the cache receivers name the page families a change affects and
`purge_reader_pages` bumps them after commit (issue #15: never the whole cache). An
article's families are read twice on a publish: before the save (the topics and countries
it is leaving) and after (those it now has).
"""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.models import Page, PageViewRestriction, ReferenceIndex, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from newsroom import events, restrictions, services, tasks
from newsroom.models import (
    ArticlePage,
    Author,
    HomePage,
    NewsImage,
    NewsroomSettings,
    SectionPage,
    Source,
    Topic,
)
from newsroom.models.settings import forget_settings
from newsroom.reader_purge import country_codes


def announce_published(sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any) -> None:
    events.article_published.send(sender=ArticlePage, instance=instance)


def announce_unpublished(sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any) -> None:
    events.article_unpublished.send(sender=ArticlePage, instance=instance)


def purge_after_publication(sender: Any, instance: Page, **kwargs: Any) -> None:
    """Published or unpublished: an article's own families; any other page (a section, la
    une) changes the navigation or the listings of every page."""
    if kwargs.get("raw"):
        return
    if isinstance(instance, ArticlePage):
        leaving = instance.__dict__.pop("_reader_families_before", set())
        services.purge_reader_pages(services.article_families(instance) | leaving)
    else:
        services.purge_reader_pages(["site"])


def remember_what_an_article_leaves(
    sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any
) -> None:
    """Before a full save (a publish) the stored topics and countries are still the old
    ones: their pages list the article and may no longer. They are remembered on the
    instance, which Wagtail then announces as published, and purged with the rest after
    the save (purged now, a reader could cache the old page again before it). Draft
    revisions save with ``update_fields`` and change nothing readers see."""
    if kwargs.get("raw") or kwargs.get("update_fields") is not None or not instance.pk:
        return
    stored = ArticlePage.objects.filter(pk=instance.pk).values_list("countries", flat=True)
    topics = ArticlePage.topics.through.objects.filter(articlepage_id=instance.pk)
    families = {f"topic:{slug}" for slug in topics.values_list("topic__slug", flat=True)}
    for countries in stored:  # the stored form, "LB,JO"
        families.update(f"country:{code}" for code in country_codes(countries))
    instance._reader_families_before = families


def purge_before_delete(sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any) -> None:
    """An article's families are read while its topics still exist; the purge waits for
    the commit."""
    services.purge_reader_pages(services.article_families(instance))


def purge_site_after_delete(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    """A section or la une deleted: the navigation and every listing. An article's deletion
    is heard here too, as its plain Page row, and was purged by `purge_before_delete`."""
    if issubclass(instance.specific_class or Page, ArticlePage):
        return
    services.purge_reader_pages(["site"])


def purge_site_after_move(sender: Any, **kwargs: Any) -> None:
    """A moved page changes its URL, its old and new listings and maybe the navigation; a
    restricted one, the paths that are private."""
    restrictions.forget_restricted_paths()
    services.purge_reader_pages(["site"])


def purge_after_restriction(sender: type[PageViewRestriction], **kwargs: Any) -> None:
    """A page made private (or public again) leaves (or joins) every listing, the related
    blocks and the feeds, and its own cached page must stop being served to everyone. The
    paths are forgotten now and again after the commit: a reader in between may have read
    the old ones back into the cache."""
    restrictions.forget_restricted_paths()
    transaction.on_commit(restrictions.forget_restricted_paths)
    services.purge_reader_pages(["site"])


def purge_after_settings(
    sender: type[NewsroomSettings], instance: NewsroomSettings, **kwargs: Any
) -> None:
    """The tagline and the sign-up heading are on every reader page: the kept settings are
    forgotten now and after the commit (a reader in between may have read the old row
    back), and every page is purged."""
    site_id = instance.site_id
    forget_settings(site_id)
    transaction.on_commit(lambda: forget_settings(site_id))
    services.purge_reader_pages(["site"])


def purge_site_after_tree_save(sender: type[Page], **kwargs: Any) -> None:
    """La une or a section written whole (created, published, or saved by a script that
    never publishes): the navigation, la une's blocks and the kept routing
    (`newsroom.kept_tree`) all read them. A draft revision saves with ``update_fields`` and
    changes nothing readers see."""
    if not kwargs.get("raw") and kwargs.get("update_fields") is None:
        services.purge_reader_pages(["site"])


def purge_after_site_change(sender: type[Site], **kwargs: Any) -> None:
    """The Site row (its host, port or root page) is in every page's addresses and is where
    routing starts (`newsroom.kept_tree`)."""
    if not kwargs.get("raw"):
        services.purge_reader_pages(["site"])


def purge_after_decision(
    sender: Any, instance: ArticlePage, by_editor: bool = False, **kwargs: Any
) -> None:
    """An editor's decision changes what the article's page shows (tags, linked names), so
    that page goes; the entity and country pages are the enrichment's to name (its
    signals). A background enrichment run only stores suggestions, which readers do not see.
    A topic or country decision publishes a revision, which purges as a publish does."""
    if by_editor:
        services.purge_reader_pages([f"article:{instance.pk}"])


def purge_after_snippet_change(
    sender: type[Author | Source | Topic], instance: Author | Source | Topic, **kwargs: Any
) -> None:
    """An author, a partner outlet or a topic saved (renamed…) or about to be deleted: the
    pages that show its name (`reader_purge.snippet_families`). A new one is on no article
    yet. Deletion is heard before the rows go, while the articles carrying it can be read."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    if isinstance(instance, Author):
        carrying = ArticlePage.objects.filter(authors=instance)
    elif isinstance(instance, Source):
        carrying = ArticlePage.objects.filter(source=instance)
    else:
        carrying = ArticlePage.objects.filter(topics=instance)
    slugs = set()
    if isinstance(instance, Topic):
        slugs = {instance.slug, instance.__dict__.pop("_slug_before", None)} - {None}
    carrying_ids = carrying.values_list("pk", flat=True)
    services.purge_reader_pages(services.snippet_families(carrying_ids, topic_slugs=slugs))


def remember_a_topics_slug(sender: type[Topic], instance: Topic, **kwargs: Any) -> None:
    """A topic's page lives at its slug: renamed, the page at the old one must go too."""
    if kwargs.get("raw") or not instance.pk:
        return
    stored = Topic.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    instance._slug_before = stored


# Saves Wagtail makes on its own to record what it measured of the file; nothing shown changes.
PICTURE_BOOKKEEPING_FIELDS = frozenset({"file_size", "file_hash"})


def announce_picture_change(
    sender: type[NewsImage], instance: NewsImage, created: bool = False, **kwargs: Any
) -> None:
    """A picture edited (caption, credit, focal point, the file replaced) or about to be
    deleted: each live article showing it, as a lead picture or in its body (Wagtail's
    reference index), is announced as `article_shown_changed`: its page, the lists and
    cards showing it are rebuilt as after a publish. Before this they kept the old picture
    until the cache's timeout."""
    update_fields = kwargs.get("update_fields")
    if kwargs.get("raw") or created:
        return
    if update_fields is not None and set(update_fields) <= PICTURE_BOOKKEEPING_FIELDS:
        return
    in_bodies = ReferenceIndex.get_references_to(instance).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    )
    in_bodies_ids = [int(pk) for pk in in_bodies.values_list("object_id", flat=True)]
    showing = ArticlePage.objects.live().filter(Q(lead_image=instance) | Q(pk__in=in_bodies_ids))
    for article in showing:
        events.article_shown_changed.send(sender=ArticlePage, instance=article)


def purge_after_shown_change(sender: Any, instance: ArticlePage, **kwargs: Any) -> None:
    services.purge_reader_pages(services.article_families(instance))


def prepare_renditions_after_commit(
    sender: type[NewsImage], instance: NewsImage, created: bool = False, **kwargs: Any
) -> None:
    """A new picture's renditions are made in the background (off in the test settings:
    NEWSROOM_PREPARE_RENDITIONS)."""
    if kwargs.get("raw") or not created:
        return
    if not getattr(settings, "NEWSROOM_PREPARE_RENDITIONS", True):
        return
    image_id = instance.pk
    events.on_commit_once(
        ("prepare_renditions", image_id), lambda: tasks.prepare_renditions.enqueue(image_id)
    )


def connect() -> None:
    page_published.connect(
        announce_published, sender=ArticlePage, dispatch_uid="newsroom_article_published"
    )
    page_unpublished.connect(
        announce_unpublished, sender=ArticlePage, dispatch_uid="newsroom_article_unpublished"
    )
    page_published.connect(purge_after_publication, dispatch_uid="newsroom_purge_published")
    page_unpublished.connect(purge_after_publication, dispatch_uid="newsroom_purge_unpublished")
    pre_save.connect(
        remember_what_an_article_leaves, sender=ArticlePage, dispatch_uid="newsroom_purge_leaving"
    )
    pre_delete.connect(
        purge_before_delete, sender=ArticlePage, dispatch_uid="newsroom_purge_deleting"
    )
    post_delete.connect(purge_site_after_delete, sender=Page, dispatch_uid="newsroom_purge_deleted")
    post_page_move.connect(purge_site_after_move, dispatch_uid="newsroom_purge_moved")
    for model in (HomePage, SectionPage):
        post_save.connect(
            purge_site_after_tree_save,
            sender=model,
            dispatch_uid=f"newsroom_purge_saved_{model.__name__}",
        )
    for signal in (post_save, post_delete):
        signal.connect(
            purge_after_restriction,
            sender=PageViewRestriction,
            dispatch_uid=f"newsroom_purge_restriction_{signal is post_save}",
        )
    for signal in (post_save, post_delete):
        signal.connect(
            purge_after_site_change,
            sender=Site,
            dispatch_uid=f"newsroom_purge_site_{signal is post_save}",
        )
    events.article_enriched.connect(purge_after_decision, dispatch_uid="newsroom_purge_enriched")
    for signal in (post_save, post_delete):
        signal.connect(
            purge_after_settings,
            sender=NewsroomSettings,
            dispatch_uid=f"newsroom_purge_settings_{signal is post_save}",
        )
    post_save.connect(
        prepare_renditions_after_commit, sender=NewsImage, dispatch_uid="newsroom_renditions"
    )
    for model in (Author, Source, Topic):
        for signal in (post_save, pre_delete):
            signal.connect(
                purge_after_snippet_change,
                sender=model,
                dispatch_uid=f"newsroom_purge_{model.__name__}_{signal is post_save}",
            )
    pre_save.connect(remember_a_topics_slug, sender=Topic, dispatch_uid="newsroom_topic_slug")
    for signal in (post_save, pre_delete):
        signal.connect(
            announce_picture_change,
            sender=NewsImage,
            dispatch_uid=f"newsroom_picture_changed_{signal is post_save}",
        )
    events.article_shown_changed.connect(
        purge_after_shown_change, dispatch_uid="newsroom_purge_shown_changed"
    )
