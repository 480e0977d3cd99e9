"""What the related app refuses, with a message an editor can act on."""

from django.utils.translation import gettext_lazy as _

from newsroom.exceptions import DomainError


class ArticleNotFound(DomainError):
    """`find_article` found no article for what it was given (id, slug or URL path).

    Its message is that reference as given: the commands that catch it say "No article
    matches …" around it.
    """

    code = "article_not_found"

    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(reference)


class ReadAlsoError(DomainError):
    """A request for suggestions that cannot be answered; the message tells the editor why."""

    code = "read_also_error"
    default_message = _("Suggestions cannot be made for this text.")


class TextTooLong(ReadAlsoError):
    code = "text_too_long"
    default_message = _(
        "The text is too long for suggestions: at most %(limit)s characters, "
        "this one has %(length)s."
    )
