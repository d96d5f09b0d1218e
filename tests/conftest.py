"""Fixtures named after who they are: `admin`, `marketer`, `sales_rep`, `other_org_marketer`."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from accounts.roles import Role
from config.celery import app as celery_app
from content.models import Asset, GlossaryTerm, Theme
from content.services import themes_ensure
from planner import services
from planner.models import Stakeholder
from scoring import cached
from tests.factories import OrganizationFactory, member, shared_story
from tests.s3 import s3_bucket, s3_endpoint  # fixtures for every folder

__all__ = ["s3_bucket", "s3_endpoint"]


def pytest_configure(config):
    # The SQLite test database is a file in var/ (settings never create folders).
    (Path(__file__).resolve().parent.parent / "var").mkdir(exist_ok=True)


@pytest.fixture(autouse=True)
def _fast_and_inline(settings, tmp_path):
    """Cheap password hashing and inline Celery for every test (integration tests opt out)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = "https://app.example.com"
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads and kits never land in var/
    # A private cache per test run: clearing it never touches a real Redis (which would
    # flush the Celery broker's queues). Integration tests point it back at Redis.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()  # locmem stores are shared by name across instances
    cached.memo.clear()  # nor what this process kept of it (a rolled-back pk comes again)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def org(db):
    return OrganizationFactory(slug="acme", name="Acme Corp")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(slug="globex", name="Globex")


@pytest.fixture
def admin(org):
    return member(org, Role.ADMIN, email="admin@acme.test", name="Ada Admin")


@pytest.fixture
def marketer(org):
    return member(org, Role.MARKETER, email="marketer@acme.test", name="Maya Marketer")


@pytest.fixture
def sales_rep(org):
    return member(org, Role.SALES, email="sales@acme.test", name="Sam Seller")


@pytest.fixture
def other_org_admin(other_org):
    return member(other_org, Role.ADMIN, email="admin@globex.test", name="Gus Globex")


@pytest.fixture
def other_org_marketer(other_org):
    return member(other_org, Role.MARKETER, email="marketer@globex.test", name="Gia Globex")


@pytest.fixture
def group(org):
    from tests.factories import group_of

    return group_of(org, 4, name="Contoso renewal")


@pytest.fixture
def foreign_group(other_org):
    from tests.factories import group_of

    return group_of(other_org, 3, name="Globex secret deal")


# Groups, a frozen clock, the content library (the rooms' tests share these).

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
    return shared_story(org, {"security": 1, "pricing": 1, "ease": 1, "compliance": 1})
