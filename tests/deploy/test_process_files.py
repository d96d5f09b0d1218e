"""Containers cannot run on our machines, so CI runs the Make targets the image runs: every
command in the Procfile, the Dockerfile and compose.yaml must name a Make target that exists.
CI builds the image's files without Docker too (.ci/image_tree.py): its reading of the
Dockerfile and of .dockerignore is checked here."""

import importlib.util
import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_TARGETS = {"release", "serve", "worker", "beat"}


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z][\w-]*):(?!=)", text, flags=re.MULTILINE))


def procfile_commands() -> dict[str, list[str]]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    pairs = [line.split(":", 1) for line in lines if line.strip() and not line.startswith("#")]
    return {name.strip(): shlex.split(command) for name, command in pairs}


def dockerfile_commands() -> dict[str, list[str]]:
    """CMD and ENTRYPOINT of the final stage (exec form or shell form)."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    final_stage = re.split(r"^FROM ", text, flags=re.MULTILINE)[-1]
    commands = {}
    for keyword in ("CMD", "ENTRYPOINT"):
        found = re.findall(rf"^{keyword} (.+)$", final_stage, flags=re.MULTILINE)
        if found:
            raw = found[-1].strip()
            commands[keyword] = json.loads(raw) if raw.startswith("[") else shlex.split(raw)
    return commands


def compose_app_commands() -> dict[str, list[str]]:
    """The command of every service built from this repository's image."""
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    commands = {}
    for name, service in services.items():
        if "build" in service:
            command = service.get("command")
            assert command, f"compose service {name} runs the image without a command"
            commands[name] = command if isinstance(command, list) else shlex.split(command)
    return commands


def all_commands() -> list[tuple[str, list[str]]]:
    return [
        *((f"Procfile {n}", c) for n, c in procfile_commands().items()),
        *((f"Dockerfile {n}", c) for n, c in dockerfile_commands().items()),
        *((f"compose.yaml {n}", c) for n, c in compose_app_commands().items()),
    ]


@pytest.mark.parametrize(("where", "command"), all_commands(), ids=lambda v: str(v))
def test_every_process_command_is_an_existing_make_target(where, command):
    assert command[0] == "make" and len(command) == 2, f"{where}: {command} is not `make TARGET`"
    target = command[1]
    assert target in make_targets(), f"{where}: no Make target {target!r}"
    dry_run = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert dry_run.returncode == 0, f"{where}: make -n {target}: {dry_run.stderr}"


def test_the_four_processes_are_declared_everywhere():
    assert {c[1] for c in procfile_commands().values()} == PRODUCTION_TARGETS
    assert {c[1] for c in compose_app_commands().values()} == PRODUCTION_TARGETS
    assert dockerfile_commands()["CMD"] == ["make", "serve"]


def test_the_image_is_slim_non_root_from_the_lock_file_with_a_healthcheck():
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    assert len(re.findall(r"^FROM python:3\.11-slim", text, flags=re.MULTILINE)) >= 2
    assert "uv.lock" in text and "--frozen" in text
    assert "collectstatic" in text
    assert re.search(r"^USER (?!root)\w+", text, flags=re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*/healthz/live", text, flags=re.MULTILINE)


def test_compose_runs_the_backing_services_with_volumes_and_healthchecks():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert "minio" in services["minio"]["image"]
    for name in ("postgres", "redis", "minio", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert {"postgres-data", "redis-data", "minio-data"} <= set(compose["volumes"])
    web_env = services["web"]["environment"]
    assert web_env["AWS_STORAGE_BUCKET_NAME"] and web_env["DEBUG"] == "0"


def test_the_image_compiles_every_room_of_the_app():
    """A room added or moved must be compiled in the image too: its code is read-only there
    (PYTHONDONTWRITEBYTECODE), so each process would otherwise compile it at every start."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    compiled = set(re.search(r"compileall -q ([\w ]+?)\s+&&", text)[1].split())
    rooms = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"}
    }
    assert compiled == rooms


def _image_tree():
    spec = importlib.util.spec_from_file_location("image_tree", ROOT / ".ci" / "image_tree.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ci_builds_the_image_files_as_the_dockerfile_says():
    """.ci/image_tree.py (CI's stand-in for `docker build`) reads the build stage and the
    build context as Docker would."""
    image_tree = _image_tree()
    steps = image_tree.stage_instructions((ROOT / "Dockerfile").read_text(), "build")
    runs = [arguments for keyword, arguments in steps if keyword == "RUN"]
    assert any("uv sync --frozen --no-dev" in run for run in runs)
    assert any("collectstatic" in run for run in runs)
    env = {}
    for keyword, arguments in steps:
        if keyword == "ENV":
            env.update(image_tree.env_pairs(arguments))
    assert env["UV_PROJECT_ENVIRONMENT"] == "/app/.venv"
    patterns = [
        line for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]  # fmt: skip
    assert image_tree.ignored("tests/conftest.py", patterns)
    assert image_tree.ignored("scoring/__pycache__/analysis.cpython-311.pyc", patterns)
    assert image_tree.ignored(".env", patterns)
    assert not image_tree.ignored("scoring/analysis.py", patterns)
    assert not image_tree.ignored(".ci/smoke_production.py", patterns)
