"""feedparser's own fixture suite, run through our feed path and through bare feedparser.

feedparser 6.0.14 ships ~2,270 test feeds; each states in a header comment what a correct
parse gives (`Expect: not bozo and feed['title'] == u'Example feed'`). Replaying them
through `parse_feed_bytes` (ensure_safe_xml, then feedparser with our options) tells us what
our hardening and options cost in parsing fidelity, beside feedparser as its authors run it:

  bare feedparser   feedparser.parse with its defaults, no pre-validation, every HTTP header
                    the fixture declares (the suite's own conditions);
  our options       the same, with sanitize_html=False and resolve_relative_uris=False: the
                    difference from the first column is what our options change, not our
                    hardening (we sanitise HTML ourselves, so feedparser's sanitiser fixtures
                    are expected to fail here);
  ours              `parse_feed_bytes(content, content_type)`, exactly what FeedAdapter runs:
                    hardening first, and only the Content-Type header (an adapter sees nothing
                    else of the response, so Content-Location/-Language fixtures fail).

The fixtures are read from the tarball in memory, never extracted. Fixtures whose name
contains "http" are served over HTTP by feedparser's harness; here their `Header:` lines are
passed as response headers and the address they would have been served from as
Content-Location (feedparser's base URI), which is close but not identical (no `href`).
The `Expect:` expressions come from trusted fixture files; they are still evaluated with
only the handful of builtins they use.

    .venv/bin/python bench/feed_fixtures.py [--json] [--tarball PATH] [--show-failures N]
"""

from __future__ import annotations

import argparse
import codecs
import collections
import datetime
import importlib.util
import io
import json
import mimetypes
import os
import re
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

REPO = Path(__file__).resolve().parent.parent
TARBALL = REPO.parent / "shared" / "data" / "feeds" / "feedparser_6.0.14_tests.tar.gz"
# Where feedparser's harness serves the "http" fixtures from.
HARNESS_URL = "http://127.0.0.1:8097/"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotative.settings.test")
sys.path.insert(0, str(REPO))

import django  # noqa: E402

django.setup()

import feedparser  # noqa: E402

from ingest.exceptions import IngestError  # noqa: E402
from ingest.formats.feeds import parse_feed_bytes  # noqa: E402

DESCRIPTION = re.compile(rb"Description:\s*(.*?)\s*Expect:\s*(.*)\s*-->")
SKIP_UNLESS = re.compile(rb"SkipUnless:\s*(.*?)\n")
HEADER = re.compile(rb"^Header:\s+([^:]+):(.+)$", re.MULTILINE)
# What the Expect expressions use, and nothing else.
EVAL_BUILTINS = {
    "len": len,
    "ord": ord,
    "isinstance": isinstance,
    "locals": locals,
    "str": str,
    "int": int,
    "tuple": tuple,
    "list": list,
    "dict": dict,
}
EVAL_GLOBALS = {"__builtins__": EVAL_BUILTINS, "datetime": datetime, "feedparser": feedparser}
COLUMNS = ("bare feedparser", "our options", "ours")


@dataclass
class Fixture:
    path: str
    content: bytes
    expect: str
    headers: dict[str, str]
    skip_reason: str = ""

    @property
    def folder(self) -> str:
        """tests/wellformed/atom/x.xml → “wellformed/atom”; tests/encoding/x.xml → “encoding”."""
        return "/".join(self.path.split("/")[1:-1])

    @property
    def is_encoding(self) -> bool:
        return "encoding" in self.folder


@dataclass
class Tally:
    evaluated: int = 0
    passed: int = 0
    eval_errors: int = 0
    refused: collections.Counter = field(default_factory=collections.Counter)
    crashed: int = 0
    failures: list[str] = field(default_factory=list)


def _selected(name: str) -> bool:
    """The files feedparser's runtests.py turns into tests: tests/*/*/*.xml plus the top level
    of encoding/, illformed/ and entities/ (tests/http/ holds HTTP-status cases run by code)."""
    parts = name.split("/")
    if not name.endswith(".xml") or parts[0] != "tests":
        return False
    return len(parts) == 4 or (
        len(parts) == 3 and parts[1] in ("encoding", "illformed", "entities")
    )


def _to_utf8(data: bytes) -> bytes:
    """The header comment of a UTF-16/32 or EBCDIC fixture, readable (as runtests does)."""
    boms = (
        (b"\x4c\x6f\xa7\x94", "cp037", 0),
        (b"\x00\x00\xfe\xff", "utf-32be", 0),
        (b"\xff\xfe\x00\x00", "utf-32le", 0),
        (b"\x00\x00\x00\x3c", "utf-32be", 0),
        (b"\x3c\x00\x00\x00", "utf-32le", 0),
        (b"\x00\x3c\x00\x3f", "utf-16be", 0),
        (b"\x3c\x00\x3f\x00", "utf-16le", 0),
        (b"\xfe\xff", "utf-16be", 2),
        (b"\xff\xfe", "utf-16le", 2),
    )
    for marker, encoding, skip in boms:
        if data.startswith(marker):
            return data[skip:].decode(encoding).encode("utf-8")
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def _skip_reason(condition: str) -> str:
    """SkipUnless lines, checked without running them: a module, a codec, an attribute."""
    module = re.fullmatch(r"__import__\('([\w.]+)'\)", condition)
    codec = re.fullmatch(r"__import__\('codecs'\)\.lookup\('([\w-]+)'\)", condition)
    if codec:
        try:
            codecs.lookup(codec.group(1))
        except LookupError:
            return f"codec unavailable: {codec.group(1)}"
        return ""
    if module:
        return (
            "" if importlib.util.find_spec(module.group(1)) else f"not installed: {module.group(1)}"
        )
    if condition.startswith("__import__('sys').version"):
        return ""
    attribute = re.fullmatch(r"feedparser\.(\w+)", condition)
    if attribute:
        return (
            ""
            if getattr(feedparser, attribute.group(1), None)
            else f"not in feedparser: {condition}"
        )
    return ""


def read_fixtures(tarball: Path) -> list[Fixture]:
    fixtures = []
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive:
            if not member.isfile() or not _selected(member.name):
                continue
            content = archive.extractfile(member).read()
            header = _to_utf8(content) if "encoding" in member.name else content
            described = DESCRIPTION.search(header)
            if not described:
                continue
            headers = {
                name.decode().strip().lower(): value.decode().strip()
                for name, value in HEADER.findall(header)
            }
            skip = SKIP_UNLESS.search(header)
            fixtures.append(
                Fixture(
                    path=member.name,
                    content=content,
                    expect=described.group(2).decode("utf-8").strip(),
                    headers=headers,
                    skip_reason=_skip_reason(skip.group(1).decode().strip()) if skip else "",
                )
            )
    return fixtures


def _harness_headers(fixture: Fixture) -> dict[str, str]:
    """The response headers feedparser's test server would send for an "http" fixture."""
    if "http" not in fixture.path:
        return {}
    url = urljoin(HARNESS_URL, fixture.path)
    headers = dict(fixture.headers)
    headers.setdefault("content-type", mimetypes.guess_type(fixture.path)[0] or "text/xml")
    headers["content-location"] = urljoin(url, headers.get("content-location", ""))
    return headers


def _parse(column: str, fixture: Fixture):
    headers = _harness_headers(fixture)
    if column == "ours":
        return parse_feed_bytes(fixture.content, headers.get("content-type", ""))
    options = {}
    if column == "our options":
        options = {"sanitize_html": False, "resolve_relative_uris": False}
    result = feedparser.parse(io.BytesIO(fixture.content), response_headers=headers, **options)
    return _as_if_fetched(result, fixture, headers)


def _as_if_fetched(result, fixture: Fixture, headers: dict[str, str]):
    """The keys feedparser's HTTP client adds to a result (href, status, etag, modified):
    the "http" fixtures test them, and parsing bytes never sets them."""
    if headers:
        result["href"] = urljoin(HARNESS_URL, fixture.path)
        result["status"] = int(headers.get("status", 200))
        for header, key in (("etag", "etag"), ("last-modified", "modified")):
            if header in headers:
                result[key] = headers[header]
    return result


def _holds(expect: str, result) -> bool:
    return bool(eval(expect, dict(EVAL_GLOBALS), result))  # noqa: S307 (trusted fixture text)


def run(fixtures: list[Fixture]) -> dict[str, dict[str, Tally]]:
    """Per column, tallies for: all fixtures, encoding fixtures, and each folder."""
    tallies = {
        column: collections.defaultdict(Tally)  # key: "all", "encoding" or a folder
        for column in COLUMNS
    }
    for fixture in fixtures:
        if fixture.skip_reason:
            continue
        keys = {"all", fixture.folder} | ({"encoding"} if fixture.is_encoding else set())
        for column in COLUMNS:
            outcome = _outcome(column, fixture)
            for key in keys:
                tally = tallies[column][key]
                if outcome in ("pass", "fail", "eval_error"):
                    tally.evaluated += 1
                if outcome == "pass":
                    tally.passed += 1
                elif outcome == "eval_error":
                    tally.eval_errors += 1
                elif outcome == "crash":
                    tally.crashed += 1
                elif outcome.startswith("refused:"):
                    tally.refused[outcome.removeprefix("refused:")] += 1
                if outcome != "pass" and key == "all":
                    tally.failures.append(f"{outcome}: {fixture.path}")
    return tallies


def _outcome(column: str, fixture: Fixture) -> str:
    try:
        result = _parse(column, fixture)
    except IngestError as error:
        return f"refused:{error.code}"
    except Exception:  # noqa: BLE001 (a crashing parser is a result to count)
        return "crash"
    try:
        return "pass" if _holds(fixture.expect, result) else "fail"
    except Exception:  # noqa: BLE001
        return "eval_error"


def summary(fixtures: list[Fixture], tallies, seconds: float) -> dict:
    skipped = collections.Counter(f.skip_reason.split(":")[0] for f in fixtures if f.skip_reason)
    report = {
        "fixtures": len(fixtures),
        "encoding_fixtures": sum(f.is_encoding for f in fixtures),
        "skipped": dict(skipped),
        "seconds": round(seconds, 1),
        "columns": {},
    }
    for column in COLUMNS:
        every, encoding = tallies[column]["all"], tallies[column]["encoding"]
        report["columns"][column] = {
            "evaluated": every.evaluated,
            "passed": every.passed,
            "eval_errors": every.eval_errors,
            "crashed": every.crashed,
            "refused": dict(every.refused),
            "refused_fixtures": [f for f in every.failures if f.startswith("refused:")],
            "encoding_evaluated": encoding.evaluated,
            "encoding_passed": encoding.passed,
            "encoding_refused": sum(encoding.refused.values()),
        }
    folders = sorted({f.folder for f in fixtures})
    report["folders"] = {
        folder: {
            column: [tallies[column][folder].passed, tallies[column][folder].evaluated]
            for column in COLUMNS
        }
        for folder in folders
    }
    report["failures"] = {column: tallies[column]["all"].failures for column in COLUMNS}
    return report


def _rate(passed: int, total: int) -> str:
    return f"{passed}/{total} ({100 * passed / total:.1f}%)" if total else "0/0"


def print_table(report: dict, show_failures: int) -> None:
    columns = report["columns"]
    skipped = sum(report["skipped"].values())
    print(
        f"feedparser {feedparser.__version__} fixtures: {report['fixtures']} "
        f"({skipped} skipped by SkipUnless, as feedparser's harness skips them: "
        f"{', '.join(f'{n} {why}' for why, n in report['skipped'].items()) or '-'}), "
        f"{report['seconds']} s"
    )
    width = 26
    print("".ljust(24) + "".join(column.rjust(width) for column in COLUMNS))

    def row(label, values):
        print(label.ljust(24) + "".join(str(value).rjust(width) for value in values))

    row("evaluated", [columns[c]["evaluated"] for c in COLUMNS])
    row(
        "pass as header says",
        [_rate(columns[c]["passed"], columns[c]["evaluated"]) for c in COLUMNS],
    )
    row("refused before parsing", [sum(columns[c]["refused"].values()) for c in COLUMNS])
    row("Expect raised", [columns[c]["eval_errors"] for c in COLUMNS])
    row("parser crashed", [columns[c]["crashed"] for c in COLUMNS])
    row(
        f"encoding ({report['encoding_fixtures']})",
        [_rate(columns[c]["encoding_passed"], columns[c]["encoding_evaluated"]) for c in COLUMNS],
    )
    ours = columns["ours"]
    if ours["refused"]:
        print("refused by ours:", ", ".join(f"{n} {code}" for code, n in ours["refused"].items()))
        for line in ours["refused_fixtures"]:
            print("   ", line.split(": ", 1)[1])
    print(
        "folders where the columns differ (passed/evaluated); sanitize/ and base/ expect "
        "feedparser's own sanitiser and URI rewriting, both off in our path:"
    )
    for folder, values in report["folders"].items():
        if len({tuple(v) for v in values.values()}) > 1:
            print(
                "   "
                + folder.ljust(21)
                + "".join(f"{p}/{t}".rjust(width) for p, t in values.values())
            )
    if show_failures:
        for column in COLUMNS:
            print(f"first failures, {column}:")
            for line in report["failures"][column][:show_failures]:
                print("   ", line)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", type=Path, default=TARBALL)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    if not args.tarball.exists():
        print(f"{args.tarball} not found", file=sys.stderr)
        return 2
    started = time.perf_counter()
    fixtures = read_fixtures(args.tarball)
    tallies = run(fixtures)
    report = summary(fixtures, tallies, time.perf_counter() - started)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_table(report, args.show_failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
