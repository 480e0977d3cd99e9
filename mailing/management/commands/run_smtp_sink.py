"""`manage.py run_smtp_sink`: the local SMTP server that keeps every message as an .eml file."""

import logging
import signal
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mailing.outbox import start_outbox_sink


class Command(BaseCommand):
    help = (
        "Run an SMTP server on loopback that stores each message it receives as an .eml file "
        "(read them in the admin: Newsletters > Inbox). Runs until interrupted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=1025)
        parser.add_argument(
            "--dir",
            dest="directory",
            default=None,
            help="Folder for the .eml files (default: settings.MAILING_OUTBOX_DIR).",
        )

    def handle(self, *args, host, port, directory, verbosity, **options):
        if verbosity < 2:
            # aiosmtpd logs every SMTP command at INFO; -v 2 shows them.
            logging.getLogger("mail.log").setLevel(logging.WARNING)
        directory = Path(directory or settings.MAILING_OUTBOX_DIR).resolve()
        try:
            controller = start_outbox_sink(directory, host=host, port=port)
        except OSError as error:
            # A sink that cannot listen must stop whoever started it (`make run`), loudly:
            # the site would otherwise send its mail to whatever holds the port.
            raise CommandError(
                f"Cannot listen on {host}:{port}: {error}. Another program holds this port: "
                "stop it, or pick another port with --port (with make run: SMTP_PORT=...)."
            ) from error
        self.stdout.write(f"SMTP sink on {host}:{controller.port}, storing messages in {directory}")
        self.stdout.flush()
        try:
            self.wait_for_stop(controller)
        finally:
            controller.stop()
            self.stdout.write("SMTP sink stopped")

    def wait_for_stop(self, controller):
        """Block until Ctrl-C or SIGTERM (what `make run` sends its helpers on exit)."""
        stop = threading.Event()
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in handled}
        try:
            while not stop.wait(timeout=1):
                continue
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
