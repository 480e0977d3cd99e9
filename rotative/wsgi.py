"""WSGI entry point (gunicorn rotative.wsgi).

Once Django and every app are loaded, the objects they made live as long as the worker:
`gc.freeze()` moves them out of the collector's generations, so a full collection in a
request no longer walks the whole framework (120 ms pauses on a reader page, issue #15).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotative.settings.dev")

application = get_wsgi_application()
gc.collect()
gc.freeze()
