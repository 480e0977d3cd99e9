"""What the mailing app refuses on purpose, each with a stable code and a message to act on.

Raised before anything is written, caught once at the edge: a view answers 400, 429 or the
invalid-link page, a task drops the sign-up request and logs the code, the sender marks an
empty alert suppressed.
"""

from typing import Any

from newsroom.exceptions import DomainError


class MailingError(DomainError):
    """A request we refuse, with a stable code and a message the reader can act on."""

    code = "mailing_error"


class InvalidAddress(MailingError):
    code = "invalid_address"


class InvalidChoice(MailingError):
    code = "invalid_choice"


class TooManyAttempts(MailingError):
    """The network posted too many sign-ups; `retry_after` seconds until it may again."""

    code = "too_many_attempts"

    def __init__(self, message: Any = None, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InvalidToken(MailingError):
    """Forged, expired, for another purpose, revoked, or for an address we no longer hold.

    The message says which, for the logs only: the reader sees one page whatever it is,
    so a link cannot be probed.
    """

    code = "invalid_token"


class EmptyMessage(MailingError):
    """Nothing left to say: every article of an alert or digest was unpublished since.

    The message is the delivery's message key; the sender marks the delivery suppressed.
    """

    code = "empty_message"
