"""What the related app refuses, with a message an editor can act on."""

from django.utils.translation import gettext_lazy as _


class ArticleNotFound(Exception):
    """`find_article` found no article for what it was given (id, slug or URL path)."""


class ReadAlsoError(Exception):
    """A request for suggestions that cannot be answered; the message tells the editor why."""

    code = "read_also_error"
    default_message = _("Suggestions cannot be made for this text.")

    def __init__(self, message=None, **params):
        self.params = params
        template = message if message is not None else self.default_message
        self.message = str(template) % params if params else str(template)
        super().__init__(self.message)


class TextTooLong(ReadAlsoError):
    code = "text_too_long"
    default_message = _(
        "The text is too long for suggestions: at most %(limit)s characters, "
        "this one has %(length)s."
    )
