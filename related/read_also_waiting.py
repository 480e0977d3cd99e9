"""Title-only “À lire :” links, linked once the article they name is published (issue #14).

A partner's pasted page gives "A lire : L’Union européenne s’accorde…" and no address; when
we have no article of that title yet, ingest keeps the title alone in a read-also block
(readers see nothing of it, editors see a link to fill). Each publication then looks for
the blocks naming the new article, in every other article, by the title's key
(`newsroom.titles`: case, accents, apostrophes aside), and links them.

Nothing records the waiting blocks apart from the text itself (no table, no migration): the
stored JSON is narrowed in SQL by how such a block is written and by the title's words, and
each candidate's blocks are then read one by one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from wagtail.models import Revision
from wagtail.query import PageQuerySet

from newsroom.models import ArticlePage
from newsroom.titles import articles_titled, title_key, title_words

# How a title-only block reads in stored JSON, to narrow the pages looked at: in a page's own
# body (its live text, or the text of a page never revised) and in its latest revision,
# where Wagtail keeps the body as JSON inside JSON, its quotes escaped.
_WAITING_IN_BODY = '"article": null'
_WAITING_IN_REVISION = 'article\\": null'


def waiting_title(value: Mapping[str, Any]) -> str:
    """The title of a stored read-also block naming an article not linked yet, else ""."""
    if value.get("article") or value.get("url"):
        return ""
    return str(value.get("title") or "")


def pages_with_waiting_links(words: Iterable[str] = ()) -> PageQuerySet:
    """Articles whose latest text may hold a title-only “À lire” block (naming one of
    `words`, when given): a cut in SQL, which `link_read_also_blocks` checks block by block."""
    naming = Q()
    for word in words:
        naming |= Q(raw__icontains=word)
    bodies = (
        ArticlePage.objects.filter(latest_revision__isnull=True)
        .annotate(raw=Cast("body", TextField()))
        .filter(naming, raw__contains=_WAITING_IN_BODY)
        .values_list("pk", flat=True)
    )
    revisions = (
        Revision.objects.filter(pk__in=ArticlePage.objects.values("latest_revision_id"))
        .annotate(raw=Cast("content", TextField()))
        .filter(naming, raw__contains=_WAITING_IN_REVISION)
        .values_list("object_id", flat=True)
    )
    ids = {*bodies, *(int(object_id) for object_id in revisions)}
    return ArticlePage.objects.filter(pk__in=ids).order_by("pk")


def readable_articles() -> PageQuerySet:
    """What a read-also block may link to: an article any reader can open."""
    return ArticlePage.objects.live().public()


def link_waiting_read_also(article: ArticlePage) -> list[ArticlePage]:
    """Link the title-only “À lire” blocks naming `article`, now published, in every other
    article, and those of `article` naming another published one (its editor may have typed
    a title we already had). The pages given a new revision, in order.
    """
    if not readable_articles().filter(pk=article.pk).exists():
        return []
    key = title_key(article.title)
    linked = [
        page
        for page in pages_with_waiting_links(title_words(article.title)).exclude(pk=article.pk)
        if link_read_also_blocks(page, lambda title: article if title_key(title) == key else None)
    ]
    others = readable_articles().exclude(pk=article.pk)
    if _may_wait(article) and link_read_also_blocks(
        article, lambda title: next(iter(articles_titled(title, others)), None)
    ):
        linked.append(article)
    return linked


def _may_wait(page: ArticlePage) -> bool:
    """Whether `link_read_also_blocks` may find a title-only block in `page`: False only
    when its latest text is the page's own (nothing pending) and has none.

    Why (issue #15): a bulk import publishes articles that name none, and locking each,
    loading its draft and copying its blocks to find that was a quarter of this task."""
    if page.has_unpublished_changes:
        return True
    return any(
        block["type"] == "read_also" and waiting_title(block["value"])
        for block in page.body.raw_data
    )


@transaction.atomic
def link_read_also_blocks(
    page: ArticlePage, target_for: Callable[[str], ArticlePage | None]
) -> bool:
    """Give each title-only block of `page`'s latest text the article `target_for` finds for
    its title; True when that made a new revision.

    The revision is the system's (no user, logged as Wagtail's edit), written over the
    latest draft so an editor's work is kept, and published only when the page was live
    with nothing pending, as enrichment writes an accepted topic. A page locked, in
    moderation or scheduled is left alone: an editor holds it, and its own publication
    links it (see `link_waiting_read_also`).
    """
    page = ArticlePage.objects.select_for_update().get(pk=page.pk)
    if page.locked or page.workflow_in_progress or page.scheduled_revision is not None:
        return False
    draft = page.get_latest_revision_as_object()
    blocks = copy.deepcopy(list(draft.body.raw_data))
    changed = False
    for block in blocks:
        title = waiting_title(block["value"]) if block["type"] == "read_also" else ""
        target = target_for(title) if title else None
        if target is not None and target.pk != page.pk:
            block["value"] = {"article": target.pk, "title": "", "url": ""}
            changed = True
    if not changed:
        return False
    publish = page.live and not page.has_unpublished_changes
    draft.body = blocks
    revision = draft.save_revision(log_action=True)
    if publish:
        revision.publish(skip_permission_checks=True)
    return True
