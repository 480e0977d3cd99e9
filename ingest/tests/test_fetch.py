"""The safe fetcher (RELIABILITY.md properties 25-28): what it refuses, and what it still fetches.

Every server here is a real one on 127.0.0.1:<random port>; the fetcher refuses loopback and
odd ports unless a test allows them through INGEST_FETCH_ALLOWED_ADDRESSES and
INGEST_FETCH_ALLOWED_PORTS. Names are answered by a scripted resolver (harness H2), and the
autouse `loopback_only` fixture (H1) fails any test whose code reaches beyond loopback.
"""

import contextlib
import gzip
import io
import ipaddress
import resource
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ingest.exceptions import (
    FetchError,
    FetchTimeout,
    ForbiddenAddress,
    ForbiddenPort,
    HTTPStatusError,
    ResponseTooLarge,
    TooManyRedirects,
    UnsupportedScheme,
)
from ingest.fetch import fetch, is_forbidden_address, resolve_host

PUBLIC_ADDRESS = "93.184.215.14"  # example.com's; never reached, the H1 guard stops it


@pytest.fixture(autouse=True)
def english_messages():
    """Refusals are matched on their English source text; their French lives in locale/
    (test_commands checks one as an editor reads it)."""
    with translation.override("en"):
        yield


# Harness --------------------------------------------------------------------------------------
@dataclass
class Request:
    path: str
    headers: dict


@dataclass
class LocalServer:
    """A stdlib HTTP(S) server on a loopback address and a random port, run in a thread.

    `respond(handler)` writes the whole answer; every request is recorded before it runs.
    """

    respond: object
    address: str = "127.0.0.1"
    tls: ssl.SSLContext | None = None
    port: int = 0
    requests: list = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def start(self):
        owner = self

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def get_request(self):
                sock, peer = super().get_request()
                if owner.tls is not None:
                    sock = owner.tls.wrap_socket(sock, server_side=True)
                return sock, peer

            def handle_error(self, request, client_address):
                """A client that hung up mid-answer is what these tests provoke: stay quiet."""

        self.httpd = Server((self.address, self.port), _Handler)
        self.httpd.owner = self
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def hits(self):
        return len(self.requests)

    def url(self, path="/", host=None):
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host or self.address}:{self.port}{path}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        owner = self.server.owner
        owner.requests.append(Request(self.path, dict(self.headers)))
        with contextlib.suppress(OSError):  # the fetcher stopped reading: expected
            owner.respond(self)
        self.close_connection = True

    def log_message(self, format, *args):
        """Silent: the tests assert on recorded requests, not on the log."""


def answer(status=200, body=b"", headers=None):
    """A responder sending one complete response, closing the connection as we ask."""

    def respond(handler):
        handler.send_response(status)
        sent = {"Content-Length": str(len(body)), "Connection": "close", **(headers or {})}
        for name, value in sent.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return respond


def redirect(location, status=302):
    return answer(status, headers={"Location": location})


def routes(table):
    """A responder choosing by path; an unknown path is a test bug, answered 599."""

    def respond(handler):
        table.get(handler.path, answer(599, b"no such route"))(handler)

    return respond


class StubResolver:
    """H2: scripted answers per name, one list per call (the last repeats); calls recorded."""

    def __init__(self, **answers):
        self.answers = {name.replace("_", "."): value for name, value in answers.items()}
        self.calls = []

    def __call__(self, host, port):
        self.calls.append((host, port))
        scripted = self.answers[host]
        if scripted and isinstance(scripted[0], str):
            return list(scripted)
        return list(scripted[min(len(self.calls) - 1, len(scripted) - 1)])


def refusing_resolver(host, port):
    raise AssertionError(f"no name should be resolved here, but {host}:{port} was")


@pytest.fixture
def serve():
    started = []

    def start(respond, **options):
        server = LocalServer(respond, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def allow(settings):
    """Open the fetcher to some loopback servers, as tests (and only tests) may."""

    def allow(*servers, addresses=("127.0.0.1/32",)):
        settings.INGEST_FETCH_ALLOWED_ADDRESSES = addresses
        settings.INGEST_FETCH_ALLOWED_PORTS = (80, 443, *(server.port for server in servers))

    return allow


@pytest.fixture
def connections(monkeypatch, loopback_only):
    """Every (host, port) any socket connects to during the test, in order."""
    seen = []
    guarded_connect = socket.socket.connect

    def connect(sock, address):
        seen.append(tuple(address[:2]))
        return guarded_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return seen


# Destination policy (property 25) -------------------------------------------------------------
FORBIDDEN_LITERAL_URLS = [
    "http://127.0.0.1/",
    "http://127.255.255.254/",
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.1/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://0x7F.0.0.1/",
    "http://127.0.0.1./",
    "http://１２７。０。０。１/",
    "http://0/",
    "http://0.0.0.0/",
    "http://10.0.0.1/",
    "http://10.255.255.255/",
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0xa9fea9fe/",
    "http://2852039166/",
    "http://100.64.0.1/",
    "http://100.127.255.254/",
    "http://224.0.0.1/",
    "http://239.255.255.250/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "https://10.0.0.1/",
    "http://[::1]/",
    "http://[::]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[fc00::1]/",
    "http://[fd12:3456:789a::1]/",
    "http://[fe80::1]/",
    "http://[fe80::1%25eth0]/",
    "http://[ff02::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:a00:1]/",
    "http://[::127.0.0.1]/",
    "http://[::7f00:1]/",
    "http://[::8.8.8.8]/",
    "http://[64:ff9b::127.0.0.1]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[64:ff9b:1::8.8.8.8]/",
    "http://[2002:7f00:1::]/",
    "http://[2002:a9fe:a9fe::1]/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "http://[2001:db8::1]/",
]


@pytest.mark.parametrize("url", FORBIDDEN_LITERAL_URLS)
def test_private_and_reserved_address_literals_are_refused_before_any_connection(url, connections):
    with pytest.raises(ForbiddenAddress, match="private or reserved address"):
        fetch(url, resolver=refusing_resolver)
    assert connections == []


FORBIDDEN_ANSWERS = [
    ["127.0.0.1"],
    ["127.0.0.53"],
    ["0.0.0.0"],  # noqa: S104 - an answer to refuse, not a bind
    ["10.1.2.3"],
    ["172.20.0.1"],
    ["192.168.0.10"],
    ["169.254.169.254"],
    ["100.64.0.1"],
    ["224.0.0.251"],
    ["240.0.0.1"],
    ["::1"],
    ["::"],
    ["fc00::1"],
    ["fd00:ec2::254"],
    ["fe80::1"],
    ["ff02::1"],
    ["::ffff:127.0.0.1"],
    ["::ffff:169.254.169.254"],
    ["::127.0.0.1"],
    ["64:ff9b::7f00:1"],
    ["2002:a9fe:a9fe::1"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2"],
    # One bad answer is enough, wherever it comes in the list.
    [PUBLIC_ADDRESS, "10.0.0.1"],
    ["2606:2800:21f:cb07:6820:80da:af6b:8b2c", "::1"],
]


@pytest.mark.parametrize("answers", FORBIDDEN_ANSWERS, ids=" ".join)
def test_names_resolving_to_any_private_address_are_refused_before_any_connection(
    answers, connections
):
    resolver = StubResolver(partner_example=answers)

    with pytest.raises(ForbiddenAddress, match="partner.example resolves to"):
        fetch("http://partner.example/feed.xml", resolver=resolver)

    assert resolver.calls == [("partner.example", 80)]
    assert connections == []


SPELLINGS_OF_LOOPBACK = [
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0x7f.1",
    "0177.0.0.1",
    "017700000001",
    "127.0.0.1.",
    "１２７。０。０。１",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
]


@pytest.mark.parametrize("host", SPELLINGS_OF_LOOPBACK)
def test_a_live_loopback_server_is_out_of_reach_by_default_in_every_spelling(host, serve, settings):
    server = serve(answer(body=b"internal"))
    settings.INGEST_FETCH_ALLOWED_PORTS = (80, 443, server.port)  # the port alone is not enough

    with pytest.raises(ForbiddenAddress):
        fetch(server.url("/", host=host), resolver=refusing_resolver)

    assert server.hits == 0


@pytest.mark.parametrize("host", [h for h in SPELLINGS_OF_LOOPBACK if "::" not in h])
def test_numeric_spellings_are_read_as_the_address_they_connect_to(host, serve, allow):
    server = serve(answer(body=b"hello"))
    allow(server)

    document = fetch(server.url("/", host=host), resolver=refusing_resolver)

    assert document.content == b"hello"
    assert server.requests[0].headers["Host"] == f"127.0.0.1:{server.port}"


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    address=st.sampled_from(
        ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16"]
        + ["172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4"]
    ).flatmap(
        lambda network: st.builds(
            ipaddress.IPv4Address,
            st.integers(
                int(ipaddress.ip_network(network).network_address),
                int(ipaddress.ip_network(network).broadcast_address),
            ),
        )
    ),
    spelling=st.sampled_from(
        [
            str,
            lambda a: str(int(a)),
            lambda a: hex(int(a)),
            lambda a: ".".join(f"0{int(part):o}" for part in str(a).split(".")),
            lambda a: f"[::ffff:{a}]",
            lambda a: f"[64:ff9b::{a}]",
            lambda a: f"[::{a}]",
            lambda a: f"[2002:{int(a) >> 16:x}:{int(a) & 0xFFFF:x}::1]",
        ]
    ),
)
def test_every_spelling_of_every_private_ipv4_address_is_refused(address, spelling, connections):
    with pytest.raises(ForbiddenAddress):
        fetch(f"http://{spelling(address)}/", resolver=refusing_resolver)
    assert connections == []


def test_the_policy_lets_public_addresses_through_including_embedded_ones():
    for public in [PUBLIC_ADDRESS, "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8"]:
        assert not is_forbidden_address(ipaddress.ip_address(public)), public
    for private in ["::ffff:10.0.0.1", "64:ff9b::10.0.0.1", "239.1.2.3", "::7f00:1"]:
        assert is_forbidden_address(ipaddress.ip_address(private)), private


def test_a_public_answer_is_connected_to_directly_and_nowhere_else(loopback_only):
    resolver = StubResolver(partner_example=[PUBLIC_ADDRESS])

    # The policy lets it through; the H1 guard then stops the packet and proves which
    # address the fetcher dialled: the validated one, never the name.
    with pytest.raises(loopback_only.error):
        fetch("http://partner.example/feed.xml", resolver=resolver)

    assert loopback_only.take_attempts() == [(PUBLIC_ADDRESS, 80)]
    assert resolver.calls == [("partner.example", 80)]


def test_the_default_resolver_refuses_localhost(connections):
    assert "127.0.0.1" in resolve_host("localhost", 80)
    with pytest.raises(ForbiddenAddress, match="localhost resolves to"):
        fetch("http://localhost/")
    assert connections == []


@pytest.mark.parametrize(
    "url",
    [
        "ftp://partner.example/feed.xml",
        "file:///etc/passwd",
        "gopher://partner.example/",
        "javascript:alert(1)",
        "data:text/html,hello",
        "partner.example/feed.xml",
    ],
)
def test_schemes_other_than_http_and_https_are_refused(url, connections):
    with pytest.raises(UnsupportedScheme, match="Only http and https"):
        fetch(url, resolver=refusing_resolver)
    assert connections == []


@pytest.mark.parametrize(
    "url", ["http://partner.example:8080/", "https://partner.example:8443/", "http://1.2.3.4:22/"]
)
def test_ports_other_than_80_and_443_are_refused(url, connections):
    with pytest.raises(ForbiddenPort, match="only the standard web ports"):
        fetch(url, resolver=refusing_resolver)
    assert connections == []


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://user:secret@partner.example/", "user name or password"),
        ("http://[::1/", "not a valid address"),
        ("http://partner.example:99999/", "not a valid address"),
        ("http:///feed.xml", "names no host"),
        ("http://%31%32%37.0.0.1/", "not a valid one"),
        ("http://%65xample.com/", "invalid host name"),
        ("http://partner example/", "invalid host name"),
        ("http://1.2.3.4.5/", "not a valid one"),
        ("http://partner.example/\r\nX-Injected: 1", "control characters"),
    ],
)
def test_malformed_addresses_are_refused_with_a_reason(url, message, connections):
    with pytest.raises(FetchError, match=message) as caught:
        fetch(url, resolver=refusing_resolver)
    assert "secret" not in str(caught.value)
    assert connections == []


@pytest.mark.parametrize("failure", [socket.gaierror(-2, "Name or service not known"), []])
def test_an_unresolvable_name_is_an_error_an_editor_can_act_on(failure):
    def resolver(host, port):
        if isinstance(failure, Exception):
            raise failure
        return failure

    with pytest.raises(FetchError, match="partner.example"):
        fetch("http://partner.example/", resolver=resolver)


# Fetching an allowed server --------------------------------------------------------------------
def test_a_loopback_server_is_refused_unless_a_test_allows_it(serve, settings):
    server = serve(answer(body=b"hello"))

    with pytest.raises(ForbiddenPort):
        fetch(server.url("/feed.xml"))
    settings.INGEST_FETCH_ALLOWED_PORTS = (80, 443, server.port)
    with pytest.raises(ForbiddenAddress):
        fetch(server.url("/feed.xml"))
    assert server.hits == 0


@pytest.mark.parametrize("connection", ["close", "keep-alive"])
def test_an_allowed_server_is_fetched_with_our_headers(connection, serve, allow, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://www.example.org"
    body = "<rss>é</rss>".encode()
    headers = {"Content-Type": "application/rss+xml", "Connection": connection}
    server = serve(answer(body=body, headers=headers))
    allow(server)

    document = fetch(server.url("/feed.xml?page=1&q=a b"), accept="application/rss+xml")

    assert document.content == body
    assert document.url == server.url("/feed.xml?page=1&q=a b")
    assert document.content_type == "application/rss+xml"
    (request,) = server.requests
    assert request.path == "/feed.xml?page=1&q=a%20b"
    assert request.headers["Host"] == f"127.0.0.1:{server.port}"
    assert request.headers["User-Agent"] == "RotativeBot/1.0 (+https://www.example.org)"
    assert request.headers["Accept"] == "application/rss+xml"
    assert request.headers["Connection"] == "close"


def test_an_international_name_is_resolved_and_sent_in_its_ascii_form(serve, allow):
    server = serve(answer(body=b"bonjour"))
    allow(server)
    resolver = StubResolver(**{"xn--bcher-kva.example": ["127.0.0.1"]})

    document = fetch(f"http://Bücher.example:{server.port}/", resolver=resolver)

    assert document.content == b"bonjour"
    assert resolver.calls == [("xn--bcher-kva.example", server.port)]
    assert server.requests[0].headers["Host"] == f"xn--bcher-kva.example:{server.port}"


def test_a_utf8_redirect_location_is_followed_percent_encoded(serve, allow):
    server = serve(None)
    server.respond = routes(
        {
            "/": redirect("/café?q=thé".encode().decode("latin-1")),
            "/caf%C3%A9?q=th%C3%A9": answer(body=b"arrived"),
        }
    )
    allow(server)

    document = fetch(server.url())

    assert document.content == b"arrived"
    assert document.url == server.url("/café?q=thé")


def test_a_gzipped_body_is_decoded(serve, allow):
    body = b"<html>" + b"partner text " * 1000 + b"</html>"
    server = serve(answer(body=gzip.compress(body), headers={"Content-Encoding": "gzip"}))
    allow(server)

    assert fetch(server.url()).content == body


# Resolve once and pin (property 26) ------------------------------------------------------------
def _rebinding_pair(serve):
    """A good server on 127.0.0.1 and an attacker's on 127.0.0.2 with the same port."""
    good = serve(answer(body=b"partner"))
    try:
        evil = serve(answer(body=b"internal"), address="127.0.0.2", port=good.port)
    except OSError as error:
        pytest.skip(f"cannot bind 127.0.0.2:{good.port} here: {error}")
    return good, evil


def test_dns_rebinding_cannot_redirect_the_connection(serve, allow, connections):
    good, evil = _rebinding_pair(serve)
    allow(good)  # 127.0.0.1 only: 127.0.0.2 stays forbidden
    resolver = StubResolver(partner_example=[["127.0.0.1"], ["127.0.0.2"]])

    document = fetch(f"http://partner.example:{good.port}/feed.xml", resolver=resolver)

    assert document.content == b"partner"
    assert resolver.calls == [("partner.example", good.port)]
    assert connections == [("127.0.0.1", good.port)]
    assert good.requests[0].headers["Host"] == f"partner.example:{good.port}"
    assert evil.hits == 0


def test_each_redirect_hop_resolves_once_and_sees_the_rebound_answer(serve, allow, connections):
    good, evil = _rebinding_pair(serve)
    good.respond = redirect("/next")
    allow(good)
    resolver = StubResolver(partner_example=[["127.0.0.1"], ["127.0.0.2"]])

    with pytest.raises(ForbiddenAddress, match="127.0.0.2"):
        fetch(f"http://partner.example:{good.port}/feed.xml", resolver=resolver)

    assert resolver.calls == [("partner.example", good.port)] * 2
    assert connections == [("127.0.0.1", good.port)]
    assert good.hits == 1
    assert evil.hits == 0


def test_the_next_validated_address_is_tried_when_one_does_not_connect(serve, allow, connections):
    server = serve(answer(body=b"partner"))  # on 127.0.0.1 only: 127.0.0.3 refuses the port
    allow(server, addresses=("127.0.0.1/32", "127.0.0.3/32"))
    resolver = StubResolver(partner_example=["127.0.0.3", "127.0.0.1"])

    document = fetch(f"http://partner.example:{server.port}/", resolver=resolver)

    assert document.content == b"partner"
    assert connections == [("127.0.0.3", server.port), ("127.0.0.1", server.port)]
    assert resolver.calls == [("partner.example", server.port)]


# HTTPS: SNI and certificate against the name, connection to the pinned address ----------------
@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for partner.example, made with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=partner.example",
            "-addext",
            "subjectAltName=DNS:partner.example",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return cert, key


@pytest.fixture
def tls_server(serve, allow, certificate, monkeypatch):
    """An HTTPS server trusted through SSL_CERT_FILE; `server.names` holds the SNI it saw."""
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = serve(answer(body=b"secure partner"), tls=context)
    server.names = names
    allow(server)
    return server


def test_https_connects_to_the_pinned_address_with_sni_and_certificate_for_the_name(
    tls_server, connections
):
    resolver = StubResolver(partner_example=[["127.0.0.1"], ["127.0.0.2"]])

    document = fetch(f"https://partner.example:{tls_server.port}/", resolver=resolver)

    assert document.content == b"secure partner"
    assert tls_server.names == ["partner.example"]
    assert tls_server.requests[0].headers["Host"] == f"partner.example:{tls_server.port}"
    assert connections == [("127.0.0.1", tls_server.port)]
    assert resolver.calls == [("partner.example", tls_server.port)]


def test_https_refuses_a_certificate_for_another_name(tls_server):
    resolver = StubResolver(other_example=["127.0.0.1"])

    with pytest.raises(FetchError, match="certificate") as caught:
        fetch(f"https://other.example:{tls_server.port}/", resolver=resolver)

    assert type(caught.value) is FetchError
    assert tls_server.names == ["other.example"]
    assert tls_server.hits == 0


def test_https_never_redirects_down_to_http(tls_server, serve, allow):
    plain = serve(answer(body=b"downgraded"))
    tls_server.respond = redirect(f"http://partner.example:{plain.port}/")
    allow(tls_server, plain)
    resolver = StubResolver(partner_example=["127.0.0.1"])

    with pytest.raises(UnsupportedScheme, match="down to plain http"):
        fetch(f"https://partner.example:{tls_server.port}/", resolver=resolver)

    assert plain.hits == 0


# Redirects (property 27) -----------------------------------------------------------------------
def test_up_to_three_redirects_are_followed(serve, allow):
    server = serve(None)
    server.respond = routes(
        {
            "/1": redirect("/2", status=301),
            "/2": redirect(server.url("/3"), status=307),
            "/3": redirect("final?x=1", status=308),
            "/final?x=1": answer(body=b"done", headers={"Content-Type": "text/plain"}),
        }
    )
    allow(server)

    document = fetch(server.url("/1"))

    assert document.content == b"done"
    assert document.url == server.url("/final?x=1")
    assert [request.path for request in server.requests] == ["/1", "/2", "/3", "/final?x=1"]


def test_a_fourth_redirect_is_refused(serve, allow):
    server = serve(None)
    server.respond = routes(
        {
            "/1": redirect("/2"),
            "/2": redirect("/3"),
            "/3": redirect("/4"),
            "/4": redirect("/5"),
            "/5": answer(body=b"too far"),
        }
    )
    allow(server)

    with pytest.raises(TooManyRedirects, match="more than 3 times"):
        fetch(server.url("/1"))

    assert [request.path for request in server.requests] == ["/1", "/2", "/3", "/4"]


def test_a_redirect_to_a_port_that_is_not_allowed_never_reaches_it(serve, allow):
    internal = serve(answer(body=b"secret"))
    public = serve(redirect(internal.url("/secret")))
    allow(public)

    with pytest.raises(ForbiddenPort):
        fetch(public.url("/feed.xml"))

    assert public.hits == 1
    assert internal.hits == 0


def test_a_redirect_to_an_address_that_is_not_allowed_never_reaches_it(serve, allow):
    try:
        internal = serve(answer(body=b"secret"), address="127.0.0.2")
    except OSError as error:
        pytest.skip(f"cannot bind 127.0.0.2 here: {error}")
    public = serve(redirect(internal.url("/secret")))
    allow(public, internal)  # both ports, but only 127.0.0.1

    with pytest.raises(ForbiddenAddress, match="127.0.0.2"):
        fetch(public.url("/feed.xml"))

    assert internal.hits == 0


@pytest.mark.parametrize(
    "location",
    ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/admin/"],
)
def test_a_redirect_to_a_private_network_is_refused(location, serve, allow, connections):
    public = serve(redirect(location))
    allow(public)

    with pytest.raises(ForbiddenAddress):
        fetch(public.url())

    assert connections == [("127.0.0.1", public.port)]


def test_a_redirect_to_a_name_resolving_to_a_private_address_is_refused(serve, allow):
    public = serve(redirect("http://intranet.example/"))
    allow(public)
    resolver = StubResolver(intranet_example=["10.0.0.7"])

    with pytest.raises(ForbiddenAddress, match="intranet.example resolves to 10.0.0.7") as caught:
        fetch(public.url("/feed.xml"), resolver=resolver)

    assert str(caught.value).startswith(public.url("/feed.xml") + " redirected; ")


@pytest.mark.parametrize(
    "location", ["file:/etc/passwd", "file:///etc/passwd", "ftp://partner.example/", "gopher://x/"]
)
def test_a_redirect_to_another_scheme_is_refused(location, serve, allow):
    server = serve(redirect(location))
    allow(server)

    with pytest.raises(UnsupportedScheme):
        fetch(server.url())


# Status ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_an_error_status_is_reported_with_its_code(status, serve, allow):
    server = serve(answer(status, body=b"error page"))
    allow(server)

    with pytest.raises(HTTPStatusError, match=f"HTTP status {status}") as caught:
        fetch(server.url("/missing"))

    assert caught.value.params["status"] == status


def test_a_redirect_without_location_is_an_error_status(serve, allow):
    server = serve(answer(302))
    allow(server)

    with pytest.raises(HTTPStatusError, match="302"):
        fetch(server.url())


# Size (property 28) ----------------------------------------------------------------------------
def endless(handler, *, chunked=True, headers=None):
    handler.send_response(200)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    if chunked:
        handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    block = b"x" * 65536
    while not handler.server.owner.stopping.is_set():
        handler.wfile.write(b"%x\r\n%b\r\n" % (len(block), block) if chunked else block)


def announce_ten_gigabytes(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", str(10**10))
    handler.end_headers()
    handler.wfile.write(b"x" * 10)
    handler.wfile.flush()
    handler.server.owner.stopping.wait(5)  # reading on would wait for the deadline


@pytest.mark.parametrize(
    "respond",
    [
        pytest.param(endless, id="endless chunked"),
        pytest.param(lambda h: endless(h, chunked=False), id="endless until close"),
        pytest.param(
            lambda h: endless(h, headers={"Content-Length": "100"}),
            id="Content-Length 100 beside endless chunked",
        ),
        pytest.param(announce_ten_gigabytes, id="Content-Length 10 GB, refused before reading"),
    ],
)
def test_a_body_past_the_cap_is_refused_without_reading_it_all(respond, serve, allow, settings):
    settings.INGEST_FETCH_MAX_BYTES = 1024 * 1024
    server = serve(respond)
    allow(server)
    started = time.monotonic()

    with pytest.raises(ResponseTooLarge, match="larger than 1048576 bytes"):
        fetch(server.url())

    assert time.monotonic() - started < 3


def test_a_content_length_smaller_than_the_body_bounds_what_is_read(serve, allow):
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        handler.wfile.write(b"y" * (1024 * 1024))

    server = serve(respond)
    allow(server)

    assert fetch(server.url()).content == b"y" * 100


@pytest.mark.parametrize("chunked", [False, True], ids=["Content-Length", "chunked"])
@pytest.mark.parametrize("size, fits", [(1000, True), (1001, False)])
def test_the_cap_is_exact(size, fits, chunked, serve, allow):
    def respond(handler):
        handler.send_response(200)
        if chunked:
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            for _ in range(size // 100):
                handler.wfile.write(b"64\r\n" + b"z" * 100 + b"\r\n")
            handler.wfile.write(b"1\r\nz\r\n" * (size % 100) + b"0\r\n\r\n")
        else:
            handler.send_header("Content-Length", str(size))
            handler.end_headers()
            handler.wfile.write(b"z" * size)

    server = serve(respond)
    allow(server)

    if fits:
        assert fetch(server.url(), max_bytes=1000).content == b"z" * size
    else:
        with pytest.raises(ResponseTooLarge):
            fetch(server.url(), max_bytes=1000)


@pytest.fixture(scope="module")
def gzip_bomb():
    """50 MB of zeros gzipped to about 50 KB, compressed a megabyte at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = io.BytesIO()
    megabyte = bytes(1024 * 1024)
    for _ in range(50):
        out.write(compressor.compress(megabyte))
    out.write(compressor.flush())
    return out.getvalue()


def test_a_gzip_bomb_is_refused_without_inflating_it(gzip_bomb, serve, allow):
    server = serve(answer(body=gzip_bomb, headers={"Content-Encoding": "gzip"}))
    allow(server)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLarge):
            fetch(server.url())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before

    assert len(gzip_bomb) < 100 * 1024
    assert rss_growth < 50 * 1024
    assert peak < 20 * 1024 * 1024  # the 5 MB cap plus a chunk, not the 50 MB inside


# Time (property 28) ----------------------------------------------------------------------------
def drip(data, interval=0.2):
    def respond(handler):
        owner = handler.server.owner
        for index in range(len(data)):
            if owner.stopping.wait(interval):
                return
            handler.wfile.write(data[index : index + 1])
            handler.wfile.flush()

    return respond


def drip_body(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    handler.wfile.flush()
    drip(b"." * 1000)(handler)


def drip_headers(handler):
    # Short enough that a fetcher without a total deadline returns after 4 s, not hangs.
    drip(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", interval=0.1)(handler)


def silent(handler):
    handler.server.owner.stopping.wait(5)


@pytest.mark.parametrize(
    "respond",
    [
        pytest.param(drip_body, id="body dripped a byte every 0.2 s"),
        pytest.param(drip_headers, id="headers dripped a byte every 0.1 s"),
        pytest.param(silent, id="no answer at all"),
    ],
)
def test_a_slow_server_cannot_stretch_the_deadline(respond, serve, allow, settings):
    settings.INGEST_FETCH_TIMEOUT_SECONDS = 1
    server = serve(respond)
    allow(server)
    started = time.monotonic()

    with pytest.raises(FetchTimeout, match="within 1 seconds"):
        fetch(server.url())

    assert time.monotonic() - started < 2


def test_the_deadline_covers_every_redirect_hop(serve, allow, settings):
    settings.INGEST_FETCH_TIMEOUT_SECONDS = 1

    def slow_redirect(location):
        def respond(handler):
            handler.server.owner.stopping.wait(0.4)
            redirect(location)(handler)

        return respond

    server = serve(
        routes(
            {
                "/1": slow_redirect("/2"),
                "/2": slow_redirect("/3"),
                "/3": slow_redirect("/4"),
                "/4": answer(body=b"late"),
            }
        )
    )
    allow(server)
    started = time.monotonic()

    with pytest.raises(FetchTimeout):
        fetch(server.url("/1"))

    assert time.monotonic() - started < 2
    assert "/4" not in [request.path for request in server.requests]
