"""A Delivery turned into the email it stands for: subject, plain text, responsive HTML, headers.

Each kind of email is three templates in `mailing/templates/mailing/email/`: `<kind>.subject.txt`,
`<kind>.txt` (plain text, rendered without HTML escaping) and `<kind>.mjml` (rendered by
Django with escaping, then compiled to HTML by MJML). The copy is French, in the templates.

Alerts and digests are list mail: they carry exactly one `List-Unsubscribe` (the one-click
HTTPS link) and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), and show the
unsubscribe and preferences links in both parts. The confirmation is transactional: it asks
for consent, so it has no unsubscribe header.

MJML is compiled on every message: mrml (the Rust compiler behind mjml-python) takes about a
millisecond, a third of a whole render (~3 ms once the articles are read), so no skeleton
cache. What was slow is reading the articles (~20 ms a message): `ArticleCache` reads each
once per sending pass.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.header import Header
from email.message import Message
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from django.template.defaultfilters import date as format_date
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from mjml import mjml2html
from wagtail.models import Page

from mailing import links
from mailing.exceptions import EmptyMessage
from mailing.models import Delivery
from mailing.tokens import MAX_AGE_SECONDS
from newsroom.models import ArticlePage

TEMPLATE_DIR = "mailing/email"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LIST_UNSUBSCRIBE_POST = "List-Unsubscribe=One-Click"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_WEEK = re.compile(r"(\d{4})-?W(\d{2})")


@dataclass(frozen=True)
class EmailArticle:
    """An article as an email shows it; every text is plain and escaped by the templates."""

    title: str
    kicker: str
    dateline: str
    standfirst: str
    url: str
    section: str
    pk: int = 0
    published_at: datetime | None = None


@dataclass(frozen=True)
class ArticleGroup:
    """A digest's articles of one section, newest first."""

    heading: str
    articles: tuple[EmailArticle, ...]


class ArticleCache:
    """Articles as emails show them, by page id, read once per sending pass.

    An article matched for thousands of readers is read and formatted once, not once per
    message. Only for one pass (seconds): an article unpublished meanwhile may still go out
    in the pass under way, as if it had been sent a moment earlier.
    """

    def __init__(self) -> None:
        self._articles: dict[int, EmailArticle | None] = {}

    def articles(self, article_ids: Iterable[int]) -> list[EmailArticle]:
        """The published ones among `article_ids`, newest first."""
        ids = set(article_ids)
        missing = ids - self._articles.keys()
        if missing:
            self._articles.update(dict.fromkeys(missing))
            self._articles.update(_read_articles(missing))
        found = [article for pk in ids if (article := self._articles[pk]) is not None]
        return sorted(found, key=lambda article: (article.published_at, article.pk), reverse=True)


def render_delivery(
    delivery: Delivery, *, articles: ArticleCache | None = None
) -> EmailMultiAlternatives:
    """The email for `delivery`, addressed to its subscriber, with a stable Message-ID.

    `articles` shares the articles read between the messages of one sending pass.
    Raises EmptyMessage when an alert or digest has no published article left.
    """
    kind = delivery.kind
    subscriber = delivery.subscriber
    with translation.override(settings.LANGUAGE_CODE):
        context = _context(delivery, articles)
        subject = " ".join(_render_text(f"{TEMPLATE_DIR}/{kind}.subject.txt", context).split())
        context["subject"] = subject
        text = _tidy(_render_text(f"{TEMPLATE_DIR}/{kind}.txt", context))
        html = mjml2html(render_to_string(f"{TEMPLATE_DIR}/{kind}.mjml", context))
    headers = {"Message-ID": ensure_message_id(delivery)}
    if kind != Delivery.Kind.CONFIRMATION:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = LIST_UNSUBSCRIBE_POST
    message = MailingMessage(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


class MailingMessage(EmailMultiAlternatives):
    """Django's message, with the Subject folded knowing its header name.

    Django 5.2 encodes a non-ASCII subject without knowing it follows "Subject: ", so a long
    one starts with a fold and decodes with a leading space. Folded here with the name
    counted, it decodes to exactly the subject. (Django 6.0's modern email API does this.)
    """

    def message(self, *args, **kwargs):
        message = super().message(*args, **kwargs)
        if not self.subject.isascii():
            charset = self.encoding or settings.DEFAULT_CHARSET
            del message["Subject"]
            # Message.__setitem__: Django's own would re-encode the Header as before.
            Message.__setitem__(
                message, "Subject", Header(self.subject, charset, header_name="Subject")
            )
        return message


def ensure_message_id(delivery: Delivery) -> str:
    """The delivery's Message-ID, derived and stored before the first attempt.

    Derived from the row and its message key (not random), and stored, so every attempt of
    one delivery sends the same Message-ID and a receiver can tell a resend for a duplicate.
    """
    if not delivery.message_id:
        delivery.message_id = message_id_for(delivery)
        if delivery.pk:
            Delivery.objects.filter(pk=delivery.pk, message_id="").update(
                message_id=delivery.message_id
            )
    return delivery.message_id


def message_id_for(delivery: Delivery) -> str:
    # Keyed with SECRET_KEY so the id reveals neither the subscriber nor the row.
    value = f"{delivery.pk}:{delivery.subscriber_id}:{delivery.message_key}"
    digest = salted_hmac("mailing.message-id", value).hexdigest()[:32]
    return f"<{digest}@{message_id_domain()}>"


def message_id_domain() -> str:
    return urlsplit(settings.ROTATIVE_BASE_URL).hostname or "localhost"


def french_date(day: date) -> str:
    """“19 décembre 2022”, “1er janvier 2023”: the press style of the datelines."""
    number = "1er" if day.day == 1 else str(day.day)
    with translation.override(settings.LANGUAGE_CODE):
        return f"{number} {format_date(day, 'F Y')}"


def edition_date(delivery: Delivery) -> date:
    """The date a digest is dated: the ISO date in its message key ("daily:2022-12-19").

    A weekly key names an ISO week ("weekly:2022-W51"): the digest is dated the day it was
    queued if that day is in the week, else the week's Monday. Without either, the day the
    delivery was queued, in the site's time zone.
    """
    queued_on = timezone.localdate(delivery.created_at)
    for part in reversed(delivery.message_key.split(":")):
        if ISO_DATE.fullmatch(part):
            try:
                return date.fromisoformat(part)
            except ValueError:
                continue
        week = ISO_WEEK.fullmatch(part)
        if week:
            year, number = int(week[1]), int(week[2])
            if queued_on.isocalendar()[:2] == (year, number):
                return queued_on
            try:
                return date.fromisocalendar(year, number, 1)
            except ValueError:
                continue
    return queued_on


def delivery_articles(delivery: Delivery, cache: ArticleCache | None = None) -> list[EmailArticle]:
    """The delivery's matched articles that readers may still see, newest first."""
    article_ids = delivery.matches.values_list("article_id", flat=True)
    return (cache or ArticleCache()).articles(article_ids)


def _read_articles(article_ids: Iterable[int]) -> dict[int, EmailArticle]:
    pages = list(ArticlePage.objects.published().filter(pk__in=article_ids).for_listing())
    parent_paths = {page.path[: -page.steplen] for page in pages}
    sections = dict(Page.objects.filter(path__in=parent_paths).values_list("path", "title"))
    articles: dict[int, EmailArticle] = {}
    for page in pages:
        url_parts = page.get_url_parts()
        if url_parts is None:  # Not under any site: no link would work.
            continue
        articles[page.pk] = EmailArticle(
            title=_one_line(page.title),
            kicker=_one_line(page.kicker),
            dateline=_one_line(page.dateline_text()),
            standfirst=page.standfirst.strip(),
            url=links.absolute(url_parts[2]),
            section=_one_line(sections.get(page.path[: -page.steplen], "")),
            pk=page.pk,
            published_at=page.published_at or _EPOCH,
        )
    return articles


def group_by_section(articles: list[EmailArticle]) -> list[ArticleGroup]:
    """Sections in the order of their newest article, articles in the order given."""
    groups: dict[str, list[EmailArticle]] = {}
    for article in articles:
        groups.setdefault(article.section, []).append(article)
    return [ArticleGroup(heading=name, articles=tuple(items)) for name, items in groups.items()]


def _context(delivery: Delivery, cache: ArticleCache | None) -> dict:
    subscriber = delivery.subscriber
    context: dict[str, Any] = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": links.absolute("/"),
        "email": subscriber.email,
    }
    if delivery.kind == Delivery.Kind.CONFIRMATION:
        context["confirm_url"] = links.confirm_url(subscriber)
        context["valid_days"] = MAX_AGE_SECONDS["confirm"] // (24 * 3600)
        return context
    articles = delivery_articles(delivery, cache)
    if not articles:
        raise EmptyMessage(delivery.message_key)
    context["unsubscribe_url"] = links.unsubscribe_url(subscriber)
    context["preferences_url"] = links.preferences_url(subscriber)
    context["articles"] = articles
    if delivery.kind == Delivery.Kind.ALERT:
        context["first"] = articles[0]
        context["others"] = len(articles) - 1
    else:
        context["groups"] = group_by_section(articles)
        context["edition_date"] = french_date(edition_date(delivery))
    return context


@cache
def _text_engine() -> Engine:
    # Plain text is not HTML: escaping would print “&amp;” to the reader. A separate engine
    # without autoescape keeps `{% autoescape off %}` out of the templates.
    return Engine(app_dirs=True, autoescape=False)


def _render_text(template_name: str, context: dict) -> str:
    return _text_engine().get_template(template_name).render(Context(context, autoescape=False))


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
