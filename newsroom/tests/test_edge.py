"""nginx in front of Django (`newsroom.edge`): what it keeps, for whom, and for how long.

A real nginx (Debian's nginx-light) runs the file `manage.py edge_config` writes, in front of
the live test server; whether an answer came from nginx is read from ``X-Edge-Cache``.
"""

import gzip
import io
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newsroom.edge import Edge
from newsroom.exceptions import EdgeConfigInvalid
from newsroom.tests.factories import ArticlePageFactory

NGINX = shutil.which("nginx") or "nginx"
pytestmark = [
    pytest.mark.skipif(shutil.which("nginx") is None, reason="Debian's nginx-light is missing"),
    pytest.mark.django_db(transaction=True),
]
SECONDS = 1
# nginx counts validity in whole seconds: a copy kept for 1 s may live until the next second.
EXPIRY = SECONDS + 1.5


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nginx:
    """nginx started on a free port in front of `upstream`; `point_at` reloads it elsewhere."""

    def __init__(self, prefix: Path, upstream: str) -> None:
        self.prefix = prefix
        self.port = free_port()
        self.conf = prefix / "nginx.conf"
        self._write(upstream)
        self.process = subprocess.Popen(  # noqa: S603 (our own file, a fixed program)
            [NGINX, "-c", str(self.conf), "-p", str(prefix)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait()

    def _write(self, upstream: str) -> None:
        call_command(
            "edge_config",
            f"--listen=127.0.0.1:{self.port}",
            f"--upstream={upstream}",
            f"--cache-dir={self.prefix / 'cache'}",
            f"--seconds={SECONDS}",
            f"--standalone={self.prefix}",
            f"--output={self.conf}",
            stdout=io.StringIO(),
        )

    def _wait(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"nginx did not start: {self.process.stderr.read().decode()}")

    def point_at(self, upstream: str, probe_status: int) -> None:
        """Reload with another upstream; returns once the new workers answer (a path never
        kept comes back with the status `probe_status`)."""
        self._write(upstream)
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        probes = iter(range(10**6))  # a new URL each time: never one nginx kept
        while self.get(f"/jamais-vu/?sonde={next(probes)}")[0] != probe_status:
            assert time.monotonic() < deadline, (self.prefix / "error.log").read_text()
            time.sleep(0.05)

    def get(self, path: str, **headers: str):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (loopback)
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def nginx(live_server, tmp_path):
    port = live_server.url.rsplit(":", 1)[1]
    server = Nginx(tmp_path, f"127.0.0.1:{port}")
    yield server
    server.stop()


@pytest.fixture
def article(site_tree):
    return ArticlePageFactory(parent=site_tree.maghreb, title="Le port de Tanger s'agrandit")


def edge(headers):
    return headers.get("X-Edge-Cache")


def test_a_reader_page_is_kept_and_answered_by_nginx(nginx, article):
    status, headers, first = nginx.get(article.url)
    assert (status, edge(headers)) == (200, "MISS")
    status, headers, again = nginx.get(article.url)
    assert (status, edge(headers)) == (200, "HIT")
    assert again == first
    assert "Le port de Tanger" in again.decode()


def test_gzip_and_plain_copies_are_kept_apart(nginx, article):
    nginx.get(article.url, **{"Accept-Encoding": "gzip, deflate, br"})
    status, headers, body = nginx.get(article.url, **{"Accept-Encoding": "gzip"})
    assert (edge(headers), headers.get("Content-Encoding")) == ("HIT", "gzip")
    _, plain_headers, plain = nginx.get(article.url)
    assert edge(plain_headers) == "MISS"
    assert "Content-Encoding" not in plain_headers
    assert gzip.decompress(body) == plain


def test_an_editor_is_never_served_a_kept_copy_nor_kept(nginx, article, client, django_user_model):
    editor = django_user_model.objects.create_superuser("redac", "redac@example.org", "x")
    client.force_login(editor)
    cookie = f"theme=dark; sessionid={client.cookies['sessionid'].value}"

    status, headers, editors_page = nginx.get(article.url, Cookie=cookie)
    assert (status, edge(headers)) == (200, "BYPASS")
    assert "private" in headers["Cache-Control"]
    _, headers, readers_page = nginx.get(article.url)
    assert edge(headers) == "MISS", "the editor's page was kept"
    _, headers, _ = nginx.get(article.url, Cookie=cookie)
    assert edge(headers) == "BYPASS", "an editor was answered from the readers' copy"
    assert readers_page != editors_page


def test_a_page_that_sets_a_cookie_or_says_private_is_never_kept(nginx, site_tree):
    for _ in range(2):
        status, headers, _ = nginx.get("/admin/login/")
        assert status == 200
        assert edge(headers) == "MISS"
        assert "Set-Cookie" in headers or "private" in headers.get("Cache-Control", "")


def test_an_unpublished_article_is_gone_once_the_copy_expires(nginx, article):
    nginx.get(article.url)
    assert edge(nginx.get(article.url)[1]) == "HIT"
    article.unpublish()
    time.sleep(EXPIRY)
    statuses = [nginx.get(article.url)[0] for _ in range(5)]
    assert statuses == [404] * 5


def test_a_kept_page_is_served_while_django_is_down(nginx, article):
    _, _, body = nginx.get(article.url)
    nginx.point_at(f"127.0.0.1:{free_port()}", probe_status=502)  # nothing listens there
    time.sleep(EXPIRY)
    status, headers, stale = nginx.get(article.url)
    assert (status, edge(headers)) == (200, "STALE")
    assert stale == body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("listen", "80; include /etc/passwd"),
        ("upstream", "127.0.0.1:8000; }"),
        ("seconds", 0),
        ("seconds", 3600),
        ("server_name", "news.example.org; root /"),
        ("cache_dir", Path("relative/cache")),
    ],
)
def test_a_value_that_would_break_the_file_is_refused(field, value, tmp_path):
    values = {"listen": "8080", "upstream": "127.0.0.1:8000", "cache_dir": tmp_path}
    with pytest.raises(EdgeConfigInvalid):
        Edge(**{**values, field: value})


def test_the_command_writes_nothing_when_a_value_is_refused(tmp_path):
    output = tmp_path / "rotative.conf"
    with pytest.raises(CommandError, match="upstream"):
        call_command("edge_config", "--upstream", "nulle part", "--output", str(output))
    assert not output.exists()
    call_command("edge_config", "--seconds", "3", "--output", str(output))
    assert "proxy_cache_valid 200 301 302 404 410 3s;" in output.read_text()
