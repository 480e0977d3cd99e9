"""Reader-site throughput: the article page under wrk, beside its baselines in the same run.

For each data size (the demo content; the demo plus the French Wikinews corpus, ~1,000
articles) a fresh SQLite site is built and gunicorn started exactly as `make run` does
(2 sync workers, production-like settings, `--workers`). All servers run side by side and
wrk (c=8, `--connections`) is pointed at each in turn, round after round (the median of
`--rounds` is reported, p99 is the worst round's):

  baseline   nothing cached (CACHE_URL=dummy://): Wagtail's plain ``serve()`` of the page,
             every query and render each time — the "no optimisation" peer the issue asks
             for when bakerydemo is not at hand (its own table had the two within 0.65–1.35×);
  uncached   the page cache off (CACHE_MIDDLEWARE_SECONDS=0) and no part of a page kept
             (READER_FRAGMENT_SECONDS=0), the long-lived keys kept (navigation, site roots,
             restricted paths): a page rebuilt whole, as after a publish of that article;
  uncached, parts kept
             the page cache off, its parts kept ({% kept_fragment %}): the page as it is
             rebuilt after its related list changed (there the list is rebuilt too, a
             fifth of the render) or after a purge of a family only the page depends on;
  cached     the reader cache on, as in production; and the same with
             ``Accept-Encoding: gzip`` (a browser), which gets the stored compressed copy;
  nginx      the same HTML bytes as a static file from nginx, ``Connection: close`` (as
             gunicorn's sync workers answer) and keep-alive;
  ceiling    gunicorn (same workers) answering those bytes from memory, no Django at all
             (bench/ceiling_wsgi.py): the most any cache behind this server can reach;
  edge       nginx in front of the cached gunicorn, with the file `manage.py edge_config`
             writes (newsroom/edge.py): nginx keeps the page a few seconds and answers it
             itself, ``Connection: close`` and keep-alive, plain and gzip.

Goals (issue #15): uncached >= 4x the baseline with p99 < 50 ms; cached >= 0.5x nginx with
``Connection: close`` (met by the edge, the way the site is deployed; the Python server alone
cannot, see the ceiling). With ``--before PATH`` (another checkout of the repository, its own
.venv or this one's) the same three Rotative servers run from that tree too, in the same
rounds, for a before/after on one machine at one moment.

    make bench                       # both sizes
    .venv/bin/python bench/run.py --sizes demo --seconds 3 --rounds 1
    .venv/bin/python bench/run.py --sizes wikinews --before /tmp/old-checkout
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from trees import DRAIN_QUEUE, REPO, python_of

RESULTS = REPO / "bench" / "results"
STATIC_COPY = "bench/article.html"

SIZES = {
    "demo": [["load_demo_content"]],
    "wikinews": [["load_demo_content"], ["import_wikinews"]],
}
MODES = {
    "baseline": {"CACHE_URL": "dummy://"},
    "uncached": {"CACHE_MIDDLEWARE_SECONDS": "0", "READER_FRAGMENT_SECONDS": "0"},
    "uncached, parts kept": {"CACHE_MIDDLEWARE_SECONDS": "0", "READER_FRAGMENT_SECONDS": "300"},
    "cached": {},
}

FIND_ARTICLE = """
from newsroom.models import ArticlePage
from newsroom.demo_content import SEED_LIKE_ARTICLE_SLUG
from django.test import Client
article = ArticlePage.objects.get(slug=SEED_LIKE_ARTICLE_SLUG)
html = Client().get(article.url, HTTP_HOST="127.0.0.1").content
open({path!r}, "wb").write(html)
print(article.url, ArticlePage.objects.published().count(), len(html))
"""

NGINX_CONF = """
daemon off;
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp};
    proxy_temp_path {tmp};
    fastcgi_temp_path {tmp};
    uwsgi_temp_path {tmp};
    scgi_temp_path {tmp};
    server {{
        listen 127.0.0.1:{port};
        location / {{ root {root}; default_type text/html; }}
    }}
}}
"""


def ensure(program, package):
    if shutil.which(program):
        return
    print(f"Installing {package} (Debian package) for the benchmark…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env)


def manage(tree, env, *args):
    return subprocess.run(
        [str(python_of(tree)), "manage.py", *args],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def build_site(tree, size, var):
    """A fresh database of the given size; returns (env, article URL, article count, bytes)."""
    env = {
        **os.environ,
        "ROTATIVE_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "rotative.settings.dev",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    manage(tree, env, "migrate", "--noinput", "-v0")
    manage(tree, env, "collectstatic", "--noinput", "-v0")
    for command in SIZES[size]:
        manage(tree, env, *command)
    # What the site's worker does after an import: enrichment (the names on the page), the
    # search index and the stored related lists. Left queued, the page would show related's
    # fallback and no names: not the page a running site serves.
    manage(tree, env, *DRAIN_QUEUE)
    static_copy = var / "static" / STATIC_COPY
    static_copy.parent.mkdir(parents=True, exist_ok=True)
    out = manage(tree, env, "shell", "-c", FIND_ARTICLE.format(path=str(static_copy)))
    url, count, html_bytes = out.strip().splitlines()[-1].split()
    return env, url, int(count), int(html_bytes)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, server):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"{url} did not answer")


def start_server(command_for, probe, **popen):
    """Start the server `command_for(port)` names and wait until `probe` (a path) answers."""
    port = free_port()
    server = subprocess.Popen(
        command_for(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **popen
    )
    wait_for(f"http://127.0.0.1:{port}{probe}", server)
    return server, port


def gunicorn(tree, app, workers):
    binary = str(python_of(tree).parent / "gunicorn")
    return lambda port: [binary, app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]


def start_gunicorn(tree, env, workers):
    return start_server(gunicorn(tree, "rotative.wsgi", workers), "/robots.txt", cwd=tree, env=env)


def start_ceiling(html, workers):
    env = {**os.environ, "CEILING_FILE": str(html)}
    return start_server(gunicorn(REPO, "ceiling_wsgi", workers), "/", cwd=REPO / "bench", env=env)


def start_nginx(root, tmp):
    def command(port):
        conf = Path(tmp) / f"nginx-{port}.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=root))
        return ["nginx", "-c", str(conf), "-p", str(tmp)]

    return start_server(command, f"/{STATIC_COPY}")


def start_edge(tree, env, upstream_port, tmp):
    """nginx in front of the cached gunicorn, configured by `manage.py edge_config`."""
    prefix = Path(tmp) / f"edge-{upstream_port}"

    def command(port):
        conf = prefix / "nginx.conf"
        manage(
            tree,
            env,
            "edge_config",
            f"--listen=127.0.0.1:{port}",
            f"--upstream=127.0.0.1:{upstream_port}",
            f"--cache-dir={prefix / 'cache'}",
            f"--standalone={prefix}",
            f"--output={conf}",
        )
        return ["nginx", "-c", str(conf), "-p", str(prefix)]

    return start_server(command, "/robots.txt")


def wrk(url, seconds, connections, headers=()):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} error responses\n{out}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
    }


def _ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def targets_for(tree_name, tree, size, tmp, args, servers):
    """Start the three Rotative servers of one tree; returns {name: (url, headers)}."""
    env, url, count, html_bytes = build_site(tree, size, Path(tmp) / tree_name / size)
    found = {"articles": count, "html_bytes": html_bytes, "var": env["ROTATIVE_VAR_DIR"]}
    targets = {}
    for mode, overrides in MODES.items():
        server, port = start_gunicorn(tree, {**env, **overrides}, args.workers)
        servers.append(server)
        targets[f"{tree_name} {mode}"] = (f"http://127.0.0.1:{port}{url}", ())
        if mode == "cached":
            gzip = (f"http://127.0.0.1:{port}{url}", ("Accept-Encoding: gzip",))
            targets[f"{tree_name} cached, gzip"] = gzip
            if tree_name == "after":
                edge, edge_port = start_edge(tree, env, port, tmp)
                servers.append(edge)
                page = f"http://127.0.0.1:{edge_port}{url}"
                targets["after edge, Connection: close"] = (page, ("Connection: close",))
                targets["after edge, keep-alive"] = (page, ())
                targets["after edge, gzip, close"] = (
                    page,
                    ("Connection: close", "Accept-Encoding: gzip"),
                )
    return targets, found


def run_size(size, args, tmp):
    servers = []
    try:
        targets, found = targets_for("after", REPO, size, tmp, args, servers)
        if args.before:
            before, _ = targets_for("before", Path(args.before).resolve(), size, tmp, args, servers)
            targets.update(before)
        nginx, port = start_nginx(Path(found["var"]) / "static", tmp)
        servers.append(nginx)
        static = f"http://127.0.0.1:{port}/{STATIC_COPY}"
        targets["nginx, Connection: close"] = (static, ("Connection: close",))
        targets["nginx, keep-alive"] = (static, ())
        ceiling, port = start_ceiling(Path(found["var"]) / "static" / STATIC_COPY, args.workers)
        servers.append(ceiling)
        targets["ceiling: gunicorn, bytes"] = (f"http://127.0.0.1:{port}/", ())
        for target, headers in targets.values():  # warm up: imports, templates, cache fill
            for _ in range(20):
                request = urllib.request.Request(
                    target, headers=dict(h.split(": ") for h in headers)
                )
                urllib.request.urlopen(request, timeout=30).read()
        samples = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, (target, headers) in targets.items():
                samples[name].append(wrk(target, args.seconds, args.connections, headers))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    rows = {}
    for name, runs in samples.items():
        rows[name] = {
            "rps": round(statistics.median(run["rps"] for run in runs), 1),
            "p50_ms": round(statistics.median(run["p50_ms"] for run in runs), 2),
            "p99_ms": round(max(run["p99_ms"] for run in runs), 2),
        }
    return rows, found


def report(size, rows, found):
    print(f"\n[{size}: {found['articles']} articles, article page {found['html_bytes']:,} bytes]")
    baseline = rows["after baseline"]["rps"]
    close = rows["nginx, Connection: close"]["rps"]
    for name, row in rows.items():
        print(
            f"  {name:28s} {row['rps']:9.1f} req/s  p50 {row['p50_ms']:7.2f} ms  "
            f"p99 {row['p99_ms']:7.2f} ms  | x baseline {row['rps'] / baseline:6.2f}  "
            f"| x nginx close {row['rps'] / close:5.2f}",
            flush=True,
        )
    uncached, cached = rows["after uncached"], rows["after cached"]
    edge = rows["after edge, Connection: close"]
    kept = rows["after uncached, parts kept"]
    print(
        f"  goals: uncached {uncached['rps'] / baseline:.2f}x baseline (>= 4), p99 "
        f"{uncached['p99_ms']:.1f} ms (< 50); with its parts kept {kept['rps'] / baseline:.2f}x, "
        f"p99 {kept['p99_ms']:.1f} ms; cached {edge['rps'] / close:.2f}x nginx "
        f"Connection: close (>= 0.5) through the edge, {cached['rps'] / close:.2f}x from "
        "gunicorn alone"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, as make run")
    parser.add_argument("--before", help="another checkout, measured in the same rounds")
    args = parser.parse_args()
    ensure("wrk", "wrk")
    ensure("nginx", "nginx-light")
    results = {}
    with tempfile.TemporaryDirectory(prefix="rotative-bench-") as tmp:
        for size in args.sizes:
            print(f"[{size}] building the site(s)…", flush=True)
            rows, found = run_size(size, args, tmp)
            report(size, rows, found)
            found.pop("var")
            results[size] = {**found, "rows": rows}
    RESULTS.mkdir(exist_ok=True)
    meta = {key: getattr(args, key) for key in ("workers", "connections", "seconds", "rounds")}
    meta["cpus"] = os.cpu_count()
    (RESULTS / "pages.json").write_text(json.dumps({"meta": meta, "sizes": results}, indent=2))
    print(f"Written to {RESULTS / 'pages.json'}")


if __name__ == "__main__":
    sys.exit(main())
