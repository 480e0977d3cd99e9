"""The ceiling of the Python server: gunicorn answering the article's bytes from memory.

bench/run.py starts it beside the Rotative servers (same gunicorn, same sync workers): the
cached page can come no closer to nginx than this, whatever the cache does.
"""

import os
from pathlib import Path

BODY = Path(os.environ["CEILING_FILE"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
