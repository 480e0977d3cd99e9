"""`manage.py rebuild_key_readers`: pack the whole alert index again from its rows.

Database triggers note every change to the index rows, so the packed arrays follow them on
their own. A TRUNCATE, or a restore that skips triggers, fires none: this command is what to
run after one (it is also safe to run at any time; it waits for a fold under way)."""

from django.core.management.base import BaseCommand

from mailing import matching


class Command(BaseCommand):
    help = (
        "Rebuild the packed alert index (each key's readers) from the subscription keys: "
        "after a TRUNCATE or a restore without triggers."
    )

    def handle(self, *args, verbosity=1, **options):
        groups = matching.rebuild_key_readers()
        if verbosity:
            self.stdout.write(f"packed index rebuilt: {groups} key groups")
