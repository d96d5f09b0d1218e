"""Fixtures named after who they are: `admin`, `marketer`, `sales_rep`, `other_org_marketer`."""

from pathlib import Path

import pytest

from accounts.roles import Role
from config.celery import app as celery_app
from tests.factories import OrganizationFactory, member
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
