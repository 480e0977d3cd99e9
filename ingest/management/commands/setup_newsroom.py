"""First-run set-up for `make run`: an admin account, the site tree and the demo content.

Safe to run on every start: it creates what is missing and never touches existing content.
The one thing it keeps in step on every run is the Wagtail Site's address, given from
ROTATIVE_BASE_URL (issue #14): canonical URLs, sitemaps and JSON-LD are built on it.
"""

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ingest.demo import load_demo_content
from newsroom.exceptions import DomainError
from newsroom.site_address import serve_site_at, site_address

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the admin account and demo content if they do not exist yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Create the admin account only.")

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = settings.ROTATIVE_BASE_URL
        try:
            site_address(base_url)  # refused before anything is written
        except DomainError as error:
            raise CommandError(error.message) from error
        self.ensure_admin()
        # The curated gazetteer first, so demo articles are enriched against it.
        call_command("load_gazetteer", stdout=self.stdout)
        if not options["no_demo"]:
            report = load_demo_content()
            self.stdout.write(str(report))
        try:
            site, changed = serve_site_at(base_url)
        except DomainError as error:
            raise CommandError(error.message) from error
        if site is not None:
            state = "now served at" if changed else "served at"
            self.stdout.write(f"Site: {state} {site.root_url}/ (ROTATIVE_BASE_URL)")

    @transaction.atomic
    def ensure_admin(self) -> None:
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "Admin: log in at /admin/ with your existing account "
                f"(created on first run as '{ADMIN_USERNAME}')."
            )
            return
        password = os.environ.get("ROTATIVE_ADMIN_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        User.objects.create_superuser(ADMIN_USERNAME, email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"Admin account created: user '{ADMIN_USERNAME}'"))
        if generated:
            self.stdout.write(
                f"Password (shown once; set ROTATIVE_ADMIN_PASSWORD to choose it): {password}"
            )
        else:
            self.stdout.write("Password: the value of ROTATIVE_ADMIN_PASSWORD.")
