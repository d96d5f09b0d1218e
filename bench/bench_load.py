"""Load: 50 signed-in sessions against `make serve` for 60 s; the group page's p95 within
5x the p95 of a static file served by the same server in the same run, 0 errors.

Runs in a child process (its own process group) on a scratch database: when DATABASE_URL
names PostgreSQL, a scratch database beside it (`<name>_bench_<pid>`, dropped at the end),
else a temporary SQLite file; REDIS_URL or an embedded Redis. The issue's goal is for
PostgreSQL + Redis (`DATABASE_URL=postgres://... REDIS_URL=redis://... make bench`); on
SQLite the same numbers are reported with "SQLite" in the goal.

`make release` (DEBUG=0) migrates and collects the static files, `seed_demo` fills the
database, then `make serve` (WEB_CONCURRENCY=2 unless BENCH_WEB_CONCURRENCY says) and
`make worker` start. BENCH_LOAD_SESSIONS (50) closed-loop sessions, each a thread with
its own keep-alive connection and a signed-in session of the demo marketer, run for
BENCH_LOAD_SECONDS (60), mixing the dashboard, group pages, suggestions, the library, the
stylesheet (the static-file baseline) and 10% writes (logging a touch, which also enqueues
the group's rescoring for the worker). Every answer other than 200 (303 for a write), and
every timeout or dropped connection, is an error.
"""

from __future__ import annotations

import http.client
import os
import random
import secrets
import string
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.bench_rescore import _scratch_postgres
from bench.children import django_env, log, run_child, setup_django
from bench.results import Result
from config import embedded_redis
from config.processes import MakeProcess, start_make, start_web, wait_until_live

SESSIONS = int(os.environ.get("BENCH_LOAD_SESSIONS", "50"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
GOAL_RATIO = 5.0
# (kind, weight): what a signed-in team does; "write" logs a touch.
MIX = [
    ("dashboard", 20),
    ("group", 25),
    ("suggestions", 15),
    ("library", 15),
    ("static", 15),
    ("write", 10),
]


@dataclass(frozen=True)
class Target:
    groups: list[tuple[int, int]]  # (group id, one stakeholder id)
    stylesheet: str
    sessions: list[str]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if error:
                self.errors.append(f"{kind}: {error}")
            else:
                self.latencies.setdefault(kind, []).append(seconds * 1000)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("nan")


def _seed(sessions: int) -> Target:
    """seed_demo, then `sessions` signed-in sessions of the demo marketer (in the database)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    from accounts.middleware import SESSION_KEY as ACTIVE_ORGANIZATION
    from accounts.models import Membership, User
    from planner.models import BuyingGroup, Stakeholder

    call_command("seed_demo", verbosity=0)
    user = User.objects.get(email="marketer@demo.example")
    organization_id = (
        Membership.objects.filter(user=user).order_by("joined_at", "pk").first().organization_id
    )
    keys = []
    for _ in range(sessions):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[ACTIVE_ORGANIZATION] = organization_id
        session.create()
        keys.append(session.session_key)
    groups = [
        (group.pk, Stakeholder.objects.filter(group=group).order_by("pk").first().pk)
        for group in BuyingGroup.objects.filter(organization_id=organization_id)
        if Stakeholder.objects.filter(group=group).exists()
    ]
    stylesheet = "/static/" + staticfiles_storage.stored_name("css/app.css")
    return Target(groups=groups, stylesheet=stylesheet, sessions=keys)


def _session_loop(
    port: int, session: str, target: Target, until: float, tally: Tally, seed: int
) -> None:
    rng = random.Random(seed)
    csrf = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))
    cookie = f"sessionid={session}; csrftoken={csrf}"
    kinds, weights = zip(*MIX, strict=True)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < until:
        kind = rng.choices(kinds, weights)[0]
        group, person = rng.choice(target.groups)
        method, body, expected = "GET", None, 200
        headers = {"Cookie": cookie}
        path = {
            "dashboard": "/",
            "group": f"/groups/{group}/",
            "suggestions": f"/groups/{group}/suggestions/",
            "library": "/library/",
            "static": target.stylesheet,
            "write": f"/groups/{group}/touches/new/",
        }[kind]
        if kind == "write":
            method, expected = "POST", 303
            body = urlencode(
                {
                    "touch-recipients": person,
                    "touch-occurred_at": time.strftime("%Y-%m-%dT%H:%M", time.gmtime()),
                    "touch-channel": "email",
                    "touch-themes": "cost-of-downtime",
                }
            )
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": csrf,
                    "Origin": f"http://127.0.0.1:{port}",
                }
            )
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            error = None if response.status == expected else f"{path} answered {response.status}"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{path}: {type(exc).__name__}: {exc}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        tally.record(kind, time.perf_counter() - started, error)
    conn.close()


def _drive(base_url: str, target: Target, seconds: float) -> tuple[Tally, float]:
    port = int(base_url.rsplit(":", 1)[1])
    tally = Tally()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_session_loop, args=(port, key, target, until, tally, n), daemon=True
        )
        for n, key in enumerate(target.sessions)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return tally, time.perf_counter() - started


def _child() -> list[dict]:
    configured_db = os.environ.get("BENCH_DATABASE_URL", "")
    processes: list[MakeProcess] = []
    drop_db = redis = None
    with tempfile.TemporaryDirectory(prefix="consensus-load-") as tmp:
        try:
            if configured_db:
                database_url, drop_db = _scratch_postgres(configured_db)
                backend = "PostgreSQL + Redis"
            else:
                database_url = f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
                backend = "SQLite + Redis, informational"
            redis_url = os.environ.get("BENCH_REDIS_URL", "")
            if not redis_url:
                redis = embedded_redis.start()
                redis_url = redis.url
            env = {
                **os.environ,
                **django_env(database_url),
                "REDIS_URL": redis_url,
                "CACHE_KEY_PREFIX": f"consensus-load-{uuid.uuid4().hex[:12]}",
                "CELERY_TASK_ALWAYS_EAGER": "0",
                "ALLOWED_HOSTS": "127.0.0.1",
                "STATIC_ROOT": str(Path(tmp) / "static"),
                "WEB_CONCURRENCY": os.environ.get("BENCH_WEB_CONCURRENCY", "2"),
                "WORKER_CONCURRENCY": "1",
                "SECRET_KEY": secrets.token_urlsafe(50),
            }
            env.pop("STATIC_MANIFEST")  # as in production: hashed names from the manifest
            release = start_make("release", env)
            if release.proc.wait(timeout=300) != 0:
                raise RuntimeError(f"make release failed:\n{release.output()}")
            os.environ.update(env)
            setup_django(migrate=False)
            started = time.perf_counter()
            target = _seed(SESSIONS)
            seconds = time.perf_counter() - started
            log(f"load: seeded the demo and {SESSIONS} sessions in {seconds:.0f} s")
            processes.append(start_make("worker", env))
            web, base_url = start_web(env)
            processes.append(web)
            wait_until_live(web, base_url)
            _drive(base_url, target, min(5.0, SECONDS))  # warm-up: caches, connections
            log(f"load: {SESSIONS} sessions for {SECONDS:.0f} s against {base_url} ({backend})")
            tally, elapsed = _drive(base_url, target, SECONDS)
        finally:
            for process in processes:
                process.stop()
            if redis is not None:
                redis.stop()
            if drop_db is not None:
                drop_db()
    requests = sum(len(v) for v in tally.latencies.values()) + len(tally.errors)
    for kind, values in sorted(tally.latencies.items()):
        log(f"load: {kind:<12} {len(values):>6} requests, p95 {p95(values):8.1f} ms")
    for error in tally.errors[:10]:
        log(f"load: error {error}")
    group_p95 = p95(tally.latencies.get("group", []))
    static_p95 = p95(tally.latencies.get("static", []))
    ratio = group_p95 / static_p95 if static_p95 else None
    return [
        {
            "name": "load: errors",
            "value": len(tally.errors),
            "unit": "errors",
            "goal": f"0 ({backend})",
            "baseline": None,
            "ok": not tally.errors,
        },
        {
            "name": "load: group page p95 vs static file p95",
            "value": round(group_p95, 1),
            "unit": "ms",
            "goal": f"<= {GOAL_RATIO:g}x static p95 ({backend})",
            "baseline": round(static_p95, 1),
            "ok": ratio is not None and ratio <= GOAL_RATIO,
        },
        {
            "name": "load: requests per second",
            "value": round(requests / elapsed, 1),
            "unit": "req/s",
            "goal": f"recorded: {SESSIONS} sessions for {SECONDS:g} s ({backend})",
            "baseline": None,
            "ok": True,
        },
    ]


def run() -> list[Result]:
    database_url = os.environ.get("DATABASE_URL", "")
    env = {
        "BENCH_DATABASE_URL": database_url
        if database_url.startswith(("postgres://", "postgresql://"))
        else "",
        "BENCH_REDIS_URL": os.environ.get("REDIS_URL", ""),
    }
    return run_child("bench.bench_load", timeout=SECONDS * 2 + 600, env=env, sqlite=False)


if __name__ == "__main__":
    from bench.children import child_main

    sys.exit(child_main(sys.argv[1:], _child))
