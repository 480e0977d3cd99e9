"""Keyword alerts now read words as the readers' search does (Snowball stems, issue #13):
"pétrole" is filed under "term:petrol", no longer "term:petrole". Every keyword
subscription of an active reader is filed again under its new keys, or its alerts would
stop until the reader next changed their preferences.

Uses today's `subscription_keys` on purpose: the keys must be the ones matching computes now.
Reversing leaves the new keys (the old reading no longer exists to compute the old ones).
"""

from django.db import migrations

from mailing.matching.index import subscription_keys

BATCH = 2000


def rekey_keyword_alerts(apps, schema_editor):
    subscription_model = apps.get_model("mailing", "Subscription")
    key_model = apps.get_model("mailing", "SubscriptionKey")
    keyword_alerts = subscription_model.objects.filter(
        kind="keywords", subscriber__status="active"
    ).only("pk", "value", "subscriber_id", "frequency")
    key_model.objects.filter(subscription__kind="keywords").delete()
    rows = []
    for subscription in keyword_alerts.iterator(chunk_size=BATCH):
        rows.extend(
            key_model(
                key=key,
                subscription_id=subscription.pk,
                subscriber_id=subscription.subscriber_id,
                frequency=subscription.frequency,
            )
            for key in dict.fromkeys(subscription_keys(subscription))
        )
        if len(rows) >= BATCH:
            key_model.objects.bulk_create(rows)
            rows = []
    key_model.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("mailing", "0003_signupattempt_pending_request")]

    operations = [migrations.RunPython(rekey_keyword_alerts, migrations.RunPython.noop)]
