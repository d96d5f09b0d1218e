"""Digest fixtures: an organization whose week has news, a frozen clock, and (for the
integration tests) real Celery workers pointed at an SMTP sink."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller

import digests.sections
from config.celery import app as celery_app
from scoring.models import Snapshot
from tests.factories import BuyingGroupFactory, member
from tests.integration import conftest as integration

# The real services of tests/integration (Redis, the broker switch, the shared cache),
# shared rather than copied: a fixture function bound here is a fixture here too.
redis_url = integration.redis_url
redis_cache = integration.redis_cache
broker = integration.broker

# Monday 8 June 2026 (ISO week 24), 06:05 UTC: 08:05 in Berlin (summer time).
MONDAY = datetime(2026, 6, 8, 6, 5, tzinfo=UTC)
WEEK_AGO = MONDAY - timedelta(days=7)


def snapshot(group, at, *, divergence, readiness, factors=(), missing=()):
    """A stored score of `group` as the nightly rescoring leaves it."""
    document = {
        "group": {"id": group.pk, "name": group.name, "members": 5},
        "as_of": at.date().isoformat(),
        "divergence": divergence,
        "readiness": {
            "score": readiness,
            "factors": [{"name": n, "effect": e, "why": w} for n, e, w in factors],
        },
        "missing_roles": list(missing),
    }
    return Snapshot.objects.create(
        group=group,
        taken_at=at,
        divergence=divergence,
        readiness=readiness,
        members=5,
        document=document,
    )


@pytest.fixture
def clock():
    """The clock stands still at MONDAY; `clock.move_to(...)` moves it."""
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def busy_week(org):
    """Acme's groups this week: one drifting apart (and missing a Decision Maker), one whose
    readiness rose, one at risk with low readiness, one archived (never in a digest)."""
    contoso = BuyingGroupFactory(organization=org, name="Contoso renewal")
    snapshot(contoso, WEEK_AGO - timedelta(hours=4), divergence=0.30, readiness=60)
    snapshot(
        contoso,
        MONDAY - timedelta(hours=4),
        divergence=0.42,
        readiness=45,
        factors=[
            ("factions", -12, "Two factions hear different stories."),
            ("coverage", -5, "The CFO has heard nothing in 30 days."),
            ("champion", 6, "A champion is in the group."),
        ],
        missing=["Decision Maker"],
    )
    fabrikam = BuyingGroupFactory(organization=org, name="Fabrikam expansion")
    snapshot(fabrikam, WEEK_AGO - timedelta(hours=4), divergence=0.20, readiness=50)
    snapshot(fabrikam, MONDAY - timedelta(hours=4), divergence=0.20, readiness=58)
    northwind = BuyingGroupFactory(organization=org, name="Northwind pilot")
    snapshot(northwind, WEEK_AGO - timedelta(hours=4), divergence=0.51, readiness=31)
    snapshot(
        northwind,
        MONDAY - timedelta(hours=4),
        divergence=0.52,
        readiness=30,
        factors=[("tailoring", -20, "Most recent messages reached one person only.")],
    )
    archived = BuyingGroupFactory(organization=org, name="Old archived deal", archived=True)
    snapshot(archived, WEEK_AGO - timedelta(hours=4), divergence=0.1, readiness=80)
    snapshot(archived, MONDAY - timedelta(hours=4), divergence=0.9, readiness=10)
    return {"contoso": contoso, "fabrikam": fabrikam, "northwind": northwind}


@dataclass(frozen=True)
class FakeSuggestion:
    title: str
    asset: str
    reasons: tuple[str, ...]
    send_first_name: str | None
    send_first_why: str = ""


@pytest.fixture
def suggestions(monkeypatch):
    """suggestions.suggesting.top_suggestion answering a suggestion for Northwind and Contoso,
    none for the rest; records who was asked. (The real one is tested on a real group in
    test_content.py: test_the_digest_suggests_what_the_suggestions_page_suggests.)"""
    asked = []

    def top_suggestion(group):
        asked.append(group.name)
        if group.name == "Northwind pilot":
            return FakeSuggestion(
                title="Cost of downtime calculator",
                asset="downtime-calculator",
                reasons=("Everyone cares about downtime.", "Shared-problem framing."),
                send_first_name="Dana Decider",
            )
        if group.name == "Contoso renewal":
            return FakeSuggestion("Security checklist", "security-checklist", (), None)
        return None

    monkeypatch.setattr(digests.sections, "top_suggestion", top_suggestion)
    return asked


@pytest.fixture
def news_every_week(org):
    """A group scored every day from March to November 2026 that always misses a Decision
    Maker: whatever the week, Acme's digest has something to say."""
    group = BuyingGroupFactory(organization=org, name="Always short-handed")
    start = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    document = {"readiness": {"score": 70, "factors": []}, "missing_roles": ["Decision Maker"]}
    Snapshot.objects.bulk_create(
        Snapshot(
            group=group,
            taken_at=start + timedelta(days=n),
            divergence=0.2,
            readiness=70,
            document=document,
        )
        for n in range(250)
    )
    return group


@pytest.fixture
def berlin(org, busy_week, news_every_week):
    """A marketer in Berlin, due at 08:00 on Monday, in a week with news (the sending tests)."""
    return member(org, email="berlin@acme.test", name="Bea Berlin", time_zone="Europe/Berlin")


# ------------------------------------------------------------------ integration


class DigestSink:
    """An SMTP server that keeps what it accepts. With `hang_on=N` it holds the N-th
    message before answering (so a test can kill the sender mid-send) and, released,
    refuses it: a message the server never accepted."""

    def __init__(self, hang_on: int | None = None) -> None:
        self.envelopes: list = []
        self.arrivals = 0
        self.hang_on = hang_on
        self.hanging = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.arrivals += 1
        if self.arrivals == self.hang_on:
            self.hanging.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Requested action aborted"
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(e.content, policy=email.policy.default)
            for e in list(self.envelopes)
        ]


@pytest.fixture
def digest_sink():
    """Start a DigestSink: `digest_sink(hang_on=None)` -> (sink, host, port)."""
    controllers = []

    def start(hang_on: int | None = None):
        sink = DigestSink(hang_on)
        controller = Controller(sink, hostname="127.0.0.1", port=integration.free_port())
        controller.start()
        controllers.append((controller, sink))
        return sink, controller.hostname, controller.port

    yield start
    for controller, sink in controllers:
        sink.release.set()
        controller.stop()


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    return report


class Worker:
    def __init__(self, proc: subprocess.Popen, log, hostname: str) -> None:
        self.proc, self.log, self.hostname = proc, log, hostname

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, no cleanup (a machine dying)."""
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def digest_workers(request, transactional_db, broker, redis_cache, redis_url):
    """Start real `celery worker` processes on the test database and broker whose email
    goes to an SMTP sink: `digest_workers(smtp_host, smtp_port, pool=..., concurrency=...)`.
    Queues are purged first, so nothing left by another test runs here."""
    celery_app.control.purge()
    workers: list[Worker] = []

    def start(smtp_host: str, smtp_port: int, *, pool: str = "solo", concurrency: int = 1):
        hostname = f"digests-{os.getpid()}-{uuid.uuid4().hex[:6]}@localhost"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": redis_cache,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DATABASE_URL": integration._test_database_url(),
            "SITE_URL": "https://app.example.com",
            "EMAIL_HOST": smtp_host,
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        argv = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", pool]
        argv += ["--concurrency", str(concurrency), "-l", "WARNING", "--without-gossip"]
        argv += ["--without-mingle", "--hostname", hostname]
        log = tempfile.TemporaryFile()  # noqa: SIM115 - closed at teardown, read on failure
        proc = subprocess.Popen(
            argv, cwd=integration.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        worker = Worker(proc, log, hostname)
        workers.append(worker)
        deadline = time.monotonic() + 30
        while not celery_app.control.ping(destination=[hostname], timeout=0.5):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{worker.output()}")
        return worker

    yield start
    for worker in workers:
        worker.stop()
    if request.node.stash.get(FAILED, False):
        for worker in workers:
            print(f"\n----- worker {worker.hostname} -----\n{worker.output()}", file=sys.stderr)
    for worker in workers:
        worker.log.close()
