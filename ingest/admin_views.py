"""Partner updates held for an editor: the list, the comparison, apply and dismiss."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ingest import updates
from ingest.exceptions import IngestError
from ingest.models import PendingPartnerUpdate


def _waiting_for(user):
    """The waiting updates of the articles `user` may edit: nobody sees others' copy."""
    waiting = PendingPartnerUpdate.objects.filter(
        state=PendingPartnerUpdate.State.PENDING
    ).select_related("article", "source")
    editable = [
        pending for pending in waiting if pending.article.permissions_for_user(user).can_edit()
    ]
    for pending in editable:
        pending.reason_text = updates.hold_reason_text(pending.reason)
    return editable


def index(request):
    return TemplateResponse(
        request, "ingest/admin/partner_updates.html", {"waiting": _waiting_for(request.user)}
    )


def _pending_for_editor(request, pending_id) -> PendingPartnerUpdate:
    pending = get_object_or_404(
        PendingPartnerUpdate.objects.select_related("article", "source"), pk=pending_id
    )
    if not pending.article.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return pending


def compare(request, pending_id):
    pending = _pending_for_editor(request, pending_id)
    return TemplateResponse(
        request,
        "ingest/admin/partner_update.html",
        {
            "pending": pending,
            "page": pending.article,
            "reason": updates.hold_reason_text(pending.reason),
            "changes": updates.compare_partner_update(pending),
            "is_pending": pending.state == PendingPartnerUpdate.State.PENDING,
        },
    )


@require_POST
def apply(request, pending_id):
    pending = _pending_for_editor(request, pending_id)
    try:
        updates.apply_partner_update(pending, actor=request.user)
    except IngestError as error:
        messages.error(request, error.message)
        return redirect("ingest_partner_update", pending.pk)
    messages.success(
        request, _("The partner's version is now the latest draft: review it, then publish.")
    )
    return redirect("wagtailadmin_pages:edit", pending.article_id)


@require_POST
def dismiss(request, pending_id):
    pending = _pending_for_editor(request, pending_id)
    try:
        updates.dismiss_partner_update(pending, actor=request.user)
    except IngestError as error:
        messages.error(request, error.message)
        return redirect("ingest_partner_update", pending.pk)
    messages.success(request, _("Partner update dismissed; the article is unchanged."))
    return redirect("ingest_partner_updates")
