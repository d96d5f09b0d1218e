"""What a production process (DEBUG off) needs from the environment, checked at startup.

`make release`, `make serve`, `make worker` and `make beat` (config.preflight), the WSGI
application (config.wsgi) and Celery worker and beat (config.celery) refuse to start,
naming every missing variable at once, rather than failing later: a worker on an in-memory
broker, a throttle counted per process in a local-memory cache, a database that is not the
shared one. The settings module does not check: tests and benchmarks load it with DEBUG off
on SQLite and no Redis, in one process.
"""

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

from config.env import FALSE

REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")


def missing_variables(environ: Mapping[str, str]) -> list[str]:
    """The required variables that are unset or blank, in a fixed order."""
    return [name for name in REQUIRED if not environ.get(name, "").strip()]


def debug_is_off(environ: Mapping[str, str]) -> bool:
    """As the settings read DEBUG (config.env.env_bool): unset means on."""
    raw = environ.get("DEBUG")
    return raw is not None and raw.strip().lower() in FALSE


def require_production_environment(environ: Mapping[str, str] = os.environ) -> None:
    """With DEBUG off: ImproperlyConfigured naming every missing variable."""
    missing = missing_variables(environ) if debug_is_off(environ) else []
    if missing:
        raise ImproperlyConfigured(
            "DEBUG is off, so these must be set in the environment: "
            + ", ".join(missing)
            + " (see README, Deploy)."
        )


S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_storage(environ: Mapping[str, str], *, url_seconds: int) -> dict | None:
    """The default storage in a private S3-compatible bucket, or None without
    AWS_STORAGE_BUCKET_NAME. Objects keep the bucket's own (private) policy, never a
    public ACL; URLs are signed and expire after `url_seconds`."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return None
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": url_seconds,
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }
