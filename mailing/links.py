"""Absolute links put in emails: they must work from any mail client."""

from django.conf import settings
from django.urls import reverse

from mailing.models import Subscriber
from mailing.tokens import make_token


def absolute(path: str) -> str:
    return settings.ROTATIVE_BASE_URL.rstrip("/") + path


def confirm_url(subscriber: Subscriber) -> str:
    return absolute(reverse("mailing_confirm", args=[make_token(subscriber, "confirm")]))


def preferences_url(subscriber: Subscriber) -> str:
    return absolute(reverse("mailing_preferences", args=[make_token(subscriber, "preferences")]))


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute(reverse("mailing_unsubscribe", args=[make_token(subscriber, "unsubscribe")]))
