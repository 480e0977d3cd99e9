"""Matching decides digest contents when a digest is built (#15): one MatchedArticle row per
article instead of a PendingMatch per reader per article, the time each reader was filed
under a key (existing rows: from now on, their earlier articles already have their rows),
an index that covers the lookup deciding an article's readers, and no separate index on
PendingMatch.subscriber (the unique constraint starts with it)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0004_rekey_keyword_alerts"),
        ("newsroom", "0003_news_images"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchedArticle",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="newsroom.articlepage",
                    ),
                ),
                (
                    "matched_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
            ],
        ),
        migrations.RemoveIndex(
            model_name="subscriptionkey",
            name="mailing_key_lookup",
        ),
        migrations.AddField(
            model_name="subscriptionkey",
            name="since",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="pendingmatch",
            name="subscriber",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="mailing.subscriber",
            ),
        ),
        migrations.AddIndex(
            model_name="subscriptionkey",
            index=models.Index(
                fields=["key", "frequency", "subscriber", "subscription"],
                name="mailing_key_readers",
            ),
        ),
    ]
