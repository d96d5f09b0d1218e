"""`make run`'s supervisor starts a worker or beat that died again (bounded), and stops
everything when the web server dies."""

import sys

import pytest

from config import devstack

DIES = [sys.executable, "-c", "import sys; sys.exit(3)"]
LIVES = [sys.executable, "-c", "import time; time.sleep(30)"]


@pytest.fixture
def stack():
    stack = devstack.Stack()
    yield stack
    stack.stop()


def test_a_worker_that_dies_is_started_again_up_to_the_limit(stack, monkeypatch):
    monkeypatch.setattr(devstack, "RESTART_LIMIT", 3)
    stack.start("web", LIVES, {})
    first = stack.start("worker", DIES, {})
    first.wait()
    assert stack.supervise() is True
    restarted = dict(stack.procs)["worker"]
    assert restarted is not first  # a new process, same command
    for _ in range(2):
        restarted.wait()
        assert stack.supervise() is True
        restarted = dict(stack.procs)["worker"]
    restarted.wait()
    assert stack.supervise() is False  # three restarts in a minute: give up, stop all
    assert dict(stack.procs)["web"].poll() is None  # stop() is the caller's next step


def test_the_web_server_dying_stops_the_stack(stack):
    web = stack.start("web", DIES, {})
    stack.start("worker", LIVES, {})
    web.wait()
    assert stack.supervise() is False
