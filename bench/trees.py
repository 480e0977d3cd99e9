"""The trees a benchmark compares: this checkout, another one, or a past commit exported.

Shared by the benchmarks that run a baseline beside the current code in the same run
(bench/run.py, render_profile.py, pipeline.py, web_worker.py).
"""

from __future__ import annotations

import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The manage.py command that runs a site's whole task queue once, as its worker would
# (enrichment, the search index, related lists), before a page of it is measured.
DRAIN_QUEUE = ["db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload"]


def export(revision: str, into: Path) -> Path:
    """The tree of `revision` in `into`, without touching the working tree's git state."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def python_of(tree: Path) -> Path:
    """The tree's own virtualenv's Python, else this checkout's (an exported tree has none)."""
    own = tree / ".venv" / "bin" / "python"
    return own if own.exists() else REPO / ".venv" / "bin" / "python"
