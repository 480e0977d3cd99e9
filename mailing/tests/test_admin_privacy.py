"""Readers' addresses stay with the people allowed to see subscribers (issue #12, item 4).

Editors and moderators use the admin every day; none of its pages, choosers, APIs or search
may show them a subscriber's address, a suppressed address or a consent record. The test
walks every URL pattern of the admin (Wagtail's and Django's), fills each parameter with the
ids of real mailing rows, and reads every answer.
"""

import re
from email.message import EmailMessage

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from mailing.models import (
    ConsentRecord,
    Delivery,
    SignupAttempt,
    Subscriber,
    Subscription,
    SubscriptionKey,
    Suppression,
)
from mailing.outbox import OutboxHandler

pytestmark = pytest.mark.django_db

# One id shared by every mailing row, so any id parameter of any route points at one of them.
ROW_ID = 4242
READER = "zq-hidden-reader@privacy.example"
BOUNCED = "zq-hidden-bounce@privacy.example"
ADDED_BY_HAND = "zq-hidden-manual@privacy.example"
# What must never reach someone without the mailing permission: the addresses (their local
# parts alone are enough to recognise them), a consent record's IP and user agent.
SECRETS = ("zq-hidden-reader", "zq-hidden-bounce", "zq-hidden-manual", "192.0.2.241", "ZqAgent")
MAILING_MODELS = [
    "subscriber",
    "suppression",
    "consentrecord",
    "delivery",
    "subscription",
    "subscriptionkey",
    "signupattempt",
    "pendingmatch",
]
ADMIN_PREFIXES = ("admin/", "django-admin/")
# Routes that end the session, and the admin's catch-all (its 404 page).
NOT_WALKED = re.compile(r"logout|\^\.\*/\$$")


def admin_routes():
    """Every (route, pattern) under the admin prefixes, includes flattened."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return [
        route
        for route in walk(get_resolver().url_patterns, "")
        if route.startswith(ADMIN_PREFIXES) and not NOT_WALKED.search(route)
    ]


def parameter_values(name, context):
    """The values worth trying for one route parameter: mailing rows, mailing models."""
    if name in {"app_label", "app_name", "content_type_app_name"}:
        return ["mailing"]
    if name in {"model_name", "content_type_model_name"}:
        return MAILING_MODELS
    if name == "content_type_id":
        return [str(pk) for pk in context["content_types"]]
    if name == "name":
        return [context["outbox_name"]]
    if name in {"action", "action_name"}:
        return ["delete", "lock", "unlock", "publish", "unpublish", "copy"]
    if name == "filter_spec":
        return ["original"]
    if name in {"revision_id_a", "revision_id_b"}:
        return [str(ROW_ID)]
    if name in {"uidb64", "token", "url", "slug", "section_slug", "code"}:
        return ["x"]
    return [str(ROW_ID)]  # pk, object_id, id and every *_id: the shared row id


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def concrete_paths(route, context):
    """All paths a route gives with the parameters filled; regex anchors dropped."""
    names = [a or b for a, b in PARAMETER.findall(route)]
    paths = [route]
    for name in names:
        filled = []
        for path in paths:
            match = PARAMETER.search(path)
            for value in parameter_values(name, context):
                filled.append(path[: match.start()] + value + path[match.end() :])
        paths = filled
    cleaned = []
    for path in paths:
        path = re.sub(r"\^|\$|\\(?=\.)", "", path)
        assert not re.search(r"[()\[\]*?]", path), f"unfilled route: {route}"
        cleaned.append("/" + path)
    return cleaned


@pytest.fixture
def mailing_rows(tmp_path, settings):
    """One row of every mailing model, all with the same id, holding private data."""
    reader = Subscriber.objects.create(pk=ROW_ID, email=READER, status="active")
    Suppression.objects.create(pk=ROW_ID, email=BOUNCED, reason="bounce", detail="550 5.1.1")
    ConsentRecord.objects.create(
        pk=ROW_ID,
        subscriber=reader,
        action="subscribe",
        ip_address="192.0.2.241",
        user_agent="ZqAgent/1.0",
        terms={"email": READER},
    )
    Delivery.objects.create(
        pk=ROW_ID,
        subscriber=reader,
        message_key=f"confirm:{ROW_ID}:1",
        kind="confirmation",
        last_error=f"550 {BOUNCED} unknown",
    )
    subscription = Subscription.objects.create(
        pk=ROW_ID, subscriber=reader, kind="newsletter", frequency="daily"
    )
    SubscriptionKey.objects.create(
        pk=ROW_ID, key="newsletter", subscription=subscription, subscriber=reader, frequency="d"
    )
    SignupAttempt.objects.create(pk=ROW_ID, email=READER, ip_address="192.0.2.241")
    # A whole email in the Inbox, to the reader.
    settings.MAILING_OUTBOX_DIR = tmp_path / "outbox"
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "redaction@mena.example", READER, "Hi"
    message.set_content(f"Bonjour {READER}")
    stored = OutboxHandler(settings.MAILING_OUTBOX_DIR).store(
        "redaction@mena.example", [READER], message.as_bytes()
    )
    return {
        "outbox_name": stored.name,
        "content_types": [
            ContentType.objects.get(app_label="mailing", model=model).pk for model in MAILING_MODELS
        ],
    }


@pytest.fixture
def mailing_manager(django_user_model):
    """Someone the newsroom lets see subscribers and manage suppressions."""
    manager = django_user_model.objects.create_user("diffusion", password="pw")
    manager.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "access_admin",
                "view_subscriber",
                "view_suppression",
                "add_suppression",
                "change_suppression",
            ]
        )
    )
    return manager


def member_of(django_user_model, group_name):
    user = django_user_model.objects.create_user(f"membre-{group_name}", password="pw")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_the_walk_covers_the_mailing_choosers_and_the_generic_routes(mailing_rows):
    paths = {path for route in admin_routes() for path in concrete_paths(route, mailing_rows)}
    assert len(paths) > 300
    assert f"/admin/newsletters/subscribers/inspect/{ROW_ID}/" in paths
    assert f"/admin/newsletters/inbox/{mailing_rows['outbox_name']}/" in paths
    assert "/admin/bulk/mailing/subscriber/delete/" in paths
    assert "/admin/reports/site-history/" in paths


@pytest.mark.parametrize("group_name", ["Editors", "Moderators"])
def test_no_admin_page_shows_a_reader_to_editors_or_moderators(
    django_user_model, mailing_rows, mailing_manager, group_name
):
    # A suppression added by hand leaves an entry in the site history, labelled with it.
    manager = Client()
    manager.force_login(mailing_manager)
    added = manager.post(reverse("mailing_suppressions:add"), {"email": ADDED_BY_HAND})
    assert added.status_code == 302
    user = member_of(django_user_model, group_name)
    client = Client(raise_request_exception=False)
    leaks, answered = [], 0

    for route in admin_routes():
        for path in concrete_paths(route, mailing_rows):
            client.force_login(user)
            query = {"q": "zq-hidden", "id": str(ROW_ID), "p": "1"}
            response = client.get(path, query)
            answered += response.status_code == 200
            body = b"".join(response) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            leaks += [(path, response.status_code, s) for s in SECRETS if s in text]

    assert leaks == [], "\n".join(map(str, leaks))
    assert answered > 50  # the walk did reach pages, not only the login form


@pytest.mark.parametrize(
    "path",
    [
        "/admin/snippets/choose/mailing/subscriber/",
        f"/admin/snippets/choose/mailing/subscriber/chosen/{ROW_ID}/",
        "/admin/snippets/choose/mailing/subscriber/results/",
        "/admin/snippets/choose/mailing/suppression/",
        f"/admin/snippets/choose/mailing/suppression/chosen/{ROW_ID}/",
        "/admin/bulk/mailing/subscriber/delete/",
        "/admin/bulk/mailing/suppression/delete/",
        "/admin/snippets/mailing/subscriber/",
    ],
)
def test_there_is_no_chooser_or_bulk_action_for_readers_or_suppressed_addresses(admin_client, path):
    # No form picks a subscriber or a suppression, so no chooser answers, not even to a
    # superuser: nothing is left to forget a permission check on. Wagtail's snippet bulk
    # actions listed the rows an editor may not delete, by name, on their confirmation page.
    Subscriber.objects.create(pk=ROW_ID, email=READER)
    Suppression.objects.create(pk=ROW_ID, email=BOUNCED, reason="bounce")

    response = admin_client.get(path, {"q": "zq", "id": str(ROW_ID)})

    assert response.status_code == 404
    assert "zq-hidden" not in response.content.decode()


def test_whoever_may_see_subscribers_still_finds_them(mailing_rows, mailing_manager):
    client = Client()
    client.force_login(mailing_manager)

    pages = {
        "list": reverse("mailing_subscribers:index"),
        "search": reverse("mailing_subscribers:index") + "?q=zq-hidden",
        "file": reverse("mailing_subscribers:inspect", args=[ROW_ID]),
        "suppressions": reverse("mailing_suppressions:index"),
        "inbox": reverse("mailing_inbox_message", args=[mailing_rows["outbox_name"]]),
    }
    answers = {name: client.get(url) for name, url in pages.items()}

    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(pages, 200)
    for name in ("list", "search", "file", "inbox"):
        assert READER in answers[name].content.decode(), name
    assert BOUNCED in answers["suppressions"].content.decode()
    added = client.post(reverse("mailing_suppressions:add"), {"email": ADDED_BY_HAND})
    assert added.status_code == 302
    assert Suppression.objects.filter(email=ADDED_BY_HAND, reason="manual").exists()
