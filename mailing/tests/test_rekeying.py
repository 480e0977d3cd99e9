"""Keyword alerts filed under the old reading's keys are filed again when the new one lands
(migration 0004), so no reader's alert goes quiet after the upgrade."""

import importlib

import pytest
from django.apps import apps

from mailing.models import Frequency, Subscriber, Subscription, SubscriptionKey

pytestmark = pytest.mark.django_db

rekeying = importlib.import_module("mailing.migrations.0004_rekey_keyword_alerts")


def reader(email, status):
    return Subscriber.objects.create(email=email, status=status)


def test_keyword_alerts_of_active_readers_are_filed_under_the_new_keys():
    active = reader("active@example.org", Subscriber.Status.ACTIVE)
    paused = reader("paused@example.org", Subscriber.Status.PAUSED)
    alert = Subscription.objects.create(
        subscriber=active, kind="keywords", value="pétrole", frequency=Frequency.DAILY
    )
    section = Subscription.objects.create(
        subscriber=active, kind="section", value="12", frequency=Frequency.DAILY
    )
    Subscription.objects.create(
        subscriber=paused, kind="keywords", value="gaz", frequency=Frequency.DAILY
    )
    # As the old reading filed them: accents folded, no stem.
    SubscriptionKey.objects.create(
        key="term:petrole", subscription=alert, subscriber=active, frequency=Frequency.DAILY
    )
    SubscriptionKey.objects.create(
        key="section:12", subscription=section, subscriber=active, frequency=Frequency.DAILY
    )

    rekeying.rekey_keyword_alerts(apps, None)

    assert set(SubscriptionKey.objects.values_list("key", "subscription", "frequency")) == {
        ("term:petrol", alert.pk, Frequency.DAILY),
        ("section:12", section.pk, Frequency.DAILY),
    }
