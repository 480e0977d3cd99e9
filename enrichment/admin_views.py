"""The review page: accept or reject each suggestion, add an entity by hand, re-run."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enrichment import services
from enrichment.models import ArticleCountry, ArticleEntity, ArticleTopic, Entity, Quote, Status
from enrichment.tasks import enrich_article
from newsroom.models import ArticlePage

SUGGESTION_MODELS = {
    "entity": ArticleEntity,
    "topic": ArticleTopic,
    "country": ArticleCountry,
    "quote": Quote,
}


def _editable_page(request, page_id) -> ArticlePage:
    page = get_object_or_404(ArticlePage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def review(request, page_id):
    page = _editable_page(request, page_id)
    return TemplateResponse(
        request,
        "enrichment/admin/review.html",
        {
            "page": page,
            "entities": ArticleEntity.objects.filter(article=page).select_related("entity"),
            "topics": ArticleTopic.objects.filter(article=page).select_related("topic"),
            "countries": ArticleCountry.objects.filter(article=page),
            "quotes": Quote.objects.filter(article=page),
            "all_entities": Entity.objects.filter(merged_into__isnull=True).order_by("name"),
            "statuses": Status,
        },
    )


@require_POST
def decide(request, page_id):
    page = _editable_page(request, page_id)
    model = SUGGESTION_MODELS.get(request.POST.get("kind", ""))
    status = request.POST.get("status", "")
    if model is None or status not in {Status.ACCEPTED, Status.REJECTED}:
        messages.error(request, _("Unknown suggestion or decision."))
        return redirect("enrichment_review", page.pk)
    row = get_object_or_404(model, pk=request.POST.get("id"), article=page)
    services.decide(row, status, request.user)
    messages.success(request, _("Decision saved."))
    return redirect("enrichment_review", page.pk)


@require_POST
def add_entity(request, page_id):
    page = _editable_page(request, page_id)
    entity = Entity.objects.filter(pk=request.POST.get("entity") or 0).first()
    if entity is None:
        messages.error(request, _("Choose an entity to add."))
    else:
        services.add_entity_by_hand(page, entity, request.user)
        messages.success(request, _("%(name)s added.") % {"name": entity.name})
    return redirect("enrichment_review", page.pk)


@require_POST
def rerun(request, page_id):
    page = _editable_page(request, page_id)
    enrich_article.enqueue(page.pk)
    messages.success(request, _("Enrichment queued; your decisions are kept."))
    return redirect("enrichment_review", page.pk)
