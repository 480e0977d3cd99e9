"""Partner updates of articles an editor has touched: held beside the article, never over it.

Issue #12: the old guard looked only at the latest revision's user, so once ingest had saved
its own draft (version 2), version 3 published over the editor's live edit. The rule now:
once any editor has touched an article (a revision of theirs, a workflow in progress, a
scheduled revision, a lock), ingest writes no revision at all. The partner's text waits as a
`PendingPartnerUpdate` that an editor compares with the article and applies (a new draft, on
top of their own latest draft, never published by itself) or dismisses.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Revision

from ingest.exceptions import IngestError
from ingest.models import IngestedItem, PendingPartnerUpdate
from ingest.writing import fill_page
from newsroom.article import Dateline, ExtractedArticle, ReadAlso, SourceCredit
from newsroom.models import ArticlePage, NewsImage, Source

# Why an article is held, most pressing first; the codes are stored on the pending update.
HOLD_REASONS = {
    "locked": _("the article is locked"),
    "in_moderation": _("the article is in moderation"),
    "scheduled": _("a revision is scheduled for publication"),
    "editor_draft": _("an editor has an unpublished draft"),
    "edited": _("an editor changed this article"),
}


class PartnerUpdateError(IngestError):
    code = "partner_update"
    default_message = _("This partner update cannot be applied.")


class PartnerUpdateDecided(PartnerUpdateError):
    code = "partner_update_decided"
    default_message = _("This partner update was already applied or dismissed.")


class PartnerUpdateForbidden(PartnerUpdateError):
    code = "partner_update_forbidden"
    default_message = _("You may not edit this article.")


class PartnerUpdateLocked(PartnerUpdateError):
    code = "partner_update_locked"
    default_message = _("The article is locked by another user: unlock it first.")


def editor_hold_reason(page: ArticlePage) -> str | None:
    """The code of why ingest must not write over `page`, or None when no editor touched it."""
    if page.locked:
        return "locked"
    if page.workflow_in_progress:
        return "in_moderation"
    if page.scheduled_revision is not None or (
        page.go_live_at is not None and page.go_live_at > timezone.now()
    ):
        return "scheduled"
    # Any revision with a user, not only the latest: ingest's own revisions and automatic
    # enrichment (no user) came after the editor's in the reported case.
    edited = page.revisions.filter(user__isnull=False)
    if not edited.exists():
        return None
    if page.has_unpublished_changes:
        live = page.live_revision
        after_live = edited if live is None else edited.filter(created_at__gt=live.created_at)
        if after_live.exists():
            return "editor_draft"
    return "edited"


def hold_reason_text(code: str) -> str:
    return str(HOLD_REASONS.get(code, HOLD_REASONS["edited"]))


# The partner's text, stored as plain JSON --------------------------------------------------
def partner_fields(item: ExtractedArticle) -> dict[str, Any]:
    """What `fill_page` reads from an item, in JSON: enough to apply it later, nothing more."""
    return {
        "title": item.title,
        "kicker": item.kicker,
        "standfirst": item.standfirst,
        "body": list(item.body),
        "read_also": [
            {"title": link.title, "url": link.url, "position": link.position}
            for link in item.read_also
        ],
        "source": {
            "outlet": item.source.outlet,
            "author": item.source.author,
            "url": item.source.url,
        },
        "dateline": (
            {
                "places": list(item.dateline.places),
                "date": item.dateline.date.isoformat() if item.dateline.date else None,
            }
            if item.dateline
            else None
        ),
    }


def item_of_fields(fields: dict[str, Any]) -> ExtractedArticle:
    dateline = fields.get("dateline")
    return ExtractedArticle(
        title=fields["title"],
        kicker=fields.get("kicker", ""),
        standfirst=fields.get("standfirst", ""),
        body=tuple(fields.get("body", ())),
        read_also=tuple(ReadAlso(**link) for link in fields.get("read_also", ())),
        source=SourceCredit(**fields.get("source", {})),
        dateline=(
            Dateline(
                places=tuple(dateline["places"]),
                date=date.fromisoformat(dateline["date"]) if dateline["date"] else None,
            )
            if dateline
            else None
        ),
    )


# Services ------------------------------------------------------------------------------------
def hold_partner_update(
    page: ArticlePage,
    item: ExtractedArticle,
    *,
    reason: str,
    source: Source | None,
    ingested: IngestedItem | None,
    pictures: Sequence[NewsImage] = (),
) -> PendingPartnerUpdate:
    """Keep the partner's version beside the article; it replaces an older one still waiting.

    `pictures` are the partner's pictures, already in the library: their ids wait with the
    text, for `apply_partner_update`.
    """
    with transaction.atomic():
        PendingPartnerUpdate.objects.filter(
            article=page, state=PendingPartnerUpdate.State.PENDING
        ).delete()
        return PendingPartnerUpdate.objects.create(
            article=page,
            item=ingested,
            source=source,
            version=item.version,
            content={**partner_fields(item), "pictures": [picture.pk for picture in pictures]},
            reason=reason,
        )


def pending_update_of(page: Page) -> PendingPartnerUpdate | None:
    """The update waiting for `page` (any page type: only articles ever have one)."""
    return PendingPartnerUpdate.objects.filter(
        article_id=page.pk, state=PendingPartnerUpdate.State.PENDING
    ).first()


def _check_may_decide(pending: PendingPartnerUpdate, actor: User) -> ArticlePage:
    """Raise before writing: decided already (by anyone, even a moment ago), or not theirs."""
    current = (
        PendingPartnerUpdate.objects.select_for_update().filter(pk=pending.pk).values("state")
    ).first()
    if current is None or current["state"] != PendingPartnerUpdate.State.PENDING:
        raise PartnerUpdateDecided()
    page = pending.article.specific
    if not page.permissions_for_user(actor).can_edit():
        raise PartnerUpdateForbidden()
    return page


def apply_partner_update(pending: PendingPartnerUpdate, *, actor: User) -> Revision:
    """The partner's text as a new draft revision by `actor`, on top of their latest draft.

    Nothing is published: the editor reviews the draft and publishes it themselves. The lead
    image is the editor's: the partner's first picture fills it only when the draft has none.
    """
    with transaction.atomic():
        # The row lock taken here makes two editors clicking "apply" at once write one draft.
        page = _check_may_decide(pending, actor)
        lock = page.get_lock()
        if lock is not None and lock.for_user(actor):
            raise PartnerUpdateLocked()
        draft = page.get_latest_revision_as_object()
        fill_page(draft, item_of_fields(pending.content), pending.source)
        if draft.lead_image_id is None:
            ids = pending.content.get("pictures", [])
            held = NewsImage.objects.in_bulk(ids)
            draft.lead_image = next((held[pk] for pk in ids if pk in held), None)
        revision = draft.save_revision(user=actor, log_action=True)
        pending.state = PendingPartnerUpdate.State.APPLIED
        pending.decided_at, pending.decided_by = timezone.now(), actor
        pending.save(update_fields=["state", "decided_at", "decided_by"])
    return revision


def dismiss_partner_update(pending: PendingPartnerUpdate, *, actor: User) -> PendingPartnerUpdate:
    """Close the update without touching the article; a later partner version waits again."""
    with transaction.atomic():
        _check_may_decide(pending, actor)
        pending.state = PendingPartnerUpdate.State.DISMISSED
        pending.decided_at, pending.decided_by = timezone.now(), actor
        pending.save(update_fields=["state", "decided_at", "decided_by"])
    return pending


# Comparing ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldChange:
    """One field of the article beside the partner's, as word runs: (op, words)."""

    label: str
    current: str
    partner: str
    runs: tuple[tuple[str, str], ...]

    @property
    def changed(self) -> bool:
        return self.current != self.partner


def _word_runs(current: str, partner: str) -> tuple[tuple[str, str], ...]:
    """Word-level diff: ("equal"|"delete"|"insert", text) runs, deletions before insertions."""
    old, new = current.split(), partner.split()
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("equal", " ".join(old[a1:a2])))
            continue
        if a2 > a1:
            runs.append(("delete", " ".join(old[a1:a2])))
        if b2 > b1:
            runs.append(("insert", " ".join(new[b1:b2])))
    return tuple(runs)


def _body_text(page: ArticlePage) -> str:
    paragraphs = []
    for block in page.body:
        if block.block_type in {"paragraph", "heading"}:
            paragraphs.append(" ".join(block.block.get_searchable_content(block.value)))
    return "\n".join(paragraphs)


def compare_partner_update(pending: PendingPartnerUpdate) -> list[FieldChange]:
    """The editor's latest draft beside the partner's version, field by field."""
    draft = pending.article.specific.get_latest_revision_as_object()
    content = pending.content
    dateline = content.get("dateline") or {}
    pairs = [
        (_("Title"), draft.title, content["title"]),
        (_("Kicker"), draft.kicker, content.get("kicker", "")),
        (_("Standfirst"), draft.standfirst, content.get("standfirst", "")),
        (
            _("Dateline places"),
            ", ".join(place.name for place in draft.dateline_places.all()),
            ", ".join(dateline.get("places", ())),
        ),
        (_("Body"), _body_text(draft), "\n".join(content.get("body", ()))),
    ]
    return [
        FieldChange(str(label), current, partner, _word_runs(current, partner))
        for label, current, partner in pairs
    ]
