"""Settings for `make run` on one machine: the production stack over plain HTTP.

The site is served by gunicorn with whitenoise, as in production, but on http://127.0.0.1,
so cookies cannot be Secure. The secret key is generated once and kept in var/.
"""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", False)
SERVE_MEDIA = True


def _local_secret_key():
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _local_secret_key()
