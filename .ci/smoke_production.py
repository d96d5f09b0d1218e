"""CI: the production processes as the Procfile, the image and compose.yaml run them.

With DEBUG=0 on PostgreSQL + Redis (the environment .ci/run passes): `make release` twice
(safe to repeat), then `make serve`, `make worker` and `make beat` in the background.
Checks that /login/ and its stylesheet answer 200, /healthz/ready is ok, and the worker's
heartbeat (scheduled by beat every minute) arrives; then stops all three.
Run as `.venv/bin/python .ci/smoke_production.py` from the repository root.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.processes import MakeProcess, start_make, start_web, wait_until_live

HEARTBEAT_SECONDS = 150  # beat sends the first heartbeat a minute after it starts


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (our own server)
        return answer.status, answer.headers.get("Content-Type", ""), answer.read().decode()


def check(condition: bool, what: str) -> None:
    print(f"  {'ok  ' if condition else 'FAIL'} {what}", flush=True)
    if not condition:
        raise SystemExit(f"production smoke test failed: {what}")


def main() -> int:
    env = dict(os.environ)
    for attempt in (1, 2):
        release = start_make("release", env)
        code = release.proc.wait(timeout=300)
        if code != 0:
            print(release.output(), file=sys.stderr)
        check(code == 0, f"make release (run {attempt}) exits 0")

    web, base = start_web(env)
    processes: list[MakeProcess] = [web, start_make("worker", env), start_make("beat", env)]
    try:
        wait_until_live(web, base)
        status, _type, login = get(f"{base}/login/")
        check(status == 200, f"make serve: GET /login/ answers 200 ({base})")
        stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]+\.css)"', login)
        check(stylesheet is not None, "the login page links the hashed stylesheet")
        status, content_type, _css = get(base + stylesheet[1])
        check(status == 200 and content_type.startswith("text/css"), "the stylesheet answers 200")
        status, _type, body = get(f"{base}/healthz/ready")
        ready = json.loads(body)
        check(status == 200 and ready["failing"] == [], f"/healthz/ready is ok: {body}")
        deadline = time.monotonic() + HEARTBEAT_SECONDS
        while ready["worker"]["status"] != "ok" and time.monotonic() < deadline:
            for process in processes:
                if process.proc.poll() is not None:
                    check(False, f"make {process.target} is still running")
            time.sleep(2)
            ready = json.loads(get(f"{base}/healthz/ready")[2])
        check(ready["worker"]["status"] == "ok", f"beat -> worker heartbeat arrived: {ready}")
        for process in processes:
            check(process.proc.poll() is None, f"make {process.target} is running")
    except BaseException:
        for process in processes:
            print(f"----- make {process.target} -----\n{process.output()}", file=sys.stderr)
        raise
    finally:
        for process in processes:
            process.stop()
    check("Shutting down: Master" in web.output(), "make serve shuts down gracefully")
    return 0


if __name__ == "__main__":
    sys.exit(main())
