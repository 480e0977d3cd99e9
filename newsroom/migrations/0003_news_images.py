"""Pictures become `newsroom.NewsImage` (caption, credit, source URL), issue #14.

Images already in Wagtail's own library are copied with their ids, files and tags, so an
article's lead image and the body's image blocks (which store ids) keep pointing at the same
picture; renditions are made again on first use. Wagtail's rows are left where they were.
"""

import django.db.models.deletion
import modelsearch.index
import taggit.managers
import wagtail.images.models
import wagtail.models.media
from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations, models

COPIED_FIELDS = (
    "id",
    "title",
    "file",
    "description",
    "width",
    "height",
    "created_at",
    "focal_point_x",
    "focal_point_y",
    "focal_point_width",
    "focal_point_height",
    "file_size",
    "file_hash",
    "collection_id",
    "uploaded_by_user_id",
)


def copy_wagtail_images(apps, schema_editor):
    Image = apps.get_model("wagtailimages", "Image")
    NewsImage = apps.get_model("newsroom", "NewsImage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    database = schema_editor.connection.alias
    images = list(Image.objects.using(database).values(*COPIED_FIELDS))
    if not images:
        return
    NewsImage.objects.using(database).bulk_create(
        [NewsImage(**{name: row[name] for name in COPIED_FIELDS}) for row in images]
    )
    for row in images:  # auto_now_add set every row's date to now
        NewsImage.objects.using(database).filter(pk=row["id"]).update(created_at=row["created_at"])
    old_type = ContentType.objects.db_manager(database).get_for_model(Image)
    new_type, _ = ContentType.objects.db_manager(database).get_or_create(
        app_label="newsroom", model="newsimage"
    )
    TaggedItem.objects.using(database).bulk_create(
        [
            TaggedItem(content_type_id=new_type.pk, object_id=item.object_id, tag_id=item.tag_id)
            for item in TaggedItem.objects.using(database).filter(content_type=old_type)
        ]
    )
    # Rows inserted with their ids leave PostgreSQL's sequence behind them.
    with schema_editor.connection.cursor() as cursor:
        for statement in schema_editor.connection.ops.sequence_reset_sql(no_style(), [NewsImage]):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0002_dateline_places_in_written_order"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NewsImage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=255, verbose_name="title")),
                (
                    "file",
                    wagtail.images.models.WagtailImageField(
                        height_field="height",
                        upload_to=wagtail.images.models.get_upload_to,
                        verbose_name="file",
                        width_field="width",
                    ),
                ),
                (
                    "description",
                    models.CharField(
                        blank=True, default="", max_length=255, verbose_name="description"
                    ),
                ),
                ("width", models.IntegerField(editable=False, verbose_name="width")),
                ("height", models.IntegerField(editable=False, verbose_name="height")),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True, db_index=True, verbose_name="created at"
                    ),
                ),
                ("focal_point_x", models.PositiveIntegerField(blank=True, null=True)),
                ("focal_point_y", models.PositiveIntegerField(blank=True, null=True)),
                ("focal_point_width", models.PositiveIntegerField(blank=True, null=True)),
                ("focal_point_height", models.PositiveIntegerField(blank=True, null=True)),
                ("file_size", models.PositiveIntegerField(editable=False, null=True)),
                (
                    "file_hash",
                    models.CharField(blank=True, db_index=True, editable=False, max_length=40),
                ),
                (
                    "caption",
                    models.CharField(
                        blank=True,
                        help_text="Shown under the picture, and read aloud to blind readers (alt text).",
                        max_length=500,
                        verbose_name="caption",
                    ),
                ),
                (
                    "credit",
                    models.CharField(
                        blank=True,
                        help_text="Photographer or agency, e.g. “AFP/J. Doe”.",
                        max_length=200,
                        verbose_name="credit",
                    ),
                ),
                (
                    "source_url",
                    models.URLField(
                        blank=True,
                        editable=False,
                        help_text="Where ingest downloaded the picture from; empty for an upload.",
                        max_length=1000,
                        verbose_name="source URL",
                    ),
                ),
                (
                    "collection",
                    models.ForeignKey(
                        default=wagtail.models.media.get_root_collection_id,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="wagtailcore.collection",
                        verbose_name="collection",
                    ),
                ),
                (
                    "tags",
                    taggit.managers.TaggableManager(
                        blank=True,
                        help_text=None,
                        through="taggit.TaggedItem",
                        to="taggit.Tag",
                        verbose_name="tags",
                    ),
                ),
                (
                    "uploaded_by_user",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by user",
                    ),
                ),
            ],
            options={
                "verbose_name": "picture",
                "verbose_name_plural": "pictures",
                "abstract": False,
            },
            bases=(wagtail.images.models.ImageFileMixin, modelsearch.index.Indexed, models.Model),
        ),
        migrations.RunPython(copy_wagtail_images, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="articlepage",
            name="lead_image",
            field=models.ForeignKey(
                blank=True,
                help_text="Shown above the body, in lists and when the article is shared.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="newsroom.newsimage",
                verbose_name="lead image",
            ),
        ),
        migrations.CreateModel(
            name="NewsImageRendition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("filter_spec", models.CharField(db_index=True, max_length=255)),
                (
                    "file",
                    wagtail.images.models.WagtailImageField(
                        height_field="height",
                        storage=wagtail.images.models.get_rendition_storage,
                        upload_to=wagtail.images.models.get_rendition_upload_to,
                        width_field="width",
                    ),
                ),
                ("width", models.IntegerField(editable=False)),
                ("height", models.IntegerField(editable=False)),
                (
                    "focal_point_key",
                    models.CharField(blank=True, default="", editable=False, max_length=16),
                ),
                (
                    "image",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="renditions",
                        to="newsroom.newsimage",
                    ),
                ),
            ],
            bases=(wagtail.images.models.ImageFileMixin, models.Model),
        ),
        migrations.AddConstraint(
            model_name="newsimage",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_url", ""), _negated=True),
                fields=("source_url",),
                name="newsroom_one_picture_per_source_url",
            ),
        ),
        migrations.AlterUniqueTogether(
            name="newsimagerendition",
            unique_together={("image", "filter_spec", "focal_point_key")},
        ),
    ]
