"""Reader-site throughput: article page requests per second against a static baseline.

For each data size (the demo content; the demo plus the French Wikinews corpus, ~1,000
articles) it builds a fresh SQLite site, starts gunicorn exactly as `make run` does, and
measures with wrk, side by side in the same server:
  - the article page, uncached (CACHE_URL=dummy://) and cached (the default file cache);
  - the same article's HTML saved as a static file and served by whitenoise.
The figure is the ratio page/static: it cancels out most of the noise of a shared machine.
Rounds are interleaved and the median is reported.

    make bench                       # both sizes
    make bench BENCH_ARGS="--sizes demo --seconds 3 --rounds 1"
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

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
RESULTS = REPO / "bench" / "results"
STATIC_COPY = "bench/article.html"

SIZES = {
    "demo": [["load_demo_content"]],
    "wikinews": [["load_demo_content"], ["import_wikinews"]],
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


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("Installing wrk (Debian package) for the load generator…", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def manage(env, *args):
    return subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def build_site(size, workdir):
    """A fresh database of the given size; returns (env, article URL, article count)."""
    var = workdir / size
    env = {
        **os.environ,
        "ROTATIVE_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "rotative.settings.dev",
        "DATABASE_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    for command in SIZES[size]:
        manage(env, *command)
    static_copy = var / "static" / STATIC_COPY
    static_copy.parent.mkdir(parents=True, exist_ok=True)
    out = manage(env, "shell", "-c", FIND_ARTICLE.format(path=str(static_copy)))
    url, count, html_bytes = out.strip().splitlines()[-1].split()
    return env, url, int(count), int(html_bytes)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, port, workers):
    server = subprocess.Popen(
        [str(GUNICORN), "rotative.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def wrk(url, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} error responses\n{out}")
    return rps, p50


def measure(env, port, article_url, args):
    base = f"http://127.0.0.1:{port}"
    targets = {"page": base + article_url, "static": f"{base}/static/{STATIC_COPY}"}
    for url in targets.values():  # warm up: imports, templates, cache fill
        for _ in range(20):
            urllib.request.urlopen(url, timeout=10).read()
    samples = {name: [] for name in targets}
    latencies = {}
    for _ in range(args.rounds):
        for name, url in targets.items():
            rps, p50 = wrk(url, args.seconds, args.connections)
            samples[name].append(rps)
            latencies[name] = p50
    return {name: (statistics.median(values), latencies[name]) for name, values in samples.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, as make run")
    args = parser.parse_args()
    ensure_wrk()
    rows = []
    with tempfile.TemporaryDirectory(prefix="rotative-bench-") as tmp:
        for size in args.sizes:
            print(f"[{size}] building the site…", flush=True)
            env, url, count, html_bytes = build_site(size, Path(tmp))
            for mode, cache_url in (("uncached", "dummy://"), ("cached", "")):
                port = free_port()
                server = start_server({**env, "CACHE_URL": cache_url}, port, args.workers)
                try:
                    result = measure(env, port, url, args)
                finally:
                    server.terminate()
                    server.wait(timeout=10)
                page_rps, page_p50 = result["page"]
                static_rps, static_p50 = result["static"]
                row = {
                    "size": size,
                    "articles": count,
                    "mode": mode,
                    "page_rps": round(page_rps, 1),
                    "page_p50": page_p50,
                    "static_rps": round(static_rps, 1),
                    "static_p50": static_p50,
                    "ratio": round(page_rps / static_rps, 3),
                    "html_bytes": html_bytes,
                }
                rows.append(row)
                print(
                    f"[{size}: {count} articles] {mode:8s} article page {page_rps:8.1f} req/s "
                    f"(p50 {page_p50}) | same HTML as static file {static_rps:8.1f} req/s "
                    f"(p50 {static_p50}) | ratio {row['ratio']:.3f}",
                    flush=True,
                )
    RESULTS.mkdir(exist_ok=True)
    meta = {
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
    }
    (RESULTS / "pages.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    print(f"Written to {RESULTS / 'pages.json'}")


if __name__ == "__main__":
    sys.exit(main())
