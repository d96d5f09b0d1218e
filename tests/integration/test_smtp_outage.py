"""An SMTP outage drops no digest: a real worker sends to a real SMTP server that refuses
connections, greets with 421, answers 421 to RCPT and drops the connection at DATA, for
more dispatches than anyone's attempt budget. Nobody is marked failed, and once the server
is back every digest goes out, once."""

from collections import Counter

import pytest

from digests import tasks as digest_tasks
from digests.models import MAX_ATTEMPTS, DigestOutbox
from tests.digests import conftest as digest_fixtures
from tests.digests.conftest import MONDAY
from tests.integration.faults import drop_broker_connections, wait_until
from tests.integration.test_broker_restarts import make_due_users

pytestmark = pytest.mark.integration
busy_week = digest_fixtures.busy_week

USERS = 30
Status = DigestOutbox.Status


def dispatch() -> int:
    try:
        return digest_tasks.digest_dispatch_task.apply(args=[MONDAY.isoformat()]).get()
    except Exception:
        drop_broker_connections()
        return 0


def test_an_smtp_outage_in_every_fault_mode_drops_no_digest(
    fault_stack, org, busy_week, monkeypatch
):
    users = make_due_users(org, USERS)
    monkeypatch.setattr(digest_tasks, "CHUNK_SIZE", 10)
    worker = fault_stack.worker(pool="prefork", concurrency=2)
    smtp = fault_stack.smtp
    rows = DigestOutbox.objects.all()

    # MAX_ATTEMPTS + 2 rounds, each meeting a failing server (the worker's own retries of
    # a chunk meet it too: they must not count either).
    modes = ["refuse", "greet421", "rcpt421", "disconnect"]
    for n in range(MAX_ATTEMPTS + 2):
        mode = modes[n % len(modes)]
        smtp.set_mode(mode)
        before = smtp.faults[mode]
        dispatch()

        def met(mode=mode, before=before) -> bool:
            if mode == "refuse":  # nothing listens: the rows say what the worker met
                seen = rows.filter(error__contains="Connection refused").exists()
            else:
                seen = smtp.faults[mode] > before
            return seen and not rows.filter(status=Status.SENDING).exists()

        wait_until(met, 30, f"the chunks to meet {mode} and back off")
    assert smtp.envelopes == []
    assert not rows.filter(status__in=[Status.FAILED, Status.SENT]).exists()
    # Nobody's budget spent. (The worker's own retries keep meeting the outage: a row it is
    # trying right now is "sending", its attempt counted until the server fails it.)
    settled = rows.exclude(status=Status.SENDING)
    assert set(settled.values_list("attempts", flat=True)) == {0}
    assert set(settled.values_list("status", flat=True)) == {Status.PENDING}
    assert max(rows.values_list("attempts", flat=True)) <= 1

    smtp.set_mode("ok")  # the server is back, the same week: the next dispatch sends all

    def all_sent() -> bool:  # the hourly dispatch, every second here
        if rows.filter(status=Status.SENT).count() < USERS:
            dispatch()
        return rows.filter(status=Status.SENT).count() == USERS

    wait_until(all_sent, 60, "all sent", step=1.0)
    messages = smtp.messages()
    assert Counter(m["To"] for m in messages) == Counter(u.email for u in users)
    assert len({m["Message-ID"] for m in messages}) == USERS
    assert set(rows.values_list("attempts", flat=True)) == {1}
    assert worker.alive
    print(f"\nSMTP faults met: {dict(smtp.faults)}; {USERS} digests sent once each after")
