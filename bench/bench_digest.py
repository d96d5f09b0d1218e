"""Weekly digests for 1,000 users through a real Celery worker and an SMTP server; goal
<= 60 s on this machine.

Runs in a child process (its own process group) on a scratch SQLite database (run_child
from bench_analysis). Seeds 4 organizations of 250 members each, every organization with
25 buying groups (6 people, 8 ties, 20 touches), 10 assets, and two real snapshots per
group (`snapshot_take` a week ago and now), so the content is what a real week gives:
drift, readiness moves, missing roles and `top_suggestion` for the groups at risk. Every
user is due (Monday 00:00 in their own time zone; Berlin, Tokyo, Los Angeles, UTC).
Uses REDIS_URL or starts an embedded Redis, an aiosmtpd server in this process, and
`celery -A config worker --pool prefork --concurrency 2` pointed at both.

Measured: from `digest_dispatch_task.delay(now)` until the SMTP server has accepted 1,000
messages and 1,000 outbox rows are marked sent. Baseline, same run: building the same
1,000 emails inline in this process, chunk by chunk as the tasks do (content once per
organization and chunk, the email, its MIME bytes), without claiming or sending: what
one process spends on the digests themselves, so the ratio shows the price of the
outbox, SMTP and Celery (2 processes: below 1 means the workers more than pay for them).
A second result counts duplicates and missing recipients (goal 0).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bench.children import log, run_child, seed_group, seed_organization, setup_django
from bench.group_spec import group_spec, theme_slugs
from bench.results import Result
from bench.workers import start_worker, stop
from config import embedded_redis

ORGANIZATIONS = 4
USERS_PER_ORGANIZATION = 250
USERS = ORGANIZATIONS * USERS_PER_ORGANIZATION
GROUPS_PER_ORGANIZATION = 25
ASSETS_PER_ORGANIZATION = 10
ZONES = ("Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles", "UTC")
GOAL_S = 60.0
TIMEOUT_S = 180.0
CONCURRENCY = 2


# ------------------------------------------------------------------- services


class _Sink:
    """Counts and keeps the recipients of what it accepts."""

    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


# ---------------------------------------------------------------------- seeding


def _seed(now) -> list[tuple[int, int]]:
    """Organizations, groups, snapshots and users; returns the (user, organization) pairs."""
    from accounts.models import Membership, User
    from content.models import Asset
    from scoring.snapshots import snapshot_take

    slugs = theme_slugs()
    pairs = []
    for o in range(ORGANIZATIONS):
        organization = seed_organization(f"bench-{o}")
        Asset.objects.bulk_create(
            Asset(
                organization=organization,
                slug=f"asset-{a:02d}",
                title=f"Shared problem guide {a:02d}",
                kind="article",
                framing="shared_problem",
                level="mass_customized",
                themes={slugs[(a * 2) % len(slugs)]: 2, slugs[(a * 2 + 1) % len(slugs)]: 1},
            )
            for a in range(ASSETS_PER_ORGANIZATION)
        )
        for g in range(GROUPS_PER_ORGANIZATION):
            n = o * GROUPS_PER_ORGANIZATION + g
            spec = group_spec(members=6, ties=8, touches=20, days=30, end=now, seed=n)
            group = seed_group(organization, spec, name=f"Deal {n:03d}")
            snapshot_take(group=group, now=now - timedelta(days=7, hours=1))
            snapshot_take(group=group, now=now - timedelta(hours=1))
        users = User.objects.bulk_create(
            User(
                email=f"user{o}-{u:03d}@bench.example",
                name=f"User {o}-{u:03d}",
                time_zone=ZONES[u % len(ZONES)],
                digest_weekday=0,
                digest_hour=0,
            )
            for u in range(USERS_PER_ORGANIZATION)
        )
        users = User.objects.filter(email__startswith=f"user{o}-")
        Membership.objects.bulk_create(Membership(user=u, organization=organization) for u in users)
        pairs += [(u.pk, organization.pk) for u in users]
    return pairs


# --------------------------------------------------------------------- measuring


def _inline_baseline(now) -> float:
    """Seconds to build every due digest inline (content per organization and chunk, the
    email and its bytes), sending nothing."""
    from accounts.models import Membership
    from digests.emails import digest_email
    from digests.schedule import due_state, zone
    from digests.selectors import digest_content, digests_due
    from digests.tasks import chunked

    started = time.perf_counter()
    due = digests_due(now)
    built = 0
    for chunk in chunked([d.pair for d in due]):
        contents = {}
        memberships = Membership.objects.filter(
            user_id__in=[u for u, _ in chunk], organization_id__in={o for _, o in chunk}
        ).select_related("user", "organization")
        for m in memberships:
            if m.organization_id not in contents:
                contents[m.organization_id] = digest_content(m.organization, now=now)
            user = m.user
            week = due_state(
                now, zone(user.time_zone), weekday=user.digest_weekday, hour=user.digest_hour
            ).week
            message = digest_email(
                user=user,
                organization=m.organization,
                content=contents[m.organization_id],
                week=week,
            )
            built += len(message.message().as_bytes()) > 0
    elapsed = time.perf_counter() - started
    if built != USERS:
        raise RuntimeError(f"the baseline built {built} digests, not {USERS}")
    return elapsed


def _child() -> list[dict]:
    from aiosmtpd.controller import Controller

    tmp = os.environ.get("BENCH_TMPDIR") or tempfile.mkdtemp(prefix="consensus-bench-")
    redis = worker = controller = None
    sink = _Sink()
    try:
        redis_url = os.environ.get("BENCH_REDIS_URL", "")
        if not redis_url:
            redis = embedded_redis.start()
            redis_url = redis.url
        controller = Controller(sink, hostname="127.0.0.1", port=embedded_redis.free_port())
        controller.start()
        env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": f"consensus-bench-{uuid.uuid4().hex[:12]}",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "SITE_URL": "https://bench.example.com",
            "EMAIL_HOST": controller.hostname,
            "EMAIL_PORT": str(controller.port),
            "EMAIL_USE_TLS": "0",
        }
        os.environ.update(env)
        setup_django()
        from django.utils import timezone

        from config.celery import app
        from digests.models import DigestOutbox
        from digests.tasks import CHUNK_SIZE, digest_dispatch_task

        now = timezone.now()
        started = time.perf_counter()
        pairs = _seed(now)
        log(f"digest: seeded {len(pairs):,} users in {time.perf_counter() - started:.0f} s")

        from accounts.models import Organization
        from digests.selectors import digest_content

        sample = digest_content(Organization.objects.order_by("pk").first(), now=now)
        log(
            "digest: one organization's content: "
            + ", ".join(f"{s.key} {len(s.items) + s.more}" for s in sample.sections)
        )
        baseline = _inline_baseline(now)
        log(f"digest: building {USERS:,} digests inline took {baseline:.1f} s")

        logpath = Path(tmp) / "digest-worker.log"
        with logpath.open("wb") as logfile:
            worker, hostname = start_worker(
                env, logfile, name="bench-digest", concurrency=CONCURRENCY
            )
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[hostname], timeout=0.5):
                if worker.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "the Celery worker did not start:\n" + logpath.read_text(errors="replace")
                    )
            log(f"digest: worker up ({CONCURRENCY} prefork processes); dispatching")

            started = time.perf_counter()
            digest_dispatch_task.delay(now.isoformat())
            sent = 0
            while True:
                sent = DigestOutbox.objects.filter(status=DigestOutbox.Status.SENT).count()
                elapsed = time.perf_counter() - started
                if (len(sink.recipients) >= USERS and sent >= USERS) or elapsed > TIMEOUT_S:
                    break
                if worker.poll() is not None:
                    break
                time.sleep(0.1)
            log(f"digest: {len(sink.recipients):,} emails, {sent:,} marked sent in {elapsed:.1f} s")
            time.sleep(1.0)  # anything sent twice would arrive now
            stop(worker, 30)
        output = logpath.read_text(errors="replace")
        tracebacks = output.count("Traceback")
        if tracebacks:
            log(f"digest: worker log tail:\n{output[-4000:]}")
    finally:
        stop(worker, 30)
        if controller is not None:
            controller.stop()
        if redis is not None:
            redis.stop()

    counts = Counter(sink.recipients)
    expected = {
        f"user{o}-{u:03d}@bench.example"
        for o in range(ORGANIZATIONS)
        for u in range(USERS_PER_ORGANIZATION)
    }
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    missing = len(expected - set(counts))
    done = missing == 0 and sent >= USERS
    status = "" if done else f", NOT DONE: {len(counts):,}/{USERS:,} recipients"
    return [
        {
            "name": f"digest: {USERS:,} weekly digests ({ORGANIZATIONS} organizations x "
            f"{GROUPS_PER_ORGANIZATION} groups), dispatch -> SMTP server, real worker prefork "
            f"x{CONCURRENCY}, SQLite, chunks of {CHUNK_SIZE}{status}; baseline = building "
            "them inline without sending",
            "value": elapsed,
            "unit": "s",
            "goal": f"<= {GOAL_S:g} s",
            "baseline": baseline,
            "ok": done and elapsed <= GOAL_S,
        },
        {
            "name": f"digest: duplicates / missing recipients ({duplicates}/{missing}), "
            f"worker tracebacks {tracebacks}",
            "value": duplicates + missing + tracebacks,
            "unit": "errors",
            "goal": "0",
            "baseline": None,
            "ok": duplicates + missing + tracebacks == 0,
        },
    ]


def run() -> list[Result]:
    return run_child(
        "bench.bench_digest",
        timeout=TIMEOUT_S + 300,
        env={"BENCH_REDIS_URL": os.environ.get("REDIS_URL", "")},
    )


if __name__ == "__main__":
    from bench.children import child_main

    sys.exit(child_main(sys.argv[1:], _child))
