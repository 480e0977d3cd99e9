"""Admin sign-in throttling (issue #12, item 6): django-axes, per account and per address.

Ten wrong passwords then the right one used to sign in to /admin/login/. Now 5 failures for
one account from one address, or 20 from one address across accounts, refuse sign-in there
for 15 minutes, with Wagtail's form saying so (429); the address is the one the sign-up
limits use, X-Forwarded-For being believed only from MAILING_TRUSTED_PROXIES.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from newsroom.sign_in import lockout_message

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-de-la-redaction"
LOGIN = "/admin/login/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("leila", password=PASSWORD)


def sign_in(client, username, password, **headers):
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def fail(client, username, times, **headers):
    for _ in range(times):
        response = sign_in(client, username, "mauvais-mot-de-passe", **headers)
        assert response.status_code in {200, 429}


def is_signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_the_right_password_signs_in_after_a_few_typos_and_clears_them(client, editor):
    fail(client, "leila", settings.AXES_FAILURE_LIMIT - 1)

    assert is_signed_in(sign_in(client, "leila", PASSWORD))
    assert not AccessAttempt.objects.filter(username="leila").exists()


def test_ten_wrong_passwords_then_the_right_one_is_refused(client, editor):
    fail(client, "leila", 10)

    response = sign_in(client, "leila", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_wagtails_sign_in_form_saying_why_in_french(client, editor):
    fail(client, "leila", settings.AXES_FAILURE_LIMIT)

    response = sign_in(client, "leila", PASSWORD)

    with translation.override("fr"):
        expected = lockout_message(None)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "no-cache" in response["Cache-Control"]
    assert response.templates[0].name == "wagtailadmin/login.html"
    assert response.context["form"].non_field_errors() == [expected]
    html = response.content.decode()
    assert escape(expected) in html
    assert 'value="leila"' in html  # the username typed is kept
    assert "15 minutes" in expected


def test_the_django_admin_sign_in_is_throttled_too(client, editor):
    fail(client, "leila", settings.AXES_FAILURE_LIMIT)

    response = client.post(
        "/django-admin/login/", {"username": "leila", "password": PASSWORD, "next": "/"}
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_attacker_elsewhere_cannot_lock_an_editor_out(editor):
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    fail(attacker, "leila", 10)

    newsroom = Client(REMOTE_ADDR="192.0.2.10")

    assert is_signed_in(sign_in(newsroom, "leila", PASSWORD))
    assert sign_in(attacker, "leila", PASSWORD).status_code == 429


def test_a_password_spray_across_accounts_from_one_address_is_stopped(editor, django_user_model):
    sprayer = Client(REMOTE_ADDR="198.51.100.7")
    limit = settings.ROTATIVE_SIGN_IN_FAILURES_PER_ADDRESS
    for number in range(limit):  # one guess per account, under the per-account limit
        fail(sprayer, f"journaliste{number}", 1)

    assert sign_in(sprayer, "leila", PASSWORD).status_code == 429
    assert is_signed_in(sign_in(Client(REMOTE_ADDR="192.0.2.10"), "leila", PASSWORD))


def test_signing_in_with_ones_own_account_does_not_clear_a_spray(editor, django_user_model):
    django_user_model.objects.create_superuser("complice", password=PASSWORD)
    sprayer = Client(REMOTE_ADDR="198.51.100.7")
    limit = settings.ROTATIVE_SIGN_IN_FAILURES_PER_ADDRESS
    for number in range(limit - 1):
        fail(sprayer, f"journaliste{number}", 1)

    assert is_signed_in(sign_in(sprayer, "complice", PASSWORD))
    sprayer.logout()
    fail(sprayer, "journaliste-suivant", 1)

    assert sign_in(sprayer, "leila", PASSWORD).status_code == 429


@pytest.fixture
def behind_our_proxy(settings):
    settings.MAILING_TRUSTED_PROXIES = ["127.0.0.1/32"]
    return Client(REMOTE_ADDR="127.0.0.1")


def test_behind_a_trusted_proxy_two_readers_are_counted_apart(behind_our_proxy, editor):
    proxy = behind_our_proxy
    fail(proxy, "leila", 10, HTTP_X_FORWARDED_FOR="198.51.100.7")

    refused = sign_in(proxy, "leila", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    other = sign_in(proxy, "leila", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.10")

    assert refused.status_code == 429
    assert is_signed_in(other)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_a_forged_x_forwarded_for_from_an_untrusted_peer_is_ignored(behind_our_proxy, editor):
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for number in range(10):
        response = sign_in(attacker, "leila", "mauvais", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
        assert response.status_code in {200, 429}

    refused = sign_in(attacker, "leila", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.200")

    assert refused.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_the_lockout_ends_after_the_cool_off(client, editor):
    with time_machine.travel(datetime(2025, 3, 10, 9, 0, tzinfo=UTC), tick=False) as clock:
        fail(client, "leila", settings.AXES_FAILURE_LIMIT)
        assert sign_in(client, "leila", PASSWORD).status_code == 429

        clock.shift(settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
        assert sign_in(client, "leila", PASSWORD).status_code == 429

        # Each refused try restarts the cool-off: wait it out from the last one.
        clock.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
        assert is_signed_in(sign_in(client, "leila", PASSWORD))
