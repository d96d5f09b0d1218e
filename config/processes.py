"""Start and stop the production processes (`make serve`, `make worker`...) from Python, as
the scale-out test and the load benchmark do: each in a process group of its own (make,
then gunicorn and its workers), so stopping it stops all of them and nothing is left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from config.embedded_redis import free_port

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class MakeProcess:
    target: str
    proc: subprocess.Popen
    log: IO[bytes] = field(repr=False)

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self, seconds: float = 30) -> int:
        """SIGTERM to the whole group (graceful), SIGKILL after `seconds`; the exit code."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode


def start_make(target: str, env: dict[str, str]) -> MakeProcess:
    log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)
    proc = subprocess.Popen(
        ["make", "--no-print-directory", target],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return MakeProcess(target, proc, log)


def start_web(env: dict[str, str]) -> tuple[MakeProcess, str]:
    """`make serve` on a free loopback port; the process and its base URL."""
    port = free_port()
    web = start_make("serve", {**env, "HOST": "127.0.0.1", "PORT": str(port)})
    return web, f"http://127.0.0.1:{port}"


def wait_until_live(web: MakeProcess, base_url: str, seconds: float = 60) -> None:
    """Until /healthz/live answers 200; RuntimeError with the server's output otherwise."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            live = f"{base_url}/healthz/live"  # http://127.0.0.1:PORT, built above
            with urllib.request.urlopen(live, timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        if web.proc.poll() is not None:
            raise RuntimeError(f"make serve exited with {web.proc.returncode}:\n{web.output()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"make serve did not answer in {seconds} s:\n{web.output()}")
        time.sleep(0.1)
