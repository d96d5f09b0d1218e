"""The full analysis of a 50-member group with 2,000 touches; goal <= 10 ms.

1. Pure pipeline (no Django, no database), in this process: everything
   `scoring.analysis.analyze` computes once the rows are loaded: TouchEvents from row
   tuples, analyze_graph, role coverage, the narrative, exposure, exposure and priority
   divergence, friction on every tie, common ground, tailoring index and readiness (with
   a GroupState built as scoring/analysis.py builds it). Baseline, same run: `json.dumps`
   of the 2,000 touch rows (ISO timestamps), i.e. serialising the input once.
2. The DB-backed adapter `scoring.analysis.analyze` on the same group in a scratch SQLite
   database, in a child process (Django is set up once per process, and other bench
   modules use other scratch databases). Informational (goal "report"); baseline: the
   pure pipeline measured in that child.

Also home of what the Django bench modules share: `group_spec` (a deterministic group as
plain data), `seed_group` (writes one to the database) and `run_child` (runs a module's
`--child` mode in a subprocess on its own scratch database).
"""

from __future__ import annotations

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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.results import Result, median_ms
from planner.buying_roles import DEFAULT_REQUIRED_ROLES, ROLE_CHOICES, ROLE_LABELS
from scoring.core.baseline import baseline_note, baseline_purchase_likelihood
from scoring.core.divergence import Member, common_ground, divergence, pairwise_divergences
from scoring.core.exposure import TouchEvent, exposure, recent_activity
from scoring.core.graph import CONFLICT, POSITIVE_KINDS, Person, Tie, analyze_graph
from scoring.core.graph import missing_roles as role_coverage
from scoring.core.narrative import describe
from scoring.core.readiness import GroupState, readiness

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 10.0
MEMBERS = 50
TIES = 150
TOUCHES = 2_000
THEMES = 20
DAYS = 120
RECENT_DAYS = 30  # scoring.analysis.RECENT_DAYS (not imported: that module needs Django)
HALF_LIFE_DAYS = 30.0
AS_OF = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
STANCES = ("supporter", "neutral", "skeptic", "unknown")


# ----------------------------------------------------------------------- the group


@dataclass(frozen=True)
class PersonSpec:
    email: str
    name: str
    influence: int
    buying_role: str
    stance: str
    priorities: dict[str, float]


@dataclass(frozen=True)
class TouchSpec:
    person: int  # index into GroupSpec.people
    occurred_at: datetime
    themes: dict[str, float]
    message_key: str  # "" for a one-off message


@dataclass(frozen=True)
class GroupSpec:
    people: tuple[PersonSpec, ...]
    ties: tuple[tuple[int, int, str, int], ...]  # (source index, target index, kind, strength)
    touches: tuple[TouchSpec, ...]


def theme_slugs(count: int = THEMES) -> list[str]:
    return [f"theme-{i:02d}" for i in range(1, count + 1)]


def group_spec(
    *,
    members: int = MEMBERS,
    ties: int = TIES,
    touches: int = TOUCHES,
    themes: int = THEMES,
    days: int = DAYS,
    end: datetime = AS_OF,
    seed: int = 2024,
    domain: str = "buyer.example",
) -> GroupSpec:
    """A deterministic buying group: departments of ten (most ties inside one, a few
    conflicts), everyone but a tenth touched, each department hearing mostly its own
    themes; 60% of messages reach one person, the rest 2-6 people sharing a message key."""
    rng = random.Random(seed)
    slugs = theme_slugs(themes)
    roles = [value for value, _ in ROLE_CHOICES]
    department_size = min(10, members)
    people = tuple(
        PersonSpec(
            email=f"member{i:03d}@{domain}",
            name=f"Member {i:03d}",
            influence=rng.randint(1, 5),
            buying_role=roles[i % len(roles)] if i < members - 1 else "other",
            stance=rng.choice(STANCES),
            priorities=(
                {slug: float(rng.randint(1, 5)) for slug in rng.sample(slugs, min(3, themes))}
                if rng.random() < 0.6
                else {}
            ),
        )
        for i in range(members)
    )
    seen: set[frozenset[int]] = set()
    tie_rows: list[tuple[int, int, str, int]] = []
    every = max(1, ties // max(1, ties // 15))  # about one conflict in fifteen ties
    attempts = 0
    while len(tie_rows) < ties and attempts < ties * 100:
        attempts += 1
        a = rng.randrange(members)
        if rng.random() < 0.75:
            start = (a // department_size) * department_size
            b = start + rng.randrange(min(department_size, members - start))
        else:
            b = rng.randrange(members)
        if a == b or frozenset((a, b)) in seen:
            continue
        seen.add(frozenset((a, b)))
        kind = CONFLICT if len(tie_rows) % every == every - 1 else rng.choice(POSITIVE_KINDS)
        tie_rows.append((a, b, kind, rng.randint(1, 5)))

    reached = [i for i in range(members) if members < 10 or i % 10 != 9]
    touch_rows: list[TouchSpec] = []
    message = 0
    while len(touch_rows) < touches:
        message += 1
        first = rng.choice(reached)
        department = first // department_size
        home = [s for j, s in enumerate(slugs) if (j + department) % 5 == 0]  # its 4 themes
        pool = home if home and rng.random() < 0.7 else slugs
        picked = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        weights = {slug: float(rng.randint(1, 3)) for slug in picked}
        when = end - timedelta(seconds=rng.uniform(0, days * 86_400))
        if rng.random() < 0.6:
            recipients = [first]
            key = f"m{seed}-{message}" if rng.random() < 0.5 else ""
        else:
            colleagues = [j for j in reached if j // department_size == department and j != first]
            extra = rng.sample(colleagues, min(len(colleagues), rng.randint(1, 5)))
            recipients = [first, *extra]
            key = f"m{seed}-{message}"
        for person in recipients[: touches - len(touch_rows)]:
            touch_rows.append(TouchSpec(person, when, dict(weights), key))
    return GroupSpec(people=people, ties=tuple(tie_rows), touches=tuple(touch_rows))


# ----------------------------------------------------------------- pure pipeline


def touch_rows(spec: GroupSpec) -> list[tuple]:
    """What `scoring.analysis.touch_events` reads: (email, occurred_at, themes, message id)."""
    return [
        (
            spec.people[t.person].email,
            t.occurred_at,
            t.themes,
            t.message_key or f"touch-{i}",
        )
        for i, t in enumerate(spec.touches)
    ]


def pure_pipeline(spec: GroupSpec, rows: list[tuple], *, as_of: datetime):
    """What `scoring.analysis.analyze` (with `group_map`) computes after its five queries,
    with the same calls: friction through `pairwise_divergences` (each member's exposure
    normalised once) and the tailoring index with the recently touched people through
    `recent_activity` (one pass), which give exactly what one `pairwise_divergence` per
    tie and `tailoring_index` plus a second pass over the touches gave."""
    people = [
        Person(p.email, p.influence, role=ROLE_LABELS.get(p.buying_role, "Other"), stance=p.stance)
        for p in spec.people
    ]
    ties = [Tie(people[a].key, people[b].key, kind, s) for a, b, kind, s in spec.ties]
    insights = analyze_graph(people, ties)
    coverage = role_coverage({p.buying_role for p in spec.people}, list(DEFAULT_REQUIRED_ROLES))
    missing_labels = tuple(ROLE_LABELS.get(role, role) for role in coverage.missing)
    names = {p.email: p.name or p.email for p in spec.people}
    size = len(spec.people)
    sentences = describe(insights, coverage, names=names, size=size, missing_labels=missing_labels)
    baseline_purchase_likelihood(size)
    baseline_note(size)

    events = [
        TouchEvent(key=key, occurred_at=at, themes=themes, message_id=message)
        for key, at, themes, message in rows
    ]
    exposures = exposure(events, as_of=as_of, half_life_days=HALF_LIFE_DAYS)
    members = [
        Member(
            key=p.email,
            influence=float(p.influence),
            exposure=exposures.get(p.email, {}),
            priorities=p.priorities,
        )
        for p in spec.people
    ]
    exposure_divergence = divergence(members)
    friction = pairwise_divergences(
        exposures, (tuple(sorted((tie.source, tie.target))) for tie in ties)
    )
    ground = common_ground(members)
    tailoring, recent = recent_activity(events, as_of=as_of, window_days=RECENT_DAYS)
    state = GroupState(
        people=tuple(people),
        names=names,
        insights=insights,
        coverage=coverage,
        missing_role_labels=missing_labels,
        divergence=exposure_divergence,
        exposures=exposures,
        common_ground=ground,
        theme_names={slug: slug.replace("-", " ").title() for slug in theme_slugs()},
        tailoring=tailoring,
        recently_touched=recent,
    )
    return (
        sentences,
        friction,
        divergence(members, use="priorities"),
        readiness(state),
    )


def json_baseline(rows: list[tuple]) -> str:
    return json.dumps(
        [
            {"key": key, "at": at.isoformat(), "themes": themes, "message": message}
            for key, at, themes, message in rows
        ]
    )


def measure_pure(spec: GroupSpec, *, as_of: datetime, runs: int = 100) -> tuple[float, float]:
    rows = touch_rows(spec)
    value = median_ms(lambda: pure_pipeline(spec, rows, as_of=as_of), runs=runs, warmup=10)
    baseline = median_ms(lambda: json_baseline(rows), runs=runs, warmup=10)
    return value, baseline


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


def _child() -> list[dict]:
    setup_django()
    from scoring.analysis import analyze

    spec = group_spec()
    group = seed_group(seed_organization(), spec, name="Fifty")
    analyze(group, as_of=AS_OF)  # warm caches (content types, prepared statements)
    value = median_ms(lambda: analyze(group, as_of=AS_OF), runs=40, warmup=5)
    pure, _ = measure_pure(spec, as_of=AS_OF, runs=40)
    return [
        {
            "name": "analysis: scoring.analysis.analyze, DB-backed (50 members, 2,000 touches, "
            "SQLite); baseline = pure pipeline",
            "value": value,
            "unit": "ms",
            "goal": "report",
            "baseline": pure,
            "ok": True,
        }
    ]


def run() -> list[Result]:
    spec = group_spec()
    log(
        f"analysis: {len(spec.people)} people, {len(spec.ties)} ties, {len(spec.touches)} "
        f"touches, {len({t.message_key for t in spec.touches if t.message_key})} shared keys"
    )
    value, baseline = measure_pure(spec, as_of=AS_OF, runs=200)
    results = [
        Result.measured(
            name=f"analysis: full pure pipeline ({MEMBERS} members, {TIES} ties, "
            f"{TOUCHES:,} touches); baseline = json.dumps of the touches",
            value=value,
            unit="ms",
            goal=f"<= {GOAL_MS:g} ms",
            baseline=baseline,
            ok=value <= GOAL_MS,
        )
    ]
    results += run_child("bench.bench_analysis", timeout=300)
    return results


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:], _child))
