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
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from mjml import mjml2html

from mailing import links
from mailing.exceptions import EmptyMessage
from mailing.links import absolute
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
from mailing.tokens import make_token

DIGESTS = (Delivery.Kind.DAILY, Delivery.Kind.WEEKLY)
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+")
MAX_LINE = 998  # RFC 5322 §2.1.1, and Django's threshold for quoted-printable
TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9_:-]+")
LINK_ROUTES = {"unsubscribe": "mailing_unsubscribe", "preferences": "mailing_preferences"}


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

    @cached_property
    def bodies(self) -> tuple["BodyTemplate", "BodyTemplate"] | None:
        """The text and HTML parts as the bytes sent, placeholders in (see BodyTemplate).

        None for a body with a lone carriage return, a line break for `splitlines` but not
        for quoted-printable: such a body is encoded whole, per reader.
        """
        if "\r" in self.text or "\r" in self.html:
            return None
        encoding = settings.DEFAULT_CHARSET
        return (
            BodyTemplate.of(self.text, self.placeholders, encoding),
            BodyTemplate.of(self.html, self.placeholders, encoding),
        )


@dataclass(frozen=True)
class BodyTemplate:
    """One part of an edition, encoded and cut in lines, as `_part` would send it.

    Only the few lines holding a placeholder change from reader to reader; the others are
    encoded once, both as they are (8bit) and quoted-printable (QP works line by line, so a
    line's QP is the same wherever it sits). Filling is then a bytes replace on those few
    lines, the choice of transfer encoding made on the filled lines, as `_part` makes it.
    """

    lines: tuple[bytes, ...]
    varying: tuple[int, ...]  # the lines holding a placeholder
    fixed_longest: int  # the longest line holding none
    placeholders: tuple[tuple[str, bytes], ...]

    @classmethod
    def of(cls, body: str, placeholders: dict[str, str], encoding: str) -> "BodyTemplate":
        lines = tuple(body.encode(encoding).splitlines())
        marks = tuple((name, mark.encode("ascii")) for name, mark in placeholders.items())
        varying = tuple(
            number
            for number, line in enumerate(lines)
            if any(mark in line for _name, mark in marks)
        )
        longest = max(
            (len(line) for number, line in enumerate(lines) if number not in varying), default=0
        )
        return cls(lines, varying, longest, marks)

    @cached_property
    def quoted(self) -> tuple[bytes, ...]:
        return tuple(_quote(line) for line in self.lines)

    @cached_property
    def quoted_heads(self) -> dict[int, tuple[bytes, int]]:
        """For each varying line: its quoted-printable up to the last soft break before
        the first placeholder, and how many of the line's bytes that covers.

        QP is written left to right and starts afresh after a soft break, so that much is
        the same for every reader; only the rest of the line is quoted per reader (MJML
        puts the whole body on one line, the reader's links near its end).
        """
        heads = {}
        for number in self.varying:
            line = self.lines[number]
            first = min(line.find(mark) for _name, mark in self.placeholders if mark in line)
            quoted = binascii.b2a_qp(line[:first], istext=True)
            cut = quoted.rfind(b"=\n")
            if cut < 0:
                heads[number] = (b"", 0)
                continue
            head = quoted[: cut + 2]
            crlf = b"\r\n".join(head.splitlines()) + b"\r\n"
            heads[number] = (crlf, len(binascii.a2b_qp(head)))
        return heads

    def fill(self, values: dict[str, bytes]) -> tuple[str, bytes]:
        """The transfer encoding and the part's bytes, with the reader's values put in.

        `values` hold no line break (the caller sees to it): lines stay the same lines.
        """
        filled = {}
        for number in self.varying:
            line = self.lines[number]
            for name, mark in self.placeholders:
                line = line.replace(mark, values[name])
            filled[number] = line
        longest = max((len(line) for line in filled.values()), default=0)
        if max(longest, self.fixed_longest) <= MAX_LINE:
            lines = list(self.lines)
            for number, line in filled.items():
                lines[number] = line
            return "8bit", b"\r\n".join(lines)
        lines = list(self.quoted)
        heads = self.quoted_heads
        for number, line in filled.items():
            head, covered = heads[number]
            # The head ends with a soft break, itself CRLF: the rest starts a fresh line.
            lines[number] = head + _quote(line[covered:])
        return "quoted-printable", b"\r\n".join(lines)


@dataclass
class FilledMessage:
    """One reader's email: raw bytes for SMTP, or Django's message for any other backend."""

    edition: Edition
    from_email: str
    to: str
    values: dict[str, str]
    headers: dict[str, str]

    @cached_property
    def text(self) -> str:
        return _put(self.edition.text, self.edition.placeholders, self.values, html=False)

    @cached_property
    def html(self) -> str:
        return _put(self.edition.html, self.edition.placeholders, self.values, html=True)

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
            *self._bodies(encoding),
            f"--{edition.boundary}--\r\n".encode("ascii"),
        ]
        return b"".join(parts)

    def _bodies(self, encoding: str) -> list[bytes]:
        edition = self.edition
        values = self.values
        bodies = edition.bodies
        if bodies is None or any("\r" in value or "\n" in value for value in values.values()):
            # A value that would cut a line in two: encode the filled text as a whole.
            return [
                _part(edition.boundary, "plain", self.text, encoding),
                _part(edition.boundary, "html", self.html, encoding),
            ]
        text_template, html_template = bodies
        parts = []
        for subtype, template, escaping in (
            ("plain", text_template, str),
            ("html", html_template, escape),
        ):
            transfer, data = template.fill(
                {name: escaping(value).encode(encoding) for name, value in values.items()}
            )
            parts.append(_head(edition.boundary, subtype, transfer, encoding) + data + b"\r\n")
        return parts


class ReaderLinks:
    """A reader's signed links, with the URL around the token resolved once per pass.

    `reverse()` cost more than the signing: the path of these links is the same for every
    reader but for the token, which is made as `links` makes it (mailing.tokens). A token
    with a character `reverse()` would quote goes through `links` itself; signed tokens have
    none (URL-safe base64 and colons).
    """

    MARKER = "rotativereadertoken"

    def __init__(self) -> None:
        self._around: dict[str, tuple[str, str]] = {}

    def url(self, subscriber: Subscriber, purpose: str) -> str:
        token = make_token(subscriber, purpose)
        if not TOKEN_CHARACTERS.fullmatch(token):
            return absolute(reverse(LINK_ROUTES[purpose], args=[token]))
        around = self._around.get(purpose)
        if around is None:
            url = absolute(reverse(LINK_ROUTES[purpose], args=[self.MARKER]))
            before, after = url.split(self.MARKER)
            around = self._around[purpose] = (before, after)
        return around[0] + token + around[1]


class EditionCache:
    """Editions rendered in one sending pass, by (kind, articles, date)."""

    def __init__(self, articles: ArticleCache | None = None) -> None:
        self.articles = articles or ArticleCache()
        self.links = ReaderLinks()
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
            "unsubscribe_url": self.links.url(subscriber, "unsubscribe"),
            "preferences_url": self.links.url(subscriber, "preferences"),
        }
        return FilledMessage(
            edition=edition,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=subscriber.email,
            values=values,
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
    return _head(boundary, subtype, transfer, encoding) + data + b"\r\n"


def _quote(line: bytes) -> bytes:
    """One line quoted-printable, its soft line breaks CRLF as `_part` sends them."""
    return b"\r\n".join(binascii.b2a_qp(line, istext=True).splitlines())


def _head(boundary: str, subtype: str, transfer: str, encoding: str) -> bytes:
    return (
        f"--{boundary}\r\n"
        f'Content-Type: text/{subtype}; charset="{encoding}"\r\n'
        "MIME-Version: 1.0\r\n"
        f"Content-Transfer-Encoding: {transfer}\r\n\r\n"
    ).encode("ascii")
