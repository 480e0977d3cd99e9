"""Ingest errors: a stable code for logs and the admin, and a message an editor can act on.

Every error is raised before anything is written; the edges (commands, tasks, admin) catch
`IngestError` once and report it.
"""

from django.utils.translation import gettext_lazy as _

from newsroom.exceptions import DomainError


class IngestError(DomainError):
    """Whatever ingest refuses: a fetch, a format, an article, a partner update."""

    code = "ingest_error"
    default_message = _("The item could not be ingested.")


# Fetching -----------------------------------------------------------------------------------
class FetchError(IngestError):
    code = "fetch_error"
    default_message = _("The address could not be fetched.")


class UnsupportedScheme(FetchError):
    code = "unsupported_scheme"
    default_message = _("Only http and https addresses can be fetched.")


class ForbiddenAddress(FetchError):
    code = "forbidden_address"
    default_message = _("This address points to a private or reserved network and is refused.")


class ForbiddenPort(FetchError):
    code = "forbidden_port"
    default_message = _("Only the standard web ports (80 and 443) can be fetched.")


class TooManyRedirects(FetchError):
    code = "too_many_redirects"
    default_message = _("The address redirects too many times.")


class ResponseTooLarge(FetchError):
    code = "response_too_large"
    default_message = _("The response is larger than the allowed size.")


class FetchTimeout(FetchError):
    code = "fetch_timeout"
    default_message = _("The server took too long to answer.")


class HTTPStatusError(FetchError):
    code = "http_status"
    default_message = _("The server answered with an error status.")


# Parsing ------------------------------------------------------------------------------------
class FormatError(IngestError):
    code = "format_error"
    default_message = _("The content is not in a format we can read.")


class UnsafeXML(FormatError):
    code = "unsafe_xml"
    default_message = _("The XML uses entities or DTDs, which are refused for safety.")


class XMLTooLarge(UnsafeXML):
    code = "xml_too_large"
    default_message = _("The XML document, or one tag or comment in it, is larger than allowed.")


class MalformedFeed(FormatError):
    code = "malformed_feed"
    default_message = _("The feed is malformed and holds no readable entry.")


class EmptyArticle(FormatError):
    code = "empty_article"
    default_message = _("No article text was found.")


# What plain text must hold to be an article (issue #14): a headline, then its text.
class OneLineText(EmptyArticle):
    code = "one_line_text"
    default_message = _(
        "The text is a single line: an article needs a headline, a blank line, then its text."
    )


class ArticleWithoutBody(EmptyArticle):
    """A headline, and after it only page furniture or a fragment shorter than a sentence."""

    code = "no_article_body"
    default_message = _(
        "Only a headline was found (“%(headline)s”): an article needs its text after the "
        "headline and a blank line."
    )


class InvalidArticle(IngestError):
    code = "invalid_article"
    default_message = _("The article could not be saved: %(errors)s")


# Pictures (ingest.images) -------------------------------------------------------------------
class PictureRefused(IngestError):
    """A partner picture not stored; the article is saved without it (issue #14)."""

    code = "picture_refused"
    default_message = _("The picture was refused.")


class PictureUnavailable(PictureRefused):
    code = "picture_unavailable"
    default_message = _("The picture %(url)s could not be downloaded: %(reason)s")


class PictureTooLarge(PictureRefused):
    code = "picture_too_large"
    default_message = _(
        "The picture %(url)s is larger than %(limit)d bytes; ask the partner for a smaller one."
    )


class NotAPicture(PictureRefused):
    code = "not_a_picture"
    default_message = _(
        "%(url)s is not a JPEG, PNG, WebP, GIF or AVIF picture but %(found)s "
        "(declared as %(declared)s)."
    )


class SVGPicture(PictureRefused):
    code = "svg_picture"
    default_message = _(
        "%(url)s is an SVG drawing: SVG is refused, with or without scripts, because it would "
        "be served to readers as it came."
    )


class PictureTypeMismatch(PictureRefused):
    code = "picture_type_mismatch"
    default_message = _(
        "%(url)s is declared as %(declared)s but holds %(found)s: a file that lies about its "
        "type is refused."
    )


class PictureTooManyPixels(PictureRefused):
    code = "picture_too_many_pixels"
    default_message = _(
        "%(url)s would decode to %(pixels)s pixels, more than the %(limit)d allowed: "
        "it may be a decompression bomb."
    )


class PictureTooSmall(PictureRefused):
    code = "picture_too_small"
    default_message = _(
        "%(url)s measures %(width)d × %(height)d pixels, too small for a picture "
        "(at least %(limit)d on each side)."
    )


class PictureUnreadable(PictureRefused):
    code = "picture_unreadable"
    default_message = _("%(url)s could not be read as a %(format)s picture: %(reason)s")
