"""A real Celery worker process for the benchmarks that measure one (rescoring, digests)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_worker(
    env: dict[str, str], logfile, *, name: str, concurrency: int
) -> tuple[subprocess.Popen, str]:
    """`celery worker` with `concurrency` prefork processes; the process and its hostname."""
    hostname = f"{name}-{os.getpid()}-{uuid.uuid4().hex[:6]}@localhost"
    argv = [sys.executable, "-m", "celery", "-A", "config", "worker"]
    argv += ["--pool", "prefork", "--concurrency", str(concurrency), "-l", "WARNING"]
    argv += ["--without-gossip", "--without-mingle", "--hostname", hostname]
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT)
    return proc, hostname


def stop(proc: subprocess.Popen | None, seconds: float = 20) -> None:
    """Terminate `proc` (warm shutdown), killing it if it is still there after `seconds`."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
