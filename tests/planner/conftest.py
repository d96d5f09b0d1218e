"""Planner fixtures: a frozen clock, the content library's assets, and touches."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from content.models import Asset, GlossaryTerm, Theme
from content.services import themes_ensure
from planner import services
from planner.models import Stakeholder

NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen_clock():
    """The clock stands still at NOW (a Thursday, noon UTC) for the whole test."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def tailored_group(group, frozen_clock):
    """Each of four colleagues heard a different one-to-one story: the stories are far apart."""
    people = list(Stakeholder.objects.filter(group=group).order_by("name"))
    for person, theme in zip(people, ["security", "pricing", "ease", "compliance"], strict=True):
        services.touches_record(
            group=group,
            stakeholders=[person],
            occurred_at=timezone.now() - timedelta(days=3),
            themes={theme: 1.0},
        )
    return group


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


@pytest.fixture
def kit_group(group, org):
    people = list(Stakeholder.objects.filter(group=group).order_by("name"))
    for person, outcome in zip(
        people,
        [
            "Unplanned downtime hours",
            "Budget variance",
            "Audit findings closed",
            "Line availability",
        ],
        strict=True,
    ):
        person.outcome = outcome
        person.priorities = (
            {"cost-of-downtime": 2} if outcome != "Audit findings closed" else {"security": 3}
        )
        person.notes = "SECRET-NOTE: do not share"
        person.stance = "skeptic"
        person.save()
    Asset.objects.create(
        organization=org,
        slug="downtime-article",
        title="The true cost of downtime",
        framing="shared_problem",
        level="mass_customized",
        themes={"cost-of-downtime": 3},
        summary="Why every hour counts.",
    )
    term = GlossaryTerm.objects.create(
        organization=org, term="Unplanned downtime", definition="Hours a line stops unexpectedly."
    )
    theme, _ = Theme.objects.get_or_create(
        organization=org, slug="cost-of-downtime", defaults={"name": "Cost of downtime"}
    )
    term.themes.add(theme)
    return group


@pytest.fixture
def shared_asset(org):
    """A shared-problem asset on four themes, for the suggestion and forecast tests."""
    return Asset.objects.create(
        organization=org,
        slug="shared-story",
        title="The shared story",
        framing="shared_problem",
        level="mass_customized",
        stage="problem_identification",
        themes={"security": 1, "pricing": 1, "ease": 1, "compliance": 1},
    )
