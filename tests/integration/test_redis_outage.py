"""Redis stopped for real: sign-in and the pages keep working, a change is saved (and
says so) with its "needs rescoring" marker, and once Redis is back the periodic sweep has
a real worker rescore the group."""

import pytest

from planner.models import BuyingGroup
from scoring import tasks as planner_tasks
from scoring.models import Snapshot
from tests.factories import TEST_PASSWORD
from tests.integration.faults import drop_broker_connections, wait_until

pytestmark = pytest.mark.integration


def test_a_change_made_while_redis_is_down_is_saved_then_rescored(
    fault_stack, client, marketer, group
):
    # The sweep runs in the worker: it takes markers older than this (default: a minute).
    fault_stack.worker(pool="solo", concurrency=1, RESCORE_SWEEP_AFTER_SECONDS="0")
    fault_stack.redis.kill()  # down, not restarting

    signed_in = client.post(
        "/login/", {"username": "marketer@acme.test", "password": TEST_PASSWORD}
    )
    assert signed_in.status_code == 302 and signed_in.url == "/"
    assert client.get("/").status_code == 200
    assert client.get(f"/groups/{group.pk}/").status_code == 200
    response = client.post(
        f"/groups/{group.pk}/people/new/",
        {
            "person-name": "Zoe",
            "person-email": "zoe@x.example",
            "person-influence": 3,
            "person-stance": "unknown",
            "person-buying_role": "other",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Zoe was added to the map." in response.content.decode()
    group.refresh_from_db()
    assert group.rescore_requested_at is not None
    assert not Snapshot.objects.filter(group=group).exists()

    fault_stack.redis.start()  # back, empty: the debounced task was never enqueued
    drop_broker_connections()

    def swept() -> bool:
        try:
            planner_tasks.rescore_marked_sweep_task.delay()  # what beat does every minute
        except Exception:
            drop_broker_connections()
        return not BuyingGroup.objects.filter(
            pk=group.pk, rescore_requested_at__isnull=False
        ).exists()

    wait_until(swept, 60, "the sweep to rescore the group", step=1.0)
    snapshot = Snapshot.objects.get(group=group)
    assert snapshot.members == 5  # Zoe counted
