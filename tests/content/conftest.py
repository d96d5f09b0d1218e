"""Content-library fixtures: uploads go to a temporary MEDIA_ROOT, and a small library."""

import pytest

from tests.content.factories import AssetFactory, GlossaryTermFactory, ThemeFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test stores uploaded files in its own directory, never in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def downtime(org):
    return ThemeFactory(organization=org, slug="cost-of-downtime", name="Cost of downtime")


@pytest.fixture
def security(org):
    return ThemeFactory(organization=org, slug="security", name="Security")


@pytest.fixture
def asset(org, downtime):
    """An asset of Acme's library."""
    return AssetFactory(
        organization=org,
        slug="downtime-calculator",
        title="Cost of downtime calculator",
        kind="calculator",
        themes={"cost-of-downtime": 2},
        summary="Put one number on an hour of downtime.",
        url="https://acme.example/calculator",
    )


@pytest.fixture
def foreign_asset(other_org):
    """An asset of another organization's library."""
    return AssetFactory(organization=other_org, slug="globex-playbook", title="Globex playbook")


@pytest.fixture
def term(org, downtime):
    return GlossaryTermFactory(
        organization=org,
        term="Downtime",
        definition="Any hour the platform cannot serve the business.",
        themes=[downtime],
    )


@pytest.fixture
def foreign_term(other_org):
    return GlossaryTermFactory(organization=other_org, term="Synergy")
