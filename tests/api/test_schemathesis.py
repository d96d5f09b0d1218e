"""Schemathesis: property-based requests generated from the OpenAPI document, sent to the
running app (pytest-django's live server) with a seeded organization and write key.

Checks: no 5xx, every response matches the documented schema, and every operation that
needs a key refuses a request without one. Examples are bounded so the run takes seconds.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.keys import api_key_create
from content.models import Asset
from tests.factories import group_of

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def test_schemathesis_finds_no_failures(live_server, org, admin, settings, tmp_path):
    settings.API_RATE_LIMIT = 100_000
    group = group_of(org, 4, name="Contoso renewal")
    # Every group operation works on the seeded group (the access tests cover other ids).
    (tmp_path / "schemathesis.toml").write_text(f'[parameters]\n"path.group_id" = {group.pk}\n')
    Asset.objects.create(
        organization=org,
        slug="downtime-calculator",
        title="Downtime calculator",
        kind="calculator",
        themes={"cost-of-downtime": 2},
    )
    _key, secret = api_key_create(organization=org, name="fuzz", scope="write", by=admin)
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance,ignored_auth",
            "--header",
            f"Authorization: Bearer {secret}",
            "--max-examples",
            "6",
            "--phases",
            "examples,fuzzing",
            "--seed",
            "17",
            "--generation-database",
            "none",
            "--request-timeout",
            "20",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false"},
    )
    report = result.stdout[-6000:] + result.stderr[-2000:]
    print(result.stdout[-3000:])
    assert result.returncode == 0, report
    assert "No issues found" in result.stdout or "passed" in result.stdout, report
