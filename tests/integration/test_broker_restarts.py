"""The worker survives its broker restarting: ten Redis restarts (SIGKILL, everything in
it lost) while the worker holds unacknowledged tasks, and the same worker process goes on
running tasks; the digests lost with Redis go out on the next dispatches, once each."""

from collections import Counter

import pytest
import redis

from digests import tasks as digest_tasks
from digests.models import DigestOutbox
from tests.digests import conftest as digest_fixtures
from tests.digests.conftest import MONDAY
from tests.integration.faults import drop_broker_connections, wait_until

pytestmark = pytest.mark.integration
busy_week = digest_fixtures.busy_week  # groups with news this week: digests are not quiet

USERS = 120
RESTARTS = 10


def make_due_users(org, count: int):
    from accounts.models import Membership, User

    users = User.objects.bulk_create(
        User(email=f"r{n:03d}@acme.test", name=f"R {n}", time_zone="Europe/Berlin")
        for n in range(count)
    )
    Membership.objects.bulk_create(Membership(user=u, organization=org) for u in users)
    return users


def unacked(url: str) -> int:
    try:
        return redis.Redis.from_url(url, socket_timeout=1).hlen("unacked")
    except redis.RedisError:
        return 0


def dispatch() -> None:
    """What beat does hourly; a tick that finds Redis down is simply missed."""
    try:
        digest_tasks.digest_dispatch_task.apply(args=[MONDAY.isoformat()])
    except Exception as error:  # the broker is restarting
        print(f"dispatch missed: {type(error).__name__}")
        drop_broker_connections()


def test_the_worker_survives_ten_redis_restarts_while_holding_unacked_tasks(
    fault_stack, org, busy_week, monkeypatch
):
    users = make_due_users(org, USERS)
    monkeypatch.setattr(digest_tasks, "CHUNK_SIZE", 2)
    fault_stack.smtp.delay = 0.25  # each chunk holds its task for half a second
    worker = fault_stack.worker(pool="prefork", concurrency=2, LOG_LEVEL="INFO")
    pid = worker.proc.pid

    held = []
    for _ in range(RESTARTS):
        dispatch()
        wait_until(lambda: unacked(fault_stack.redis.url) > 0, 20, "the worker to hold tasks")
        held.append(unacked(fault_stack.redis.url))
        fault_stack.redis.restart(down=0.5)
        wait_until(lambda: worker.runs_tasks(timeout=3), 30, "the worker to run tasks again")
        assert worker.alive and worker.proc.pid == pid, worker.output()[-3000:]

    # Everything lost with Redis is due still: the next dispatches send it.
    fault_stack.smtp.delay = 0
    sent = DigestOutbox.objects.filter(status=DigestOutbox.Status.SENT)

    def all_sent() -> bool:
        if sent.count() < USERS:
            dispatch()
        return sent.count() == USERS

    wait_until(all_sent, 60, f"{USERS} digests sent", step=1.0)
    assert worker.alive and worker.proc.pid == pid
    assert "Unrecoverable error" not in worker.output()
    messages = fault_stack.smtp.messages()
    by_person = Counter(m["To"] for m in messages)
    assert set(by_person) == {u.email for u in users}
    for person in by_person:  # a copy only ever with the same Message-ID
        ids = {m["Message-ID"] for m in messages if m["To"] == person}
        assert len(ids) == 1, (person, ids)
    assert not DigestOutbox.objects.filter(attempts__gt=1, status="failed").exists()
    print(
        f"\nbroker restarts: {fault_stack.redis.restarts}, unacked tasks held at each: {held}, "
        f"worker pid unchanged, {len(messages)} messages for {USERS} people"
    )
