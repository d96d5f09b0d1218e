"""docs/api-quickstart.sh, run with bash and curl against the running app, does all it
promises: group, people, touches, analysis, suggestions, a kit built and downloaded."""

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from api.keys import api_key_create

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "api-quickstart.sh"


def test_the_curl_quickstart_runs_against_a_live_server(live_server, org, admin, tmp_path):
    assert shutil.which("curl"), "curl is needed (Debian: apt-get install curl)"
    _key, secret = api_key_create(organization=org, name="quickstart", scope="write", by=admin)
    result = subprocess.run(
        ["bash", str(SCRIPT), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "API_URL": live_server.url, "API_KEY": secret, "RUN_ID": "t1"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    analysis = json.loads((tmp_path / "analysis.json").read_text())
    assert analysis["group"]["members"] == 3
    forecast = json.loads((tmp_path / "forecast.json").read_text())
    assert forecast["plan"]["asset"] == "downtime-calculator"
    assert len(forecast["plan"]["to"]) == 3
    suggestions = json.loads((tmp_path / "suggestions.json").read_text())
    assert suggestions["suggestions"][0]["asset"] == "downtime-calculator"
    names = zipfile.ZipFile(tmp_path / "kit.zip").namelist()
    assert any(name.endswith(".pdf") for name in names)
