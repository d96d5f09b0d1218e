"""The Django admin is off by default; when mounted, its sign-in is throttled like the app's."""

import pytest

from tests.factories import TEST_PASSWORD, UserFactory


def test_the_admin_is_not_mounted_without_admin_enabled(client, db, settings):
    assert settings.ADMIN_ENABLED is False
    assert client.get("/admin/login/").status_code == 404


@pytest.mark.urls("tests.security.admin_urls")
def test_repeated_wrong_passwords_lock_the_admin_sign_in_too(client, db, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    boss = UserFactory(email="root@acme.test", is_staff=True, is_superuser=True)
    for _ in range(8):
        wrong = client.post("/admin/login/", {"username": boss.email, "password": "guess"})
        assert wrong.status_code == 200
    right = client.post("/admin/login/", {"username": boss.email, "password": TEST_PASSWORD})
    assert right.status_code == 200
    assert "Too many failed sign-in attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.urls("tests.security.admin_urls")
def test_a_failure_at_the_admin_counts_against_the_app_sign_in(client, db, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    boss = UserFactory(email="root@acme.test", is_staff=True, is_superuser=True)
    for _ in range(2):
        client.post("/admin/login/", {"username": boss.email, "password": "guess"})
    page = client.post("/login/", {"username": boss.email, "password": TEST_PASSWORD})
    assert "Too many failed sign-in attempts" in page.content.decode()
