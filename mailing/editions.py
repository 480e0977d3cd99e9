"""Render once per edition, fill per reader: what makes a million-reader send affordable.

An alert or a digest is the same email for every reader of one *edition* (the same kind, the
same articles, the same date) except for three values: the reader's address and their two
signed links (unsubscribe, preferences). Templates and MJML ran per message before (~3 ms,
most of a send); here they run once per edition with unguessable placeholders in those three
places, and each reader's message is the edition with their values put in (HTML-escaped in
the HTML part, as Django's autoescape would). The result is the text `render_delivery` gives
for that reader (mailing/tests/test_editions.py compares them).

Serialising through `email.generator` was the other half of the cost (folding the encoded
Subject alone is quadratic): `raw_bytes` writes the same MIME structure directly, the
Subject and From encoded once per edition, the bodies 8bit or quoted-printable by the same
rule as Django (a line over 998 characters needs quoted-printable). It is what an SMTP
connection sends; any other backend (anymail) gets `message`, Django's own EmailMessage.

Confirmations are one per reader and carry a per-reader link in many places: they keep
`render_delivery`.
"""

import binascii
import re
import secrets
from dataclasses import dataclass, field
from email.header import Header
from email.utils import formatdate
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from mjml import mjml2html

from mailing import links
from mailing.exceptions import EmptyMessage
from mailing.models import Delivery, Subscriber
from mailing.rendering import (
    LIST_UNSUBSCRIBE_POST,
    TEMPLATE_DIR,
    ArticleCache,
    EmailArticle,
    MailingMessage,
    _render_text,
    _tidy,
    edition_date,
    french_date,
    group_by_section,
)

DIGESTS = (Delivery.Kind.DAILY, Delivery.Kind.WEEKLY)
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+")
MAX_LINE = 998  # RFC 5322 §2.1.1, and Django's threshold for quoted-printable


@dataclass(frozen=True)
class Edition:
    """One edition's email with placeholders where each reader's values go."""

    subject: str
    text: str
    html: str
    placeholders: dict[str, str]
    subject_header: str = ""
    from_header: str = ""
    boundary: str = field(default_factory=lambda: "=_rotative_" + secrets.token_hex(12))


@dataclass
class FilledMessage:
    """One reader's email: raw bytes for SMTP, or Django's message for any other backend."""

    edition: Edition
    from_email: str
    to: str
    text: str
    html: str
    headers: dict[str, str]

    @property
    def envelope_from(self) -> str:
        return self.edition.from_header

    @property
    def envelope_to(self) -> list[str]:
        return [self.to_header]

    @cached_property
    def to_header(self) -> str:
        if PLAIN_ADDRESS.fullmatch(self.to):  # nearly every reader: nothing to encode
            return self.to
        return sanitize_address(self.to, settings.DEFAULT_CHARSET)

    @property
    def message(self) -> MailingMessage:
        message = MailingMessage(
            subject=self.edition.subject,
            body=self.text,
            from_email=self.from_email,
            to=[self.to],
            headers=self.headers,
        )
        message.attach_alternative(self.html, "text/html")
        return message

    def raw_bytes(self) -> bytes:
        edition = self.edition
        encoding = settings.DEFAULT_CHARSET
        head = [
            f'Content-Type: multipart/alternative; boundary="{edition.boundary}"',
            "MIME-Version: 1.0",
            f"Subject: {edition.subject_header}",
            f"From: {edition.from_header}",
            f"To: {self.to_header}",
            f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
        ]
        head += [f"{name}: {value}" for name, value in self.headers.items()]
        parts = [
            "\r\n".join(head).encode("ascii") + b"\r\n\r\n",
            _part(edition.boundary, "plain", self.text, encoding),
            _part(edition.boundary, "html", self.html, encoding),
            f"--{edition.boundary}--\r\n".encode("ascii"),
        ]
        return b"".join(parts)


class EditionCache:
    """Editions rendered in one sending pass, by (kind, articles, date)."""

    def __init__(self, articles: ArticleCache | None = None) -> None:
        self.articles = articles or ArticleCache()
        self._editions: dict[tuple, Edition] = {}

    def fill(self, delivery: Delivery, article_ids: list[int], message_id: str) -> FilledMessage:
        """`delivery`'s email for its subscriber; EmptyMessage if no article is left."""
        articles = self.articles.articles(article_ids)
        if not articles:
            raise EmptyMessage(delivery.message_key)
        dated = french_date(edition_date(delivery)) if delivery.kind in DIGESTS else ""
        key = (delivery.kind, tuple(article.pk for article in articles), dated)
        edition = self._editions.get(key)
        if edition is None:
            edition = self._editions[key] = render_edition(delivery.kind, articles, dated)
        subscriber: Subscriber = delivery.subscriber
        values = {
            "email": subscriber.email,
            "unsubscribe_url": links.unsubscribe_url(subscriber),
            "preferences_url": links.preferences_url(subscriber),
        }
        return FilledMessage(
            edition=edition,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=subscriber.email,
            text=_put(edition.text, edition.placeholders, values, html=False),
            html=_put(edition.html, edition.placeholders, values, html=True),
            headers={
                "Message-ID": message_id,
                "List-Unsubscribe": f"<{values['unsubscribe_url']}>",
                "List-Unsubscribe-Post": LIST_UNSUBSCRIBE_POST,
            },
        )


def render_edition(kind: str, articles: list[EmailArticle], dated: str) -> Edition:
    """The templates and MJML, once, with a placeholder for each reader's value."""
    token = secrets.token_hex(8)
    placeholders = {
        name: f"rotative{token}{name.replace('_', '')}"
        for name in ("email", "unsubscribe_url", "preferences_url")
    }
    context: dict[str, Any] = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": links.absolute("/"),
        **placeholders,
        "articles": articles,
    }
    if kind == Delivery.Kind.ALERT:
        context["first"] = articles[0]
        context["others"] = len(articles) - 1
    else:
        context["groups"] = group_by_section(articles)
        context["edition_date"] = dated
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(_render_text(f"{TEMPLATE_DIR}/{kind}.subject.txt", context).split())
        context["subject"] = subject
        text = _tidy(_render_text(f"{TEMPLATE_DIR}/{kind}.txt", context))
        html = mjml2html(render_to_string(f"{TEMPLATE_DIR}/{kind}.mjml", context))
    if any(placeholder in subject for placeholder in placeholders.values()):
        raise ValueError("a subject must be the same for every reader of an edition")
    encoding = settings.DEFAULT_CHARSET
    if subject.isascii():
        subject_header = subject
    else:
        # Folded knowing its header name, as MailingMessage does.
        subject_header = Header(subject, encoding, header_name="Subject").encode(linesep="\r\n")
    from_header = sanitize_address(settings.DEFAULT_FROM_EMAIL, encoding)
    return Edition(subject, text, html, placeholders, subject_header, from_header)


def _put(template: str, placeholders: dict, values: dict, *, html: bool) -> str:
    for name, placeholder in placeholders.items():
        value = values[name]
        template = template.replace(placeholder, escape(value) if html else value)
    return template


def _part(boundary: str, subtype: str, body: str, encoding: str) -> bytes:
    data = body.encode(encoding)
    lines = data.splitlines()
    if any(len(line) > MAX_LINE for line in lines):
        transfer = "quoted-printable"
        data = binascii.b2a_qp(data, istext=True)
    else:
        transfer = "8bit"
    data = b"\r\n".join(data.splitlines())
    head = (
        f"--{boundary}\r\n"
        f'Content-Type: text/{subtype}; charset="{encoding}"\r\n'
        "MIME-Version: 1.0\r\n"
        f"Content-Transfer-Encoding: {transfer}\r\n\r\n"
    )
    return head.encode("ascii") + data + b"\r\n"
