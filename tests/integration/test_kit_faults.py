"""No kit stays "building" forever, with real processes: a pool child killed mid-build
(the redelivered task takes over), a worker killed while Redis restarts (the message is
gone: the sweep re-queues the build), and the database connection killed under a build
(the failure is still recorded, on a fresh connection).

A build is held mid-way, at "Packing the ZIP", by an asset whose file is a named pipe:
reading it blocks until the test writes to it."""

import contextlib
import os
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections

from content.models import Asset
from kits import services as kits
from kits import tasks as kit_tasks
from kits.models import ConsensusKit
from tests.factories import group_of
from tests.integration.faults import drop_broker_connections, wait_until

pytestmark = pytest.mark.integration
PAYLOAD = b"%PDF-1.4 the asset itself\n"


def held_kit(org, media_root: Path, name: str) -> tuple[ConsensusKit, Path]:
    """A kit request whose build will block on reading its asset's file (a FIFO)."""
    group = group_of(org, 3, name=name, account="Initech")
    fifo = media_root / "assets" / f"{name.replace(' ', '-')}.pdf"
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    asset = Asset.objects.create(
        organization=org,
        slug=f"held-{group.pk}",
        title="A held asset",
        themes={"cost-of-downtime": 2},
        file=str(fifo.relative_to(media_root)),
        file_name="held.pdf",
    )
    kit = kits.kit_request(
        group=group,
        by=None,
        problem_statement="Downtime costs every team, every week.",
        assets=[{"id": asset.pk, "why": "It puts a number on it."}],
        plan=[],
        enqueue=False,
    )
    return kit, fifo


def release(fifo: Path, *, seconds: float = 20) -> None:
    """Write the file's bytes into the pipe once a build has it open for reading."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:  # ENXIO: nobody reads yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        os.set_blocking(fd, True)
        os.write(fd, PAYLOAD)
    finally:
        os.close(fd)


def at_zip_step(kit: ConsensusKit) -> bool:
    kit.refresh_from_db()
    return kit.status == "building" and kit.step == "Packing the ZIP"


def test_a_killed_pool_child_build_is_taken_over_by_its_redelivered_task(fault_stack, org):
    worker = fault_stack.worker(pool="prefork", concurrency=1)
    kit, fifo = held_kit(org, fault_stack.env_media, "Child killed")
    kit_tasks.build_enqueue(kit.pk)
    wait_until(lambda: at_zip_step(kit), 30, "the build to reach the ZIP step")
    first_worker = kit.worker

    assert worker.kill_child()  # SIGKILL mid-build: acks_late, reject_on_worker_lost
    wait_until(
        lambda: at_zip_step(kit) and kit.worker != first_worker, 30, "a takeover of the build"
    )
    release(fifo)
    wait_until(lambda: (kit.refresh_from_db(), kit.is_done)[1], 30, "the build to finish")
    assert kit.status == "ready", kit.error
    assert worker.alive
    print(f"\nbuild taken over from {first_worker} by {kit.worker or 'a new pool child'}")


def test_a_build_lost_with_its_worker_and_redis_is_requeued_by_the_sweep(
    fault_stack, org, settings
):
    deadline = 2
    settings.KIT_BUILD_DEADLINE_SECONDS = deadline
    worker = fault_stack.worker(pool="solo", concurrency=1)
    kit, fifo = held_kit(org, fault_stack.env_media, "Worker killed")
    kit_tasks.build_enqueue(kit.pk)
    wait_until(lambda: at_zip_step(kit), 30, "the build to reach the ZIP step")

    worker.kill()  # the whole worker, SIGKILL
    fault_stack.redis.restart()  # and Redis comes back empty: the message is gone
    drop_broker_connections()
    fifo.unlink()  # the asset is readable again: the next build runs straight through
    fifo.write_bytes(PAYLOAD)
    assert kit_tasks.kits_sweep() == {"requeued": 0, "failed": 0}  # not late yet
    fault_stack.worker(pool="solo", concurrency=1)
    # Once the build has shown no sign of life for longer than the deadline, the sweep
    # (every minute in production) re-queues it.
    wait_until(lambda: kit_tasks.kits_sweep()["requeued"] == 1, 15, "the sweep to re-queue")
    wait_until(lambda: (kit.refresh_from_db(), kit.is_done)[1], 30, "the rebuilt kit")
    assert kit.status == "ready" and kit.requeues == 1, kit.error


def test_a_build_whose_database_connection_is_killed_is_marked_failed(
    transactional_db, org, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    kit, fifo = held_kit(org, tmp_path, "Connection killed")
    built: dict = {}

    def build() -> None:
        built["connection"] = connections["default"]  # this thread's own, not the proxy
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                built["backend"] = cursor.fetchone()[0]
        try:
            kits.kit_build(kit_id=kit.pk)
        except Exception as error:
            built["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=build)
    thread.start()
    wait_until(lambda: at_zip_step(kit), 30, "the build to reach the ZIP step")
    # The database drops the build's connection (PostgreSQL: the server ends it).
    if "backend" in built:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [built["backend"]])
    else:
        built["connection"].connection.close()
    release(fifo)
    thread.join(timeout=30)
    assert not thread.is_alive()

    kit.refresh_from_db()
    assert "error" in built  # the task fails (and is logged)...
    assert kit.status == "failed" and kit.is_done  # ...but the kit is not left "building"
    assert kit.error.startswith("The build failed:")
    with contextlib.suppress(FileNotFoundError):
        fifo.unlink()
