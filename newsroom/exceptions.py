"""The one shape of a domain error, shared by every app.

A domain error is something the newsroom refuses on purpose (an empty article, a search too
long, an address that cannot be written to) as opposed to a bug. Each app subclasses
`DomainError` in its own ``exceptions.py``: a stable ``code`` for logs, tests and the API,
and a translated ``message`` the editor or reader can act on. Nothing about HTTP: the edge
(view, command, task, admin) that catches it decides how to show it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Raised before anything is written; caught once, at the edge.

    ``message`` overrides the class's ``default_message``; ``params`` fill its
    ``%(name)s`` placeholders and stay readable on ``error.params``. ``code`` may be given
    per instance for errors built by small factory functions.
    """

    code: str = "domain_error"
    default_message: Any = _("The request could not be carried out.")

    def __init__(self, message: Any = None, *, code: str | None = None, **params: Any) -> None:
        if code is not None:
            self.code = code
        self.params = params
        template = message if message is not None else self.default_message
        self.message = str(template) % params if params else str(template)
        super().__init__(self.message)


class SiteAddressInvalid(DomainError):
    """ROTATIVE_BASE_URL cannot be the Wagtail Site's address (issue #14)."""

    code = "site_address_invalid"
    default_message = _(
        "ROTATIVE_BASE_URL must be the site's address alone, http://host[:port] or "
        "https://host, with no path or query (e.g. https://news.example.org), not “%(address)s”."
    )


class SiteAddressTaken(DomainError):
    """Another Wagtail Site holds that host and port: two sites cannot share one address."""

    code = "site_address_taken"
    default_message = _(
        "Another Wagtail site already has the address %(address)s: change or delete it in "
        "Settings → Sites first."
    )


class EdgeConfigInvalid(DomainError):
    """A value that would make a broken or unsafe nginx file (`newsroom.edge`)."""

    code = "edge_config_invalid"
    default_message = _("The nginx configuration cannot be made: %(problem)s.")
