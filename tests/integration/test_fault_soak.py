"""The fault soak: digests, kit builds and changes to groups while workers are SIGKILLed
(pool children and whole workers) and Redis restarts empty, over and over. Beat's part
(the hourly digest dispatch, the kit sweep, the rescoring sweep) is played by this test,
faster. When the faults stop, everything settles:

- every kit is built, or failed with a reason;
- every due digest is sent, exactly once per person (a copy only ever with the same
  Message-ID: the window between the server's "250" and the row marked sent);
- every changed group is rescored (its "needs rescoring" marker drained).

The figures are printed at the end (run with -s to see them).
"""

import random
import time
from collections import Counter

import pytest
from django.utils import timezone

from digests import tasks as digest_tasks
from digests.models import DigestOutbox
from kits import services as kits
from kits import tasks as kit_tasks
from kits.models import ConsensusKit
from planner import services
from planner.models import BuyingGroup, Stakeholder
from scoring import tasks as planner_tasks
from scoring.models import Snapshot
from tests.digests import conftest as digest_fixtures
from tests.digests.conftest import MONDAY
from tests.factories import group_of
from tests.integration.faults import drop_broker_connections
from tests.integration.test_broker_restarts import make_due_users

pytestmark = pytest.mark.integration
busy_week = digest_fixtures.busy_week

USERS = 60
GROUPS = 6
KITS_AT_START = 8
KILLS = 24  # pool children and whole workers, SIGKILL
RESTARTS = 6  # Redis, SIGKILL, back empty
CHAOS_SECONDS = 120  # a bound, not a goal: the faults are counted, not timed
SETTLE_SECONDS = 75
TICK = 0.8
DEADLINE = 3  # kit build deadline and digest claim timeout, seconds (production: minutes)
ENV = {
    "KIT_BUILD_DEADLINE_SECONDS": str(DEADLINE),
    "KIT_BUILD_MAX_REQUEUES": "4",
    "DIGEST_CLAIM_TIMEOUT_SECONDS": str(DEADLINE),
    "RESCORE_SWEEP_AFTER_SECONDS": "1",
}


class Beat:
    """The periodic work, run from here; a tick that meets Redis down is simply missed."""

    def __init__(self) -> None:
        self.missed = 0

    def _try(self, call) -> None:
        try:
            call()
        except Exception:
            self.missed += 1
            drop_broker_connections()

    def tick(self) -> None:
        self._try(lambda: digest_tasks.digest_dispatch_task.apply(args=[MONDAY.isoformat()]))
        self._try(kit_tasks.kits_sweep)
        self._try(planner_tasks.rescore_marked_sweep_task.delay)


def request_kit(group) -> ConsensusKit:
    kit = kits.kit_request(
        group=group,
        by=None,
        problem_statement=f"{group.name}: downtime costs every team, every week.",
        assets=[],
        plan=[{"step": "Agree on the problem", "owner": "Rita", "due": ""}],
        enqueue=False,
    )
    try:
        kit_tasks.build_enqueue(kit.pk)  # broker down: stays queued for the sweep
    except Exception:
        drop_broker_connections()
    return kit


def change(group, rng: random.Random, changed: dict) -> None:
    person = rng.choice(list(Stakeholder.objects.filter(group=group)))
    try:
        services.stakeholder_update(stakeholder=person, influence=rng.randint(1, 5))
    except Exception:  # only the after-commit enqueue may meet Redis down: never raised
        raise
    changed[group.pk] = timezone.now()


def test_fault_soak(fault_stack, org, busy_week, settings, monkeypatch):
    for name, value in ENV.items():
        setattr(settings, name, int(value))
    monkeypatch.setattr(digest_tasks, "CHUNK_SIZE", 4)
    rng = random.Random(13)
    users = make_due_users(org, USERS)
    groups = [group_of(org, 4, name=f"Soak deal {n}", account=f"Soak {n}") for n in range(GROUPS)]
    BuyingGroup.objects.update(rescore_requested_at=None)  # only the soak's changes count
    fault_stack.smtp.delay = 0.05
    worker = fault_stack.worker(pool="prefork", concurrency=2, **ENV)
    beat = Beat()
    kit_ids = [request_kit(groups[n % GROUPS]).pk for n in range(KITS_AT_START)]
    changed: dict[int, object] = {}

    started = time.monotonic()
    tick = 0
    # Worker deaths nobody caused: kombu's and Celery's crashes on a dropped broker
    # connection (config/kombu_redis.py, config/celery_restart.py).
    died = 0
    while sum(worker.kills.values()) < KILLS or fault_stack.redis.restarts < RESTARTS:
        assert time.monotonic() - started < CHAOS_SECONDS, "the faults took too long to inject"
        tick += 1
        if not worker.alive:
            died += 1
            worker.start()
        if tick % 3 != 1:
            worker.kill_child()
        if tick % 6 == 3:
            fault_stack.redis.restart(down=0.3)
            drop_broker_connections()
        if tick % 12 == 7:
            worker.kill()
            worker.start()
        if tick % 3 == 0:
            beat.tick()
            change(rng.choice(groups), rng, changed)
        if tick % 6 == 0:
            kit_ids.append(request_kit(rng.choice(groups)).pk)
        time.sleep(TICK)
    chaos = time.monotonic() - started
    kills = dict(worker.kills)

    # The faults stop; beat goes on until everything has settled.
    def settled() -> bool:
        kits_done = (
            not ConsensusKit.objects.filter(pk__in=kit_ids)
            .exclude(status__in=["ready", "failed"])
            .exists()
        )
        sent = DigestOutbox.objects.filter(status="sent").count() == USERS
        rescored = not BuyingGroup.objects.filter(
            pk__in=changed, rescore_requested_at__isnull=False
        ).exists()
        return kits_done and sent and rescored

    settle_started = time.monotonic()
    while not settled():
        assert time.monotonic() - settle_started < SETTLE_SECONDS, _state(kit_ids, changed)
        beat.tick()
        time.sleep(1.0)
    settle = time.monotonic() - settle_started

    assert worker.alive and died == 0, worker.output()[-5000:]
    worker.stop()  # a warm shutdown: what it runs ends, so no late copy can arrive after
    for crash in ("attribute 'hostname'", "attribute 'connection_errors'"):
        assert f"'NoneType' object has no {crash}" not in worker.output()
    assert kills.get("child", 0) + kills.get("worker", 0) >= 20, kills
    assert fault_stack.redis.restarts >= 5

    built = ConsensusKit.objects.filter(pk__in=kit_ids)
    failed = list(built.filter(status="failed").values_list("error", flat=True))
    assert all(reason.strip() for reason in failed)  # failed always says why
    assert built.filter(status="ready").count() + len(failed) == len(kit_ids)

    messages = fault_stack.smtp.messages()
    by_person = Counter(m["To"] for m in messages)
    assert set(by_person) == {u.email for u in users}  # every due digest sent
    for person in by_person:
        ids = {m["Message-ID"] for m in messages if m["To"] == person}
        assert len(ids) == 1, (person, ids)  # copies only with the same Message-ID
    assert not DigestOutbox.objects.exclude(status="sent").exists()

    for group_id, changed_at in changed.items():
        assert Snapshot.objects.filter(group_id=group_id).exists()
        assert not BuyingGroup.objects.get(pk=group_id).rescore_requested_at, changed_at

    print(
        f"\nfault soak: {chaos:.0f} s of faults + {settle:.0f} s to settle; "
        f"worker kills {kills.get('child', 0)} pool children + {kills.get('worker', 0)} whole "
        f"workers, {fault_stack.redis.restarts} Redis restarts, {beat.missed} beat ticks "
        f"missed; kits {len(kit_ids)}: {len(kit_ids) - len(failed)} built, {len(failed)} "
        f"failed with a reason; digests {USERS} due: {len(by_person)} sent, "
        f"{len(messages) - len(by_person)} extra copies (same Message-ID); groups changed "
        f"{len(changed)}: all rescored"
    )


def _state(kit_ids, changed) -> str:
    kits_left = list(
        ConsensusKit.objects.filter(pk__in=kit_ids)
        .exclude(status__in=["ready", "failed"])
        .values_list("pk", "status", "step", "requeues")
    )
    digests = Counter(DigestOutbox.objects.values_list("status", flat=True))
    marked = list(
        BuyingGroup.objects.filter(pk__in=changed, rescore_requested_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    return f"not settled: kits {kits_left}, digests {dict(digests)}, still marked {marked}"
