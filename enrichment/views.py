"""Reader pages that enrichment makes possible: one per entity, one per country.

Only what editors accepted shows here: an entity page lists the published articles where
the entity was accepted and the accepted quotes of that person.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django_countries import countries

from enrichment.models import ArticleCountry, ArticleEntity, Entity, Quote, Status
from newsroom.models import ArticlePage
from newsroom.models.pages import paginate


def entity_page(request, slug):
    entity = get_object_or_404(Entity, slug=slug)
    if entity.merged_into_id:
        return redirect(entity.merged_into, permanent=True)
    # Records an editor merged into this one bring their articles and quotes along.
    same = Q(entity=entity) | Q(entity__merged_into=entity)
    links = ArticleEntity.objects.filter(same, status=Status.ACCEPTED)
    articles = ArticlePage.objects.published().filter(pk__in=links.values("article_id"))
    articles = articles.for_listing()
    speaker = Q(speaker=entity) | Q(speaker__merged_into=entity)
    quotes = (
        Quote.objects.filter(speaker, status=Status.ACCEPTED, article__live=True)
        .select_related("article")
        .order_by("-article__first_published_at", "position")[:10]
    )
    return render(
        request,
        "enrichment/entity_page.html",
        {"entity": entity, "articles": paginate(request, articles), "quotes": quotes},
    )


def country_page(request, code):
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
