"""No kit stays "building" forever: takeover of builds whose worker is gone, the periodic
sweep, a failure recorded on a fresh connection, and the page's elapsed time and
"Try again"."""

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError, connection
from django.utils import timezone

from kits import building as kit_building
from kits import services as kits
from kits import tasks as kit_tasks
from kits.models import ConsensusKit
from tests.kits.test_kits import build

DEADLINE = 300


@pytest.fixture(autouse=True)
def _deadline(settings):
    settings.KIT_BUILD_DEADLINE_SECONDS = DEADLINE
    settings.KIT_BUILD_MAX_REQUEUES = 2


@pytest.fixture
def queued_kit(client, sales_rep, kit_group):
    client.force_login(sales_rep)
    build(client, kit_group)  # on_commit not run: the kit stays queued
    return ConsensusKit.objects.get()


def dead_worker() -> str:
    """The "host:pid" of a process that has exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return f"{socket.gethostname()}:{proc.pid}"


def building(kit: ConsensusKit, *, worker: str, heartbeat=None) -> None:
    now = heartbeat or timezone.now()
    ConsensusKit.objects.filter(pk=kit.pk).update(
        status="building", progress=45, step="Typesetting the PDF", worker=worker,
        started_at=now, heartbeat_at=now,
    )  # fmt: skip


def test_a_redelivered_task_takes_over_a_build_whose_worker_died(queued_kit):
    building(queued_kit, worker=dead_worker())  # the pool child was SIGKILLed a moment ago

    kits.kit_build(kit_id=queued_kit.pk)  # acks_late: the same message, delivered again

    kit = ConsensusKit.objects.get()
    assert kit.status == "ready" and kit.progress == 100 and kit.worker == ""


def test_a_build_whose_worker_is_alive_is_left_to_it(queued_kit):
    live = f"{socket.gethostname()}:{subprocess.os.getppid()}"
    building(queued_kit, worker=live)

    kits.kit_build(kit_id=queued_kit.pk)

    kit = ConsensusKit.objects.get()
    assert kit.status == "building" and kit.worker == live


def test_a_build_silent_past_the_deadline_is_taken_over_on_any_host(queued_kit):
    building(
        queued_kit,
        worker="another-host:4242",
        heartbeat=timezone.now() - timedelta(seconds=DEADLINE + 1),
    )
    kits.kit_build(kit_id=queued_kit.pk)
    assert ConsensusKit.objects.get().status == "ready"


def test_the_sweep_requeues_stuck_builds_a_bounded_number_of_times_then_fails_them(
    queued_kit, monkeypatch
):
    sent = []
    monkeypatch.setattr(kit_tasks, "build_enqueue", sent.append)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert kit_tasks.kits_sweep() == {"requeued": 0, "failed": 0}  # not late yet
        for attempt in (1, 2):
            clock.shift(timedelta(seconds=DEADLINE + 1))
            assert kit_tasks.kits_sweep() == {"requeued": 1, "failed": 0}
            kit = ConsensusKit.objects.get()
            assert kit.status == "queued" and kit.requeues == attempt
            assert kit.step == f"Waiting for a worker (try {attempt + 1})"
        assert sent == [queued_kit.pk, queued_kit.pk]
        building(queued_kit, worker="another-host:1")  # the third try starts, then stalls
        clock.shift(timedelta(seconds=DEADLINE + 1))
        assert kit_tasks.kits_sweep() == {"requeued": 0, "failed": 1}
    kit = ConsensusKit.objects.get()
    assert kit.status == "failed" and kit.is_done
    assert "did not finish after 3 tries" in kit.error and "Try again" in kit.error
    assert kit_tasks.kits_sweep() == {"requeued": 0, "failed": 0}  # settled


def test_the_sweep_sends_a_requeued_build_to_the_worker(queued_kit):
    with time_machine.travel(timezone.now() + timedelta(seconds=DEADLINE + 5), tick=False):
        assert kit_tasks.kits_sweep()["requeued"] == 1  # eager Celery: built right here
    assert ConsensusKit.objects.get().status == "ready"


@pytest.mark.django_db(transaction=True)
def test_a_failure_is_recorded_even_when_the_database_connection_died(
    kit_group,
    monkeypatch,
):
    queued_kit = kits.kit_request(group=kit_group, by=None, enqueue=False, **kits.draft(kit_group))

    def connection_dies(document):
        connection.connection.close()  # the server dropped us mid-build
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(kit_building, "render_pdf", connection_dies)
    with pytest.raises(OperationalError):
        kits.kit_build(kit_id=queued_kit.pk)
    kit = ConsensusKit.objects.get()
    assert kit.status == "failed" and kit.step == "Failed"
    assert kit.error == "The build failed: server closed the connection unexpectedly"


def test_the_page_shows_elapsed_time_and_try_again_past_the_deadline(
    client,
    queued_kit,
    kit_group,
    django_capture_on_commit_callbacks,
):
    url = f"/groups/{kit_group.pk}/kits/{queued_kit.pk}/"
    with time_machine.travel(queued_kit.queued_at + timedelta(seconds=42), tick=False):
        html = client.get(url).content.decode()
    assert "42 s so far" in html and "Try again" not in html
    with time_machine.travel(queued_kit.queued_at + timedelta(seconds=DEADLINE + 65), tick=False):
        html = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert "6 min 05 s so far" in html
        assert "taking longer than it should" in html and "Try again" in html
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"{url}retry/")  # eager Celery: rebuilt at once
    assert response.status_code == 303 and response.url == url
    assert ConsensusKit.objects.get().status == "ready"


def test_try_again_on_a_kit_still_making_progress_changes_nothing(
    client,
    queued_kit,
    kit_group,
):
    response = client.post(f"/groups/{kit_group.pk}/kits/{queued_kit.pk}/retry/", follow=True)
    assert "not stuck" in response.content.decode()
    assert ConsensusKit.objects.get().status == "queued"


def test_try_again_on_a_failed_build_queues_the_same_kit(
    client,
    queued_kit,
    kit_group,
    django_capture_on_commit_callbacks,
):
    ConsensusKit.objects.filter(pk=queued_kit.pk).update(status="failed", error="Typst crashed")
    html = client.get(f"/groups/{kit_group.pk}/kits/{queued_kit.pk}/").content.decode()
    assert "Typst crashed" in html and "Try again" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/groups/{kit_group.pk}/kits/{queued_kit.pk}/retry/")
    kit = ConsensusKit.objects.get()
    assert kit.status == "ready" and kit.version == 1


def test_try_again_permissions(client, queued_kit, kit_group, marketer, other_org_admin):
    ConsensusKit.objects.filter(pk=queued_kit.pk).update(status="failed")
    url = f"/groups/{kit_group.pk}/kits/{queued_kit.pk}/retry/"
    client.logout()
    assert client.post(url).status_code == 302  # anonymous: to the login page
    client.force_login(other_org_admin)
    assert client.post(url).status_code == 404  # another organization's kit
    client.force_login(marketer)
    assert client.post(url).status_code == 403  # marketers do not build kits
    assert ConsensusKit.objects.get().status == "failed"


def test_a_kit_requested_while_the_broker_is_down_stays_queued_for_the_sweep(
    client,
    sales_rep,
    kit_group,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from kits import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(tasks.kit_build_task, "delay", broker_down)
    client.force_login(sales_rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = build(client, kit_group)
    assert response.status_code == 303
    kit = ConsensusKit.objects.get()
    assert kit.status == "queued" and kit.step == "Waiting for the build queue"
