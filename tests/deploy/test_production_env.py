"""With DEBUG=0 each production process refuses to start, naming what is missing."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.production import missing_variables, require_production_environment

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"]


def production_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED and k != "DEBUG"}
    return {**env, "DEBUG": "0", **values}


def test_missing_variables_are_named_in_order():
    assert missing_variables({}) == REQUIRED
    assert missing_variables({"SECRET_KEY": "x", "ALLOWED_HOSTS": "  "}) == REQUIRED[1:]


def test_only_debug_off_requires_the_environment():
    require_production_environment({})  # DEBUG unset: development
    require_production_environment({"DEBUG": "1"})
    for off in ("0", "false", "off"):
        with pytest.raises(ImproperlyConfigured, match="SECRET_KEY, ALLOWED_HOSTS"):
            require_production_environment({"DEBUG": off})


def test_the_wsgi_application_refuses_to_load_without_the_environment():
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=production_env(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="a.example"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "these must be set in the environment: DATABASE_URL, REDIS_URL" in result.stderr


@pytest.mark.parametrize("target", ["release", "serve", "worker", "beat"])
def test_each_process_refuses_to_start_naming_every_missing_variable(target):
    result = subprocess.run(
        ["make", "--no-print-directory", target],
        cwd=ROOT,
        env=production_env(REDIS_URL="redis://127.0.0.1:6379/0"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert (
        f"make {target}: cannot start: DEBUG is off, so these must be set in the environment: "
        "SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (see README, Deploy)."
    ) in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_to_start_before_the_static_files_are_collected(tmp_path):
    result = subprocess.run(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=production_env(
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="app.example.com",
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            REDIS_URL="redis://127.0.0.1:6379/0",
            STATIC_ROOT=str(tmp_path / "static"),
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "make serve: cannot start: static files are not collected" in result.stderr
    assert "run `make release` first" in result.stderr


def test_importing_the_settings_creates_no_folder(tmp_path):
    """A read-only filesystem: settings only read the environment."""
    code = (
        "import os, django; from django.conf import settings; django.setup();"
        " print(settings.STATIC_ROOT, settings.MEDIA_ROOT, os.path.exists(settings.STATIC_ROOT))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split()[-1] == "False"
    assert list(tmp_path.iterdir()) == []


def test_production_keeps_no_state_in_process_memory(tmp_path):
    """Sessions in the database; the cache (throttles, rate limits) and the broker on Redis;
    files in the bucket when one is named."""
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        " print(json.dumps([settings.SESSION_ENGINE, settings.CACHES['default']['BACKEND'],"
        " settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER,"
        " settings.STORAGES['default']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(
            DJANGO_SETTINGS_MODULE="config.settings",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="app.example.com",
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            REDIS_URL="redis://redis.internal:6379/0",
            AWS_STORAGE_BUCKET_NAME="consensus-files",
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    sessions, cache, broker, eager, storage = json.loads(result.stdout.splitlines()[-1])
    assert sessions == "django.contrib.sessions.backends.db"
    assert cache == "config.cache.ResilientRedisCache"  # Django's RedisCache, not a 500 when down
    assert (broker, eager) == ("redis://redis.internal:6379/0", False)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "consensus-files"
    assert storage["OPTIONS"]["default_acl"] is None  # the bucket's private policy
    assert storage["OPTIONS"]["querystring_auth"] is True
    assert storage["OPTIONS"]["querystring_expire"] == 60


@pytest.mark.parametrize("process", ["worker", "beat"])
def test_celery_started_directly_refuses_too(process, tmp_path):
    argv = [sys.executable, "-m", "celery", "-A", "config", process, "-l", "WARNING"]
    argv += ["--pool", "solo"] if process == "worker" else ["-s", str(tmp_path / "schedule")]
    result = subprocess.run(
        argv,
        cwd=ROOT,
        env=production_env(SECRET_KEY=secrets.token_urlsafe(50)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert (
        "celery: cannot start: DEBUG is off, so these must be set in the environment: "
        "ALLOWED_HOSTS, DATABASE_URL, REDIS_URL"
    ) in result.stdout + result.stderr
