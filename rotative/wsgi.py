"""WSGI entry point (gunicorn rotative.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotative.settings.dev")

application = get_wsgi_application()
