"""`manage.py edge_config`: the nginx file that puts nginx in front of Django (`newsroom.edge`).

    manage.py edge_config --listen 80 --upstream 127.0.0.1:8000 --server-name news.example.org \
        --cache-dir /var/cache/rotative --output /etc/nginx/conf.d/rotative.conf

or, to try it by hand (then ``nginx -p /tmp/edge -c /tmp/edge/nginx.conf``):

    manage.py edge_config --standalone /tmp/edge --output /tmp/edge/nginx.conf
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.edge import Edge, nginx_config, standalone_config
from newsroom.exceptions import EdgeConfigInvalid


class Command(BaseCommand):
    help = (
        "Print (or write) the nginx configuration that serves the reader pages in front of Django."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--listen", default="8080", help="nginx's port or address:port")
        parser.add_argument(
            "--upstream", default="127.0.0.1:8000", help="where gunicorn listens (host:port)"
        )
        parser.add_argument(
            "--cache-dir",
            type=Path,
            default=Path(settings.VAR_DIR) / "edge-cache",
            help="nginx's cache folder (absolute; nginx's user must own it)",
        )
        parser.add_argument(
            "--seconds",
            type=int,
            default=settings.READER_EDGE_SECONDS,
            help="how long nginx keeps a page: the most a purge can be late",
        )
        parser.add_argument("--server-name", default="", help="the site's host name(s)")
        parser.add_argument("--output", type=Path, help="write here instead of printing")
        parser.add_argument(
            "--standalone",
            type=Path,
            metavar="PREFIX",
            help="a whole nginx.conf for `nginx -p PREFIX -c FILE` (a trial run, bench/run.py)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            edge = Edge(
                listen=options["listen"],
                upstream=options["upstream"],
                cache_dir=options["cache_dir"].resolve(),
                seconds=options["seconds"],
                server_name=options["server_name"],
            )
        except EdgeConfigInvalid as error:
            raise CommandError(error.message) from error
        prefix = options["standalone"]
        if prefix is not None:
            prefix = prefix.resolve()
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
                (prefix / kind).mkdir(parents=True, exist_ok=True)
        text = nginx_config(edge) if prefix is None else standalone_config(edge, prefix)
        if options["output"] is None:
            self.stdout.write(text, ending="")
            return
        options["output"].write_text(text)
        self.stdout.write(f"Written to {options['output']}")
