"""nginx in front of Django, holding the reader pages: the configuration, made from settings.

Why (issue #15): gunicorn's sync workers answering bytes from memory, with no Django at all,
reach about a quarter of what nginx serves on the same machine (bench/run.py's "ceiling"),
so no cache inside Django can bring a popular page near nginx's speed. nginx keeps each page
Django marked shareable for a few seconds and answers it itself; Django's reader cache stays
the one that knows what a change purges, and a purge reaches readers within those seconds.
The rules (what is kept, for whom, and why no purge call) are written in the template,
``newsroom/templates/newsroom/edge/nginx.conf``, next to the directives they explain.

`manage.py edge_config` prints the file for an operator; bench/run.py and the tests start a
real nginx with the same file.
"""

from __future__ import annotations

import getpass
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from newsroom.exceptions import EdgeConfigInvalid

TEMPLATE = "newsroom/edge/nginx.conf"

_ADDRESS = re.compile(r"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$|^unix:/\S+$")
_LISTEN = re.compile(r"^((\[[0-9a-fA-F:]+\]|[0-9.]+):)?\d{1,5}$")
_SIZE = re.compile(r"^\d+[kmg]?$", re.IGNORECASE)


@dataclass(frozen=True)
class Edge:
    """Where nginx listens, where Django is, and how long a page is kept there."""

    listen: str
    upstream: str
    cache_dir: Path
    seconds: int = 2
    server_name: str = ""
    max_size: str = "1g"
    keys_zone_mb: int = 16
    client_max_body_size: str = "16m"

    def __post_init__(self) -> None:
        if not _LISTEN.match(self.listen):
            raise EdgeConfigInvalid(
                problem=f"listen {self.listen!r}: a port or address:port, e.g. 8080"
            )
        if not _ADDRESS.match(self.upstream):
            raise EdgeConfigInvalid(
                problem=f"upstream {self.upstream!r}: host:port or unix:/path of the Django server"
            )
        if not self.cache_dir.is_absolute() or re.search(r"[\s;{}]", str(self.cache_dir)):
            raise EdgeConfigInvalid(
                problem=f"cache dir {self.cache_dir}: an absolute path, no spaces"
            )
        if not 1 <= self.seconds <= 60:
            raise EdgeConfigInvalid(
                problem=f"{self.seconds} s: between 1 and 60 (it is how late a purge may be seen)"
            )
        if self.server_name and not re.fullmatch(r"[A-Za-z0-9.* -]+", self.server_name):
            raise EdgeConfigInvalid(problem=f"server name {self.server_name!r}: host names only")
        for size in (self.max_size, self.client_max_body_size):
            if not _SIZE.match(size):
                raise EdgeConfigInvalid(problem=f"size {size!r}: a number with k, m or g")


def session_cookie_pattern(name: str) -> str:
    """The session cookie's name as an nginx regular expression (``__Host-sessionid`` in
    production: nginx's ``$cookie_`` variables cannot name a hyphen, so the Cookie header is
    matched instead)."""
    return re.escape(name).replace('"', r"\"")


def nginx_config(edge: Edge) -> str:
    """The http-level nginx configuration for `edge`."""
    return render_to_string(
        TEMPLATE,
        {
            "listen": edge.listen,
            "upstream": edge.upstream,
            "cache_dir": edge.cache_dir,
            "seconds": edge.seconds,
            "server_name": edge.server_name,
            "max_size": edge.max_size,
            "keys_zone_mb": edge.keys_zone_mb,
            "client_max_body_size": edge.client_max_body_size,
            "session_cookie_pattern": session_cookie_pattern(settings.SESSION_COOKIE_NAME),
            "generated_for": f"settings {settings.SETTINGS_MODULE}",
        },
    )


def standalone_config(edge: Edge, prefix: Path) -> str:
    """A whole nginx.conf around `edge`, for running nginx by hand in `prefix` (the tests,
    bench/run.py, a trial run): no daemon, its pid, logs and temporary files in `prefix`.
    In production the distribution's nginx.conf includes `nginx_config` instead."""
    temp = " ".join(
        f"{kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    temp += f" uwsgi_temp_path {prefix / 'uwsgi'}; scgi_temp_path {prefix / 'scgi'};"
    return (
        f"daemon off;\nworker_processes 2;\npid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'};\n"
        # Workers of a root master run as this user, so they can write the cache it made.
        f"user {getpass.getuser()};\n"
        "events { worker_connections 512; }\n"
        f"http {{\n access_log off;\n {temp}\n{nginx_config(edge)}\n}}\n"
    )
