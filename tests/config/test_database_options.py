"""On PostgreSQL, parameters are bound by the server and a query run often on a connection is
prepared there (DB_SERVER_SIDE_BINDING, DB_PREPARE_THRESHOLD); SQLite is left as it was."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import Organization

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = "postgres://app@db.internal:5432/consensus"
SETTINGS_NAMES = ("DATABASE_URL", "DB_SERVER_SIDE_BINDING", "DB_PREPARE_THRESHOLD", "DEBUG")


def database_options(**values: str) -> dict:
    """The database OPTIONS the settings make from this environment (nothing connects)."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_NAMES}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, config.settings as s; "
            "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))",
        ],
        cwd=ROOT,
        env={**env, **values},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_postgresql_binds_on_the_server_and_prepares_a_query_run_twice():
    options = database_options(DATABASE_URL=POSTGRES)
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 2


@pytest.mark.parametrize(
    ("environment", "binding", "threshold"),
    [
        ({"DB_PREPARE_THRESHOLD": "off"}, True, None),  # behind a transaction pooler
        ({"DB_PREPARE_THRESHOLD": "0"}, True, 0),  # every query, from its first run
        ({"DB_SERVER_SIDE_BINDING": "0"}, False, 2),  # Django's own default
    ],
)
def test_operators_choose_binding_and_preparing_from_the_environment(
    environment, binding, threshold
):
    options = database_options(DATABASE_URL=POSTGRES, **environment)
    assert (options["server_side_binding"], options["prepare_threshold"]) == (binding, threshold)


def test_options_given_in_the_database_url_are_kept():
    options = database_options(DATABASE_URL=f"{POSTGRES}?sslmode=require")
    assert options["sslmode"] == "require"
    assert options["server_side_binding"] is True


def test_a_threshold_that_is_not_a_number_stops_the_settings():
    with pytest.raises(subprocess.CalledProcessError) as failed:
        database_options(DATABASE_URL=POSTGRES, DB_PREPARE_THRESHOLD="sometimes")
    assert "DB_PREPARE_THRESHOLD must be an integer" in failed.value.stderr


def test_sqlite_keeps_its_own_options():
    options = database_options(DATABASE_URL="sqlite:////tmp/consensus-options.sqlite3")
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options
    assert options["transaction_mode"] == "IMMEDIATE"


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_the_database_in_use_runs_a_repeated_query_as_configured():
    """On PostgreSQL (CI), the third run of a query on a connection uses a statement the
    server has prepared; on SQLite nothing is prepared by us."""
    for name in ("first", "second", "third"):
        list(Organization.objects.filter(slug=name).values_list("pk", flat=True))
    if connection.vendor == "postgresql":
        found = [s for s in _prepared_statements() if '"accounts_organization"."slug" = $1' in s]
        assert len(found) == 1
    else:
        assert "prepare_threshold" not in connection.settings_dict["OPTIONS"]
