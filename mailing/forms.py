"""Reader forms of the mailing app: they turn posted fields into `services` values.

The rules (what an address may be, what may be followed) live in `mailing.services`; the
forms only offer what exists and report the services' refusals beside the right field.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from enrichment.merges import kept_record
from enrichment.models import Entity
from mailing import services
from mailing.models import Frequency, Subscription
from newsroom.models import ArticlePage, SectionPage, Topic

# Bots fill every field they find; people never see this one (hidden, out of the tab order,
# out of the accessibility tree). Named like a field bots expect, unlike any autofill field.
HONEYPOT_FIELD = "website"
# Where a sign-up came from, as recorded in the ConsentRecord.
SIGNUP_FORMS = ("newsletter_page", "signup_box")

NEWSLETTER_CHOICES = [
    ("", _("No newsletter")),
    (Frequency.DAILY, _("Daily: the day's articles")),
    (Frequency.WEEKLY, _("Weekly: the week's articles")),
]
NEWSLETTER_FREQUENCIES = NEWSLETTER_CHOICES[1:]
ALERT_FREQUENCIES = [
    (Frequency.INSTANT, _("As soon as an article is published")),
    (Frequency.DAILY, _("In a daily digest")),
    (Frequency.WEEKLY, _("In a weekly digest")),
]
Kind = Subscription.Kind


def countries_with_articles() -> list[str]:
    """ISO codes of the countries published articles are about: a short list worth showing."""
    codes: set[str] = set()
    values = ArticlePage.objects.live().public().exclude(countries="")
    for value in values.values_list("countries", flat=True).distinct():
        if isinstance(value, str):
            codes.update(code.strip() for code in value.split(",") if code.strip())
        else:
            codes.update(getattr(country, "code", str(country)) for country in value)
    return sorted(codes)


def _ids(values) -> list[int]:
    return [int(value) for value in values if str(value).strip().isdigit()]


def initial_from_query(query) -> dict:
    """What a "Suivre …" link pre-selects: ?entity=12, ?topic=3, ?section=5, ?country=DZ.

    A merged entity's link selects the record it was merged into.
    """
    initial = {}
    entities = []
    for entity in Entity.objects.filter(pk__in=_ids(query.getlist("entity"))[:5]):
        entities.append(kept_record(entity).pk)
    if entities:
        initial["entities"] = entities
    if topics := _ids(query.getlist("topic"))[:5]:
        initial["topics"] = topics
    if sections := _ids(query.getlist("section"))[:5]:
        initial["sections"] = sections
    codes = [code.upper() for code in query.getlist("country")[:5]]
    if codes := [code for code in codes if code in countries]:
        initial["countries"] = codes
    return initial


class InterestsForm(forms.Form):
    """What a reader can follow: the newsletter, sections, topics, countries, entities and
    keywords, with one frequency for the alerts."""

    newsletter = forms.ChoiceField(
        label=_("The newsletter"),
        choices=NEWSLETTER_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    sections = forms.ModelMultipleChoiceField(
        label=_("Sections"),
        queryset=SectionPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    entities = forms.ModelMultipleChoiceField(
        label=_("People, organisations and places"),
        queryset=Entity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=services.MAX_KEYWORDS_LENGTH,
        help_text=_(
            'Words to look for in new articles. "Quotes" for an exact phrase, OR between '
            'alternatives, a minus sign to exclude a word: gaz "prix plafond" OR pétrole '
            "-football"
        ),
    )
    frequency = forms.ChoiceField(
        label=_("How often for alerts"),
        choices=ALERT_FREQUENCIES,
        required=False,
        initial=Frequency.DAILY,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, followed=frozenset(), **kwargs):
        """`followed`: (kind, value) pairs already followed, left out of the offer."""
        super().__init__(*args, **kwargs)
        if (Kind.NEWSLETTER, "") in followed:
            del self.fields["newsletter"]

        def skip(kind):
            return [value for followed_kind, value in followed if followed_kind == kind]

        self.fields["sections"].queryset = (
            SectionPage.objects.live().public().exclude(pk__in=_ids(skip(Kind.SECTION)))
        ).order_by("path")
        wanted_topics = _ids(self._asked("topics"))
        self.fields["topics"].queryset = (
            Topic.objects.filter(Q(articlepage__live=True) | Q(pk__in=wanted_topics))
            .exclude(pk__in=_ids(skip(Kind.TOPIC)))
            .distinct()
            .order_by("name")
        )
        codes = set(countries_with_articles())
        codes.update(code.upper() for code in self._asked("countries") if code.upper() in countries)
        codes.difference_update(skip(Kind.COUNTRY))
        self.fields["countries"].choices = sorted(
            ((code, countries.name(code)) for code in codes), key=lambda item: str(item[1])
        )
        # Entities are offered one at a time, by the "Suivre" links of entity pages.
        self.fields["entities"].queryset = (
            Entity.objects.filter(pk__in=_ids(self._asked("entities")))
            .exclude(pk__in=_ids(skip(Kind.ENTITY)))
            .order_by("name")
        )

    def _asked(self, name) -> list[str]:
        """The values posted for a field, or given as initial values on a GET."""
        if self.is_bound:
            data = self.data
            key = self.add_prefix(name)
            return data.getlist(key) if hasattr(data, "getlist") else list(data.get(key, []))
        value = self.initial.get(name) or []
        return [str(getattr(item, "pk", item)) for item in value]

    def followable_fields(self):
        """The checkbox lists that have something to offer, entities first (a "Suivre" link)."""
        names = ("entities", "sections", "topics", "countries")
        return [self[name] for name in names if self[name].subwidgets]

    def choices(self) -> list[services.Choice]:
        """The cleaned selection as service choices (alert frequency applied by the service)."""
        data = getattr(self, "cleaned_data", {})
        chosen = []
        if data.get("newsletter"):
            chosen.append(services.Choice(Kind.NEWSLETTER, "", data["newsletter"]))
        chosen += [services.Choice(Kind.SECTION, str(page.pk)) for page in data.get("sections", [])]
        chosen += [services.Choice(Kind.TOPIC, str(topic.pk)) for topic in data.get("topics", [])]
        chosen += [services.Choice(Kind.COUNTRY, code) for code in data.get("countries", [])]
        chosen += [services.Choice(Kind.ENTITY, str(e.pk)) for e in data.get("entities", [])]
        if data.get("keywords", "").strip():
            chosen.append(services.Choice(Kind.KEYWORDS, data["keywords"]))
        return chosen

    def alert_frequency(self) -> str:
        return getattr(self, "cleaned_data", {}).get("frequency") or Frequency.DAILY


class SubscribeForm(InterestsForm):
    """The sign-up: the newsletter page's full form, or the article box (address only)."""

    email = forms.CharField(
        label=_("Your email address"),
        strip=True,
        error_messages={"required": _("Enter your email address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    form = forms.ChoiceField(
        choices=[(name, name) for name in SIGNUP_FORMS], required=False, widget=forms.HiddenInput
    )
    page = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)

    field_order = ["email"]

    def clean_email(self):
        try:
            return services.normalise_address(self.cleaned_data["email"])
        except services.InvalidAddress as error:
            raise forms.ValidationError(error.message, code=error.code) from error

    def clean_page(self):
        page = self.cleaned_data.get("page", "")
        # Only a path on this site: the record says which page showed the form.
        return page if page.startswith("/") and not page.startswith("//") else ""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.choices():
            raise forms.ValidationError(
                _("Choose at least one newsletter or alert."), code="nothing_chosen"
            )
        return cleaned

    @property
    def honeypot(self) -> str:
        return str(self.data.get(HONEYPOT_FIELD, ""))


class PreferencesForm(InterestsForm):
    """The preference centre: each current subscription (frequency, stop), more to follow.

    Per-subscription fields are `often_<id>` and `stop_<id>`, ids Django derives from the
    names, which cannot collide with the alert-frequency radios (`id_frequency_<n>`).
    """

    digest_hour = forms.TypedChoiceField(
        label=_("Digests arrive around"),
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
    )

    def __init__(self, *args, subscriber, **kwargs):
        self.subscriptions = list(subscriber.subscriptions.order_by("kind", "label", "pk"))
        followed = frozenset((s.kind, s.value) for s in self.subscriptions)
        kwargs.setdefault("initial", {}).setdefault("digest_hour", subscriber.digest_hour)
        super().__init__(*args, followed=followed, **kwargs)
        for subscription in self.subscriptions:
            is_newsletter = subscription.kind == Kind.NEWSLETTER
            self.fields[f"often_{subscription.pk}"] = forms.ChoiceField(
                label=_("How often"),
                choices=NEWSLETTER_FREQUENCIES if is_newsletter else ALERT_FREQUENCIES,
                initial=subscription.frequency,
                required=False,
            )
            self.fields[f"stop_{subscription.pk}"] = forms.BooleanField(
                label=_("Stop following"), required=False
            )

    def rows(self):
        """(subscription, frequency field, stop field) for each current subscription."""
        for subscription in self.subscriptions:
            yield (
                subscription,
                self[f"often_{subscription.pk}"],
                self[f"stop_{subscription.pk}"],
            )

    def removals(self) -> list[int]:
        return [s.pk for s in self.subscriptions if self.cleaned_data.get(f"stop_{s.pk}")]

    def frequencies(self) -> dict[int, str]:
        return {
            s.pk: self.cleaned_data[f"often_{s.pk}"]
            for s in self.subscriptions
            if self.cleaned_data.get(f"often_{s.pk}")
        }


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, erase my address and all my data"),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
