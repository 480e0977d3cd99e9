"""Settings for `make run` on one machine: the production stack over plain HTTP.

The site is served by gunicorn with whitenoise, as in production, but on http://127.0.0.1,
so cookies cannot be Secure. The secret key is generated once and kept in var/.
"""

import os
import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", False)
SERVE_MEDIA = True
# Mail goes to the local sink (`manage.py run_smtp_sink`, started by `make run`), which keeps
# each message for the admin's Inbox; EMAIL_HOST/EMAIL_PORT in the environment still win.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))


def _local_secret_key():
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _local_secret_key()
