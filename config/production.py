"""What a production process (DEBUG off) needs from the environment, checked at startup.

`make release`, `make serve`, `make worker` and `make beat` refuse to start, naming every
missing variable at once, rather than failing later (a worker on an in-memory broker, a
throttle counted per process in a local-memory cache, a database that is not the shared one).
"""

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")


def missing_variables(environ: Mapping[str, str]) -> list[str]:
    """The required variables that are unset or blank, in a fixed order."""
    return [name for name in REQUIRED if not environ.get(name, "").strip()]


def require_production_environment(environ: Mapping[str, str] | None = None) -> None:
    missing = missing_variables(os.environ if environ is None else environ)
    if missing:
        raise ImproperlyConfigured(
            "DEBUG is off, so these must be set in the environment: "
            + ", ".join(missing)
            + " (see README, Deploy)."
        )
