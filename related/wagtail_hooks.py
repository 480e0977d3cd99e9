"""Admin: the “À lire :” suggestions the article editor asks for while a paragraph is written."""

import functools
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.template.defaultfilters import date as format_date
from django.urls import URLPattern, path
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.panels import InlinePanel, ObjectList
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from newsroom.models import ArticlePage
from related.exceptions import ReadAlsoError
from related.list_panel import RelatedListPanel
from related.panels import ReadAlsoSuggestionsPanel
from related.read_also import read_also_for_paragraph
from related.reading import DISPLAYED, articles_to_read


def _read_also_block_state(page: ArticlePage) -> dict[str, Any]:
    """The state Wagtail's StreamField script gives a new "Read also" block choosing `page`."""
    block = ArticlePage._meta.get_field("body").stream_block.child_blocks["read_also"]
    return block.get_form_state({"article": page, "title": "", "url": None})


@require_POST
def read_also_suggestions(request: HttpRequest) -> JsonResponse:
    """POST text (the paragraph) and page (the article's id, absent while it is being created)."""
    text = request.POST.get("text")
    if text is None:
        return JsonResponse({"error": _("Send the paragraph's text.")}, status=400)
    page_id = request.POST.get("page", "").strip()
    article = None
    if page_id:
        if not page_id.isdigit():
            return JsonResponse({"error": _("The page must be given by its number.")}, status=400)
        page = Page.objects.filter(pk=int(page_id)).first()
        if page is None:
            return JsonResponse({"error": _("No such page.")}, status=404)
        if not page.permissions_for_user(request.user).can_edit():
            return JsonResponse({"error": _("You cannot edit this page.")}, status=403)
        article = page.specific
        if not isinstance(article, ArticlePage):
            return JsonResponse({"error": _("Suggestions are made for articles only.")}, status=400)
    elif not PagePermissionPolicy().user_has_any_permission(request.user, {"add", "change"}):
        return JsonResponse({"error": _("You cannot edit pages.")}, status=403)
    try:
        result = read_also_for_paragraph(text, article=article)
    except ReadAlsoError as error:
        return JsonResponse({"error": error.message, "code": error.code}, status=400)
    return JsonResponse(
        {
            "entities": [mention.name for mention in result.entities],
            "suggestions": [
                {
                    "id": suggestion.page.pk,
                    "title": suggestion.title,
                    "url": suggestion.url,
                    "date": suggestion.published_at.isoformat(),
                    "date_display": format_date(localtime(suggestion.published_at), "j F Y"),
                    "entities": list(suggestion.entities),
                    "score": suggestion.score,
                    "block": _read_also_block_state(suggestion.page),
                }
                for suggestion in result.suggestions
            ],
        }
    )


@hooks.register("register_admin_urls")
def related_admin_urls() -> list[URLPattern]:
    return [path("related/read-also/", read_also_suggestions, name="related_read_also")]


@hooks.register("article_editor_body_panels")
def read_also_box() -> list[ReadAlsoSuggestionsPanel]:
    """Under the body: earlier articles about the paragraph being written."""
    return [ReadAlsoSuggestionsPanel()]


@hooks.register("article_editor_tabs")
def related_tab() -> list[ObjectList]:
    """The "Related" tab: the list as ranked now, and the editor's pins and exclusions."""
    return [
        ObjectList(
            [
                RelatedListPanel(heading=_lazy("Ranked now")),
                InlinePanel("related_pins", heading=_lazy("Pinned"), label=_lazy("pinned article")),
                InlinePanel(
                    "related_exclusions",
                    heading=_lazy("Excluded"),
                    label=_lazy("excluded article"),
                ),
            ],
            heading=_lazy("Related"),
        )
    ]


@hooks.register("article_page_context")
def read_more_on_the_same_theme(page: ArticlePage, request: HttpRequest) -> dict[str, Any]:
    """“À lire sur le même thème” under the article: the editor's pins, then the stored
    ranking, read without the ranking code (and its spaCy) in the web process. A callable,
    which the template calls where it shows the list: a kept copy of that part of the page
    (``kept_fragment``) reads nothing."""
    return {"related_articles": functools.partial(articles_to_read, page, limit=DISPLAYED)}
