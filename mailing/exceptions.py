"""What the mailing app refuses on purpose, each with a stable code and a message to act on.

Raised before anything is written, caught once at the edge (a view answers 400 or 429, a
task drops the request and logs the code).
"""


class MailingError(Exception):
    """A request we refuse, with a stable code and a message the reader can act on."""

    code = "mailing_error"

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class InvalidAddress(MailingError):
    code = "invalid_address"


class InvalidChoice(MailingError):
    code = "invalid_choice"


class TooManyAttempts(MailingError):
    code = "too_many_attempts"

    def __init__(self, message, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
