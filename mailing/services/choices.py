"""What a reader may follow, checked against what exists, and stored as subscriptions.

A choice is checked when it is asked for and again when it is applied (a confirmation days
later): a section unpublished or an entity deleted meanwhile is refused both times.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext
from django_countries import countries

from enrichment.merges import kept_record
from enrichment.models import Entity
from mailing.exceptions import InvalidChoice
from mailing.models import Frequency, Subscriber, Subscription
from newsroom.models import SectionPage, Topic

MAX_KEYWORDS_LENGTH = 200
MAX_CHOICES = 50
NEWSLETTER_FREQUENCIES = (Frequency.DAILY, Frequency.WEEKLY)


@dataclass(frozen=True)
class Choice:
    """One thing a reader asks to follow: a kind, the followed id or text, how often.

    `frequency` None means the request's frequency.
    """

    kind: str
    value: str = ""
    frequency: str | None = None


def _as_id(value: object) -> int:
    try:
        return int(str(value).strip())
    except ValueError as error:
        raise InvalidChoice(gettext("This choice is not available any more.")) from error


def resolve_choice(choice: Choice, default_frequency: str) -> dict:
    """The choice checked against what exists, with its label, as stored in consent terms."""
    frequency = choice.frequency or default_frequency
    if frequency not in Frequency.values:
        raise InvalidChoice(gettext("Choose how often you want to hear from us."))
    kind, value = choice.kind, str(choice.value or "").strip()
    gone = InvalidChoice(gettext("This choice is not available any more."))
    Kind = Subscription.Kind  # noqa: N806
    if kind == Kind.NEWSLETTER:
        if frequency not in NEWSLETTER_FREQUENCIES:
            raise InvalidChoice(gettext("The newsletter comes daily or weekly."))
        value, label = "", gettext("The Mena News newsletter")
    elif kind == Kind.SECTION:
        section = SectionPage.objects.live().public().filter(pk=_as_id(value)).first()
        if section is None:
            raise gone
        value, label = str(section.pk), section.title
    elif kind == Kind.TOPIC:
        topic = Topic.objects.filter(pk=_as_id(value)).first()
        if topic is None:
            raise gone
        value, label = str(topic.pk), topic.name
    elif kind == Kind.COUNTRY:
        value = value.upper()
        if not value or value not in countries:
            raise gone
        label = str(countries.name(value))
    elif kind == Kind.ENTITY:
        entity = Entity.objects.filter(pk=_as_id(value)).first()
        if entity is None:
            raise gone
        # A record merged into another follows the one that stays.
        entity = kept_record(entity)
        value, label = str(entity.pk), entity.name
    elif kind == Kind.KEYWORDS:
        # Stored as typed; mailing.matching parses words, "phrases", OR and -exclusions.
        value = " ".join(value.split())
        if not value:
            raise InvalidChoice(gettext("Type at least one keyword."))
        if len(value) > MAX_KEYWORDS_LENGTH:
            raise InvalidChoice(gettext("Keep your keywords under 200 characters."))
        label = value
    else:
        raise gone
    return {"kind": kind, "value": value, "label": label, "frequency": frequency}


def resolve_choices(choices: Iterable[Choice], frequency: str) -> list[dict]:
    """Choices as stored, deduplicated by (kind, value), the last one winning."""
    choices = list(choices)
    if len(choices) > MAX_CHOICES:
        raise InvalidChoice(gettext("Choose at most 50 subjects at once."))
    resolved = {}
    for choice in choices:
        item = resolve_choice(choice, frequency)
        resolved[(item["kind"], item["value"])] = item
    return list(resolved.values())


def described(subscription: Subscription) -> dict:
    """A subscription in the shape consent terms and the data export record it."""
    return {
        "kind": subscription.kind,
        "value": subscription.value,
        "label": subscription.label,
        "frequency": subscription.frequency,
    }


def current_subscriptions(subscriber: Subscriber) -> list[dict]:
    """Everything the reader follows now, described, in a stable order."""
    return [described(s) for s in subscriber.subscriptions.order_by("kind", "label", "pk")]


def store_subscriptions(subscriber: Subscriber, items: Iterable[dict]) -> list[dict]:
    """Create or update the subscriptions; the ones that changed."""
    changed = []
    for item in items:
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber,
            kind=item["kind"],
            value=item["value"],
            defaults={"label": item["label"], "frequency": item["frequency"]},
        )
        if created:
            changed.append(item)
        elif (subscription.frequency, subscription.label) != (item["frequency"], item["label"]):
            subscription.frequency, subscription.label = item["frequency"], item["label"]
            subscription.save(update_fields=["frequency", "label"])
            changed.append(item)
    return changed


def new_or_changed(subscriber: Subscriber, items: Iterable[dict]) -> list[dict]:
    """The items the reader does not follow yet, or follows at another frequency."""
    have = {(s.kind, s.value): s.frequency for s in subscriber.subscriptions.all()}
    return [i for i in items if have.get((i["kind"], i["value"])) != i["frequency"]]
