"""Running a benchmark's Django part in a child process on its own scratch database:
environment, process groups, setup, and writing a group into the database.
"""

import contextlib
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.group_spec import ROOT, GroupSpec, theme_slugs
from bench.results import Result

# ------------------------------------------------------------- child processes


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production-like settings (DEBUG off) on a scratch database, no Redis, quiet logs."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "testserver,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        # What config/__init__.py sets for every process of the app; here numpy is
        # imported (bench.group_spec) before config is, so the child gets it up front.
        "OPENBLAS_NUM_THREADS": "1",
        **extra,
    }


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def run_child(
    module: str, *, timeout: float, env: dict[str, str] | None = None, sqlite: bool = True
) -> list[Result]:
    """Run `python -m <module> --child OUT` in its own process group, on a scratch SQLite
    database in a temporary directory (DATABASE_URL, unless `sqlite` is False), and read
    the result rows it wrote to OUT. Its output goes to our stderr. Whatever it started
    and left behind (a worker, a Redis) is killed with its process group."""
    with tempfile.TemporaryDirectory(prefix="consensus-bench-") as tmp:
        out = Path(tmp) / "results.json"
        child_env = {**os.environ, **(env or {})}
        if sqlite:
            child_env.update(django_env(f"sqlite:///{Path(tmp) / 'db.sqlite3'}"))
            child_env.update(env or {})
        child_env["BENCH_TMPDIR"] = tmp
        if not sqlite:
            ensure_postgres_database(child_env.get("DATABASE_URL", ""))
        try:
            stderr_fd = sys.stderr.fileno()
        except (AttributeError, OSError, ValueError):
            stderr_fd = None
        proc = subprocess.Popen(
            [sys.executable, "-m", module, "--child", str(out)],
            cwd=ROOT,
            env=child_env,
            stdout=stderr_fd,
            stderr=stderr_fd,
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout=timeout)
        except BaseException:  # timeout or Ctrl-C: let it clean up, then make sure
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
            _kill_group(proc.pid)
            proc.wait()
            raise
        finally:
            _kill_group(proc.pid)  # leftovers of ours only: the group is the child's
        if code != 0:
            raise RuntimeError(f"{module} --child exited with {code} (see stderr)")
        rows = json.loads(out.read_text(encoding="utf-8"))
    return [Result.measured(**row) for row in rows]


def run_on_both(module: str, *, timeout: float, with_redis: bool = True) -> list[Result]:
    """`module`'s child on a scratch SQLite database with the in-process cache, then, when
    BENCH_POSTGRES_URL is set, on that PostgreSQL database (with BENCH_REDIS_URL as the
    cache if `with_redis` and it is set), as CI runs."""
    results = run_child(module, timeout=timeout)
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    if postgres:
        redis = os.environ.get("BENCH_REDIS_URL", "") if with_redis else ""
        env = django_env(postgres, REDIS_URL=redis)
        results += run_child(module, timeout=timeout, env=env, sqlite=False)
    return results


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database `url` names when it does not exist yet (a fresh
    machine has only `postgres`), so BENCH_POSTGRES_URL may name any database."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            log(f"created the PostgreSQL database {name}")


def child_main(argv: list[str], body) -> int:
    """The `--child OUT` entry point: run body() -> list of result dicts, write them."""
    if len(argv) != 2 or argv[0] != "--child":
        print(f"usage: python -m {body.__module__} --child OUT", file=sys.stderr)
        return 2

    def stop(signum, frame):
        raise SystemExit(128 + signum)  # so `finally` blocks stop what the body started

    signal.signal(signal.SIGTERM, stop)
    rows = body()
    Path(argv[1]).write_text(json.dumps(rows), encoding="utf-8")
    return 0


def setup_django(*, migrate: bool = True) -> None:
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        log(f"migrated the scratch database in {time.perf_counter() - started:.1f} s")


def settle_database() -> None:
    """Gather the query planner's statistics after seeding, as PostgreSQL's autovacuum
    does within a minute of a bulk insert in a real database: to a planner without them a
    freshly seeded table looks empty, and it reads all 2,000 touches of a group to show
    its latest 15. (SQLite: nothing to do.)"""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def seed_group(organization, spec: GroupSpec, *, name: str, themes: dict | None = None):
    """Write `spec` as a BuyingGroup of `organization` with bulk inserts; returns the group."""
    from planner.models import BuyingGroup, Relationship, Stakeholder, Touch

    group = BuyingGroup.objects.create(organization=organization, name=name, account=name)
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
        for p in spec.people
    )
    Relationship.objects.bulk_create(
        Relationship(group=group, source=people[a], target=people[b], kind=kind, strength=s)
        for a, b, kind, s in spec.ties
    )
    Touch.objects.bulk_create(
        (
            Touch(
                group=group,
                stakeholder=people[t.person],
                occurred_at=t.occurred_at,
                channel="email",
                themes=t.themes,
                message_key=t.message_key,
            )
            for t in spec.touches
        ),
        batch_size=500,
    )
    return group


LIBRARY_ASSETS = 40  # a content library of the size our demo customers keep


def seed_library(organization, *, count: int = LIBRARY_ASSETS, seed: int = 7) -> None:
    """A content library for `organization`: `count` assets over the bench's themes, with
    a mix of framings, levels and stages, so pages suggest, forecast and rank as they do
    for a real team (without one, a page has nothing to suggest and skips all of it)."""
    from content.csv_schemas import FRAMING_CHOICES, LEVEL_CHOICES, STAGE_CHOICES
    from content.models import Asset

    rng = random.Random(seed)
    slugs = theme_slugs()
    Asset.objects.bulk_create(
        Asset(
            organization=organization,
            slug=f"bench-asset-{i:03d}",
            title=f"Bench asset {i}: the problem the whole group shares",
            kind="article",
            framing=FRAMING_CHOICES[i % len(FRAMING_CHOICES)][0],
            level=LEVEL_CHOICES[i % len(LEVEL_CHOICES)][0],
            stage=STAGE_CHOICES[i % len(STAGE_CHOICES)][0],
            themes={slug: rng.randint(1, 3) for slug in rng.sample(slugs, 3)},
            url=f"https://content.example/bench-asset-{i:03d}",
        )
        for i in range(count)
    )


def seed_organization(slug: str = "bench"):
    from accounts.models import Organization
    from content.models import Theme
    from planner.models import PlannerSettings

    organization = Organization.objects.create(slug=slug, name=f"Bench {slug}")
    PlannerSettings.objects.create(organization=organization)
    Theme.objects.bulk_create(
        Theme(organization=organization, slug=slug, name=slug.replace("-", " ").title())
        for slug in theme_slugs()
    )
    return organization
