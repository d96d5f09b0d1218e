"""CI: the production image's files, built without Docker (no engine runs on our machines).

Runs the Dockerfile's `build` stage on this machine, into a directory that stands for the
image's /app: the build context (the repository's tracked files, less what .dockerignore
leaves out) is copied there, then the stage's RUN lines run in order with its ENV and
WORKDIR, "/app" read as that directory. So the image's virtualenv holds the production
dependencies only (`uv sync --no-dev`, from uv.lock), its static files are collected with
the build's placeholder settings, and its code is compiled, exactly as `docker build`
would do it. CI then runs the production processes (make release/serve/worker/beat) from
that directory: an import of a development-only package, or a step of the Dockerfile that
fails, fails CI.

The base image (python:3.11-slim) is stood in for by this machine's Python 3.11, first on
PATH as `python`. COPY and the run stage's system steps (apt-get, users) are not run: the
context is copied whole before the first RUN (a RUN sees no file it would not see in the
image: the COPYs before it name only files the RUN does not read).

    .venv/bin/python .ci/image_tree.py DEST
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGE_ROOT = "/app"
STAGE = "build"


def stage_instructions(dockerfile: str, stage: str) -> list[tuple[str, str]]:
    """(instruction, arguments) of one stage, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    lines = [line.strip() for line in joined.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    found, inside = [], False
    for line in lines:
        keyword, _, rest = line.partition(" ")
        if keyword.upper() == "FROM":
            inside = bool(re.search(rf"\bAS\s+{re.escape(stage)}$", rest, flags=re.IGNORECASE))
            continue
        if inside:
            found.append((keyword.upper(), rest.strip()))
    if not found:
        raise SystemExit(f"the Dockerfile has no stage named {stage!r}")
    return found


def env_pairs(arguments: str) -> dict[str, str]:
    """ENV KEY=value KEY2="value 2" ... (the only form our Dockerfile uses)."""
    pairs = {}
    for word in shlex.split(arguments):
        key, sep, value = word.partition("=")
        if not sep:
            raise SystemExit(f"ENV {arguments!r}: only the KEY=value form is supported")
        pairs[key] = value
    return pairs


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore leaves `path` (or a folder it is in) out of the context."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        pattern = pattern.strip("/")
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatch(part, pattern[3:]) for part in parts):
                return True
        elif any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes):
            return True
    return False


def copy_context(dest: Path) -> int:
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [p.strip() for p in lines if p.strip() and not p.startswith("#")]
    copied = 0
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if ignored(name, patterns) or not source.is_file():
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        copied += 1
    return copied


def _network_setting(name: str) -> bool:
    """How this machine reaches the package index (proxies, certificates, mirrors): what a
    `docker build` would be given as build arguments. Nothing of the app's own settings."""
    return name.upper().startswith(("PIP_", "UV_", "SSL_")) or any(
        word in name.upper() for word in ("PROXY", "CA_BUNDLE", "CERT")
    )


def build(dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    print(f"context: {copy_context(dest)} files copied to {dest}", flush=True)
    base = Path(sys._base_executable).resolve().parent  # this Python, not a virtualenv's
    if not (base / "python").exists():
        raise SystemExit(f"no `python` beside {sys._base_executable}: the base image has one")
    env = {
        **{name: value for name, value in os.environ.items() if _network_setting(name)},
        "PATH": f"{base}:/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
    }
    workdir = dest
    dockerfile = (ROOT / "Dockerfile").read_text()
    for keyword, arguments in stage_instructions(dockerfile, STAGE):
        here = arguments.replace(IMAGE_ROOT, str(dest))
        if keyword == "ENV":
            env.update(env_pairs(here))
        elif keyword == "WORKDIR":
            workdir = Path(here)
            workdir.mkdir(parents=True, exist_ok=True)
        elif keyword == "RUN":
            started = time.monotonic()
            print(f"RUN {arguments}", flush=True)
            subprocess.run(["/bin/sh", "-c", here], cwd=workdir, env=env, check=True)
            print(f"    ({time.monotonic() - started:.1f} s)", flush=True)
        elif keyword != "COPY":
            raise SystemExit(f"{keyword} in the {STAGE} stage: not supported here")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    dest = Path(argv[0]).resolve()
    started = time.monotonic()
    build(dest)
    venv_python = dest / ".venv" / "bin" / "python"
    dev_only = subprocess.run(
        [str(venv_python), "-c", "import pytest"], capture_output=True, check=False
    )
    if dev_only.returncode == 0:
        raise SystemExit("the image's virtualenv holds pytest: it is not production-only")
    print(f"image tree built in {time.monotonic() - started:.0f} s: {dest}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
