"""Near duplicates are found through stored LSH band keys, no longer by rebuilding an index
over the whole window for each item (issue #15). Every item that can be merged into gets
its band keys here, or copies of what was ingested before the upgrade would go unmerged.

Uses today's `band_keys` on purpose: the keys must be the ones ingest looks up now.
Reversing drops the table; nothing else changed.
"""

import django.db.models.deletion
from django.db import migrations, models

from ingest.dedup import band_keys

BATCH = 2000


def file_existing_bands(apps, schema_editor):
    item_model = apps.get_model("ingest", "IngestedItem")
    band_model = apps.get_model("ingest", "NearDuplicateBand")
    items = item_model.objects.filter(is_near_duplicate=False).only("pk", "minhash")
    rows = []
    for item in items.iterator(chunk_size=BATCH):
        rows.extend(
            band_model(item_id=item.pk, band=band, key=key) for band, key in band_keys(item.minhash)
        )
        if len(rows) >= BATCH:
            band_model.objects.bulk_create(rows)
            rows = []
    band_model.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0003_source_feed_nitf"),
    ]

    operations = [
        migrations.CreateModel(
            name="NearDuplicateBand",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("band", models.PositiveSmallIntegerField()),
                ("key", models.BigIntegerField()),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bands",
                        to="ingest.ingesteditem",
                    ),
                ),
            ],
            options={
                "verbose_name": "near-duplicate band",
                "verbose_name_plural": "near-duplicate bands",
                "indexes": [models.Index(fields=["band", "key"], name="ingest_band_key")],
                "constraints": [
                    models.UniqueConstraint(fields=("item", "band"), name="ingest_one_key_per_band")
                ],
            },
        ),
        migrations.RunPython(file_existing_bands, migrations.RunPython.noop),
    ]
