"""The index lists only readers who receive mail (#15): matching no longer reads, for every
article, the 20,000 readers who may not and takes them out. Rows left behind by a status
written around the services, or by an address suppressed before this change, are deleted
here; the two indexes that served that read go."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Q


def forget_readers_who_may_not_receive_mail(apps, schema_editor):
    Suppression = apps.get_model("mailing", "Suppression")
    SubscriptionKey = apps.get_model("mailing", "SubscriptionKey")
    suppressed = Suppression.objects.filter(email=OuterRef("subscriber__email"))
    SubscriptionKey.objects.filter(~Q(subscriber__status="active") | Q(Exists(suppressed))).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0007_keyword_queries_index"),
    ]

    operations = [
        migrations.RunPython(forget_readers_who_may_not_receive_mail, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="subscriber", name="mailing_subscriber_unmailable"),
        migrations.RemoveIndex(model_name="subscriber", name="mailing_subscriber_email_id"),
    ]
