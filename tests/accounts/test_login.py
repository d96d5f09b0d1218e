import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

LOGIN = "/login/"


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(f"{LOGIN}?next=/")


def test_marketer_signs_in_with_email_in_any_case(client, marketer):
    response = client.post(LOGIN, {"username": "MARKETER@acme.test", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    page = client.get("/")
    assert "Acme Corp" in page.content.decode()


def test_wrong_password_says_so_and_keeps_the_email(client, marketer):
    response = client.post(LOGIN, {"username": "marketer@acme.test", "password": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "do not match an account" in html
    assert 'value="marketer@acme.test"' in html


def test_repeated_failures_lock_sign_in_even_with_the_right_password(client, marketer, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(LOGIN, {"username": "marketer@acme.test", "password": "wrong"})
    response = client.post(LOGIN, {"username": "marketer@acme.test", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_ends_after_the_lockout_period(client, marketer, settings):
    import time_machine

    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_LOCKOUT_SECONDS = 60
    with time_machine.travel("2026-11-02 09:00Z", tick=False) as clock:
        for _ in range(2):
            client.post(LOGIN, {"username": "marketer@acme.test", "password": "wrong"})
        clock.shift(61)
        response = client.post(LOGIN, {"username": "marketer@acme.test", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_success_resets_the_failure_count(client, marketer, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(2):
        client.post(LOGIN, {"username": "marketer@acme.test", "password": "wrong"})
    client.post(LOGIN, {"username": "marketer@acme.test", "password": TEST_PASSWORD})
    client.post("/logout/")
    for _ in range(2):
        client.post(LOGIN, {"username": "marketer@acme.test", "password": "wrong"})
    response = client.post(LOGIN, {"username": "marketer@acme.test", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_sign_out_needs_a_post(client, marketer):
    client.force_login(marketer)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("path", ["/login/", "/password-reset/"])
def test_public_pages_have_security_headers(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"


def test_throttling_sees_the_client_behind_trusted_proxies(rf, settings):
    from accounts.throttling import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "10.0.0.2"  # no trusted proxy: a header proves nothing
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw, not the forged part
