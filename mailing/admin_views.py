"""Admin pages for the newsletters: the sending dashboard, a subscriber's file, the Inbox.

The dashboard and the Inbox are for people who may see subscribers (mailing.view_subscriber):
the Inbox holds whole emails, with each reader's personal unsubscribe and preference links.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.admin.views.generic import InspectView

from mailing import outbox
from mailing.models import (
    ConsentRecord,
    Delivery,
    Frequency,
    Subscriber,
    Subscription,
    Suppression,
)

VIEW_PERMISSION = "mailing.view_subscriber"
RECENT_FAILURES = 20
TOP_FOLLOWED = 10
# A delivery claimed longer ago than this and still "sending" has probably lost its worker.
STALE_CLAIM = timedelta(minutes=15)


def user_may_see_mailing(user) -> bool:
    return user.is_active and user.has_perm(VIEW_PERMISSION)


def mailing_access_required(view):
    """Refuse (403) admin users who may not see subscribers; login is Wagtail's concern."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_may_see_mailing(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# The sending dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryTable:
    """Deliveries created in a window, counted by kind (rows) and status (columns)."""

    label: str
    statuses: list
    rows: list  # [(kind label, [count per status], row total)]
    totals: list
    total: int


def delivery_table(label, since: datetime) -> DeliveryTable:
    counts = {
        (row["kind"], row["status"]): row["n"]
        for row in Delivery.objects.filter(created_at__gte=since)
        .values("kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    }
    statuses = list(Delivery.Status)
    rows = []
    for kind in Delivery.Kind:
        cells = [counts.get((kind.value, status.value), 0) for status in statuses]
        rows.append((kind.label, cells, sum(cells)))
    totals = [sum(row[1][index] for row in rows) for index in range(len(statuses))]
    return DeliveryTable(label, [s.label for s in statuses], rows, totals, sum(totals))


def progress_today(now: datetime) -> dict:
    """Today's deliveries (since midnight, newsroom time): sent / (sent + queued + sending)."""
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    counts = Delivery.objects.filter(created_at__gte=midnight).aggregate(
        sent=Count("id", filter=Q(status=Delivery.Status.SENT)),
        queued=Count("id", filter=Q(status=Delivery.Status.QUEUED)),
        sending=Count("id", filter=Q(status=Delivery.Status.SENDING)),
    )
    owed = counts["sent"] + counts["queued"] + counts["sending"]
    percent = round(100 * counts["sent"] / owed) if owed else None
    return {**counts, "owed": owed, "percent": percent, "since": midnight}


# The sending rate the dashboard shows is measured over this much recent time.
RATE_WINDOW = timedelta(minutes=5)


def sending_rate(now: datetime, left: int) -> dict:
    """Messages sent per minute over `RATE_WINDOW`, and when the `left` ones should be out
    at that pace (None when nothing is going out)."""
    recent = Delivery.objects.filter(
        status=Delivery.Status.SENT, sent_at__gt=now - RATE_WINDOW, sent_at__lte=now
    ).count()
    per_minute = recent / (RATE_WINDOW.total_seconds() / 60)
    finish = now + timedelta(minutes=left / per_minute) if per_minute and left else None
    return {"per_minute": round(per_minute), "left": left, "finish": finish}


def backlog(now: datetime) -> dict:
    queued = Delivery.objects.filter(status=Delivery.Status.QUEUED)
    sending = Delivery.objects.filter(status=Delivery.Status.SENDING)
    return {
        "queued": queued.count(),
        "due": queued.filter(not_before__lte=now).count(),
        "sending": sending.count(),
        "stale": sending.filter(claimed_at__lt=now - STALE_CLAIM).count(),
        "oldest": queued.order_by("created_at", "pk").select_related("subscriber").first(),
    }


def recent_failures():
    """Failed deliveries and queued ones whose last attempt failed, newest first."""
    retrying = Q(status=Delivery.Status.QUEUED) & ~Q(last_error="")
    return (
        Delivery.objects.filter(Q(status=Delivery.Status.FAILED) | retrying)
        .select_related("subscriber")
        .order_by("-created_at", "-pk")[:RECENT_FAILURES]
    )


def audience() -> dict:
    """Active readers: per newsletter and alert frequency, and what they follow most."""
    active = Subscription.objects.filter(subscriber__status=Subscriber.Status.ACTIVE)
    by_kind = {
        (row["kind"], row["frequency"]): row["n"]
        for row in active.values("kind", "frequency")
        .annotate(n=Count("subscriber", distinct=True))
        .order_by()
    }
    by_frequency = {
        row["frequency"]: row["n"]
        for row in active.values("frequency")
        .annotate(n=Count("subscriber", distinct=True))
        .order_by()
    }
    frequencies = list(Frequency)
    kinds = [
        (kind.label, [by_kind.get((kind.value, f.value), 0) for f in frequencies])
        for kind in Subscription.Kind
    ]
    top = []
    for kind in (
        Subscription.Kind.TOPIC,
        Subscription.Kind.ENTITY,
        Subscription.Kind.COUNTRY,
        Subscription.Kind.SECTION,
        Subscription.Kind.KEYWORDS,
    ):
        rows = (
            active.filter(kind=kind)
            .values("value")
            .annotate(n=Count("subscriber", distinct=True), label=Max("label"))
            .order_by("-n", "value")[:TOP_FOLLOWED]
        )
        followed = [(_followed_label(kind, row), row["n"]) for row in rows]
        if followed:
            top.append((kind.label, followed))
    return {
        "newsletter": {
            f.value: by_kind.get((Subscription.Kind.NEWSLETTER, f.value), 0) for f in frequencies
        },
        "by_frequency": {f.value: by_frequency.get(f.value, 0) for f in frequencies},
        "frequencies": [f.label for f in frequencies],
        "kinds": kinds,
        "top": top,
    }


def _followed_label(kind, row) -> str:
    if row["label"]:
        return row["label"]
    if kind == Subscription.Kind.COUNTRY:
        return countries.name(row["value"]) or row["value"]
    return row["value"]


@mailing_access_required
def dashboard(request):
    now = timezone.now()
    subscribers = {
        row["status"]: row["n"]
        for row in Subscriber.objects.values("status").annotate(n=Count("id")).order_by()
    }
    suppressions = {
        row["reason"]: row["n"]
        for row in Suppression.objects.values("reason").annotate(n=Count("id")).order_by()
    }
    return TemplateResponse(
        request,
        "mailing/admin/dashboard.html",
        {
            "now": now,
            "tables": [
                delivery_table(_("Last 24 hours"), now - timedelta(hours=24)),
                delivery_table(_("Last 7 days"), now - timedelta(days=7)),
            ],
            "backlog": (queue := backlog(now)),
            "progress": progress_today(now),
            "rate": sending_rate(now, queue["queued"] + queue["sending"]),
            "failures": recent_failures(),
            "audience": audience(),
            "subscribers": [
                (status.value, status.label, subscribers.get(status.value, 0))
                for status in Subscriber.Status
            ],
            "suppressions": [
                (reason.value, reason.label, suppressions.get(reason.value, 0))
                for reason in Suppression.Reason
            ],
        },
    )


# A subscriber's file: their subscriptions and consent history -----------------------------


class SubscriberInspectView(InspectView):
    """The subscriber's inspect page, followed by what the reader follows and agreed to."""

    template_name = "mailing/admin/subscriber_inspect.html"

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "—" if value is None else value

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        subscriber = self.object
        context["subscriptions"] = subscriber.subscriptions.order_by("kind", "label", "value")
        context["consents"] = [
            (record, json.dumps(record.terms, ensure_ascii=False, indent=2, sort_keys=True))
            for record in ConsentRecord.objects.filter(subscriber=subscriber).order_by(
                "-created_at", "-pk"
            )
        ]
        context["deliveries"] = subscriber.deliveries.order_by("-created_at", "-pk")[:20]
        context["suppression"] = Suppression.objects.filter(email__iexact=subscriber.email).first()
        return context


# The Inbox: what the local SMTP sink received ----------------------------------------------


@mailing_access_required
def inbox(request):
    stored, total = outbox.list_stored_messages(settings.MAILING_OUTBOX_DIR)
    return TemplateResponse(
        request,
        "mailing/admin/inbox.html",
        {"stored_messages": stored, "total": total, "directory": settings.MAILING_OUTBOX_DIR},
    )


@mailing_access_required
def inbox_message(request, name):
    message = outbox.read_stored_message(settings.MAILING_OUTBOX_DIR, name)
    if message is None:
        raise Http404
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    return TemplateResponse(
        request,
        "mailing/admin/inbox_message.html",
        {
            "name": name,
            "subject": str(message["Subject"] or ""),
            "headers": [(key, str(value)) for key, value in message.items()],
            "text": _part_text(text_part),
            # Shown in a sandboxed iframe (srcdoc, escaped by the template) and as source:
            # an email's HTML never runs inside the admin page.
            "html": _part_text(html_part),
            "attachments": [
                (part.get_filename() or "", part.get_content_type())
                for part in message.iter_attachments()
            ],
        },
    )


@mailing_access_required
def inbox_raw(request, name):
    if not outbox.is_outbox_name(name):
        raise Http404
    path = Path(settings.MAILING_OUTBOX_DIR) / name
    if not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type="message/rfc822"
    )


def _part_text(part) -> str | None:
    if part is None:
        return None
    try:
        return part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace")
