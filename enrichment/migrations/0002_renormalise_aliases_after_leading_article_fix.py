"""Recompute every alias's normalised form: the leading-article rule used to eat the start of
"Lebanon" ("banon"), "Laos" and "Theresa May", so unrelated names could collide."""

from django.db import migrations


def renormalise(apps, schema_editor):
    from enrichment.gazetteer import normalise_name

    EntityAlias = apps.get_model("enrichment", "EntityAlias")
    changed = []
    for alias in EntityAlias.objects.all().iterator():
        normalised = normalise_name(alias.name)
        if normalised != alias.normalised:
            alias.normalised = normalised
            changed.append(alias)
    EntityAlias.objects.bulk_update(changed, ["normalised"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("enrichment", "0001_initial")]

    operations = [migrations.RunPython(renormalise, migrations.RunPython.noop)]
