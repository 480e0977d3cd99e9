"""Reader pages that enrichment makes possible: one per entity, one per country.

Only what editors accepted shows here: an entity page lists the published articles where
the entity was accepted and the accepted quotes of that person.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_countries import countries

from enrichment.merges import kept_record, member_ids
from enrichment.models import ArticleCountry, ArticleEntity, Entity, Quote, Status
from newsroom.models import ArticlePage
from newsroom.models.pages import paginate


def entity_page(request: HttpRequest, slug: str) -> HttpResponse:
    entity = get_object_or_404(Entity, slug=slug)
    kept = kept_record(entity)
    # A merge loop (A → B → A) has no record that stays: each page then shows itself
    # rather than sending the reader round in redirects.
    if kept.pk != entity.pk and not kept.merged_into_id:
        return redirect(kept, permanent=True)
    # Records an editor merged into this one, however many merges ago, bring their articles
    # and quotes along.
    members = list(member_ids([entity.pk]))
    links = ArticleEntity.objects.filter(entity_id__in=members, status=Status.ACCEPTED)
    articles = ArticlePage.objects.published().filter(pk__in=links.values("article_id"))
    articles = articles.for_listing()
    quotes = (
        Quote.objects.filter(speaker_id__in=members, status=Status.ACCEPTED, article__live=True)
        .select_related("article")
        .order_by("-article__first_published_at", "position")[:10]
    )
    return render(
        request,
        "enrichment/entity_page.html",
        {"entity": entity, "articles": paginate(request, articles), "quotes": quotes},
    )


def country_page(request: HttpRequest, code: str) -> HttpResponse:
    code = code.upper()
    if code not in countries:
        raise Http404("No such country")
    accepted = ArticleCountry.objects.filter(country=code, status=Status.ACCEPTED)
    articles = (
        ArticlePage.objects.published().filter(pk__in=accepted.values("article_id")).for_listing()
    )
    return render(
        request,
        "enrichment/country_page.html",
        {
            "country_name": countries.name(code),
            "code": code,
            "articles": paginate(request, articles),
        },
    )
