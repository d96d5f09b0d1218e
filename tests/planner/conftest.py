"""Planner fixtures: a frozen clock, the content library's assets, and touches."""

from datetime import UTC, datetime

import pytest
import time_machine

from content.models import Asset
from content.services import themes_ensure

NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen_clock():
    """The clock stands still at NOW (a Thursday, noon UTC) for the whole test."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def downtime_calculator(org):
    """An asset of Acme's content library, about the cost of downtime and security (its
    themes are in the library too, as `import_assets` leaves them)."""
    themes_ensure(organization=org, slugs=["cost-of-downtime", "security"])
    return Asset.objects.create(
        organization=org,
        slug="downtime-calculator",
        title="Cost of downtime calculator",
        kind="calculator",
        themes={"cost-of-downtime": 2, "security": 1},
        url="https://acme.example/calculator",
    )


@pytest.fixture
def globex_playbook(other_org):
    """An asset of another organization's library: never offered to Acme."""
    return Asset.objects.create(
        organization=other_org,
        slug="globex-playbook",
        title="Globex secret playbook",
        themes={"secrets": 1},
    )
