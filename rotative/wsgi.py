"""WSGI entry point (gunicorn rotative.wsgi).

Once Django and every app are loaded, the objects they made live as long as the worker:
`gc.freeze()` moves them out of the collector's generations, so a full collection in a
request no longer walks the whole framework (120 ms pauses on a reader page, issue #15).
The release's digest, which files every kept reader page (`newsroom.release`), is read
here too, at start-up, not in the first reader's request.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotative.settings.dev")

application = get_wsgi_application()

from newsroom.release import release  # noqa: E402 - needs the settings loaded above

release()
gc.collect()
gc.freeze()
