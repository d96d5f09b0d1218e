"""API keys: created by admins (page or command), shown once, stored hashed, revocable,
last use shown, rate limited per key."""

import hashlib
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from api.models import ApiKey
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_the_command_prints_a_working_key_as_its_last_line(org, admin):
    out = io.StringIO()
    call_command(
        "create_api_key",
        "--org",
        "acme",
        "--name",
        "Marketo",
        "--scope",
        "write",
        "--user",
        admin.email,
        stdout=out,
    )
    secret = out.getvalue().strip().splitlines()[-1]
    key = ApiKey.objects.get(name="Marketo")
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.objects.values_list())  # only its hash is stored
    assert (key.scope, key.created_by) == ("write", admin)
    assert ApiClient(secret).get("/groups").status_code == 200


def test_the_command_refuses_an_unknown_organization(db):
    with pytest.raises(CommandError, match="no organization with slug 'nope'"):
        call_command("create_api_key", "--org", "nope", "--name", "x")


def test_an_admin_creates_a_key_that_is_shown_once(client, admin):
    client.force_login(admin)
    response = client.post(reverse("api_keys"), {"name": "HubSpot sync", "scope": "read"})
    assert response.status_code == 200
    secret = re.search(r'<code class="secret">(cp_[\w-]+)</code>', response.content.decode())[1]
    assert response["Cache-Control"] == "no-store"
    again = client.get(reverse("api_keys")).content.decode()
    assert secret not in again
    assert "HubSpot sync" in again and "never" in again
    ApiClient(secret).get("/groups")
    assert "never" not in client.get(reverse("api_keys")).content.decode()  # last use shown


def test_an_admin_revokes_a_key(client, admin, read_key):
    client.force_login(admin)
    response = client.post(reverse("api_key_revoke", args=[read_key.pk]))
    assert response.status_code == 303
    assert ApiClient(read_key.secret).get("/groups").status_code == 401


def test_a_marketer_may_not_manage_keys(client, marketer, read_key):
    client.force_login(marketer)
    assert client.get(reverse("api_keys")).status_code == 403
    assert client.post(reverse("api_key_revoke", args=[read_key.pk])).status_code == 403
    read_key.refresh_from_db()
    assert read_key.revoked_at is None


def test_another_organizations_key_is_404_to_revoke(client, other_org_admin, read_key):
    client.force_login(other_org_admin)
    assert client.post(reverse("api_key_revoke", args=[read_key.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("api_keys"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_session_does_not_authenticate_the_api(client, admin):
    client.force_login(admin)
    assert client.get("/api/v1/groups").status_code == 401


def test_rate_limit_answers_429_with_retry_after(settings, reader, write_key):
    settings.API_RATE_LIMIT = 3
    assert [reader.get("/groups").status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = reader.get("/groups")
    assert 1 <= int(limited["Retry-After"]) <= settings.API_RATE_WINDOW_SECONDS
    assert "try again in" in limited.json()["detail"]
    assert ApiClient(write_key.secret).get("/groups").status_code == 200  # per key


def test_digest_preferences_are_the_key_creators(api, admin):
    assert api.get("/me/digest").json()["email"] == admin.email
    response = api.patch("/me/digest", {"weekday": 4, "hour": 7, "time_zone": "Europe/Paris"})
    assert response.json() == {
        "email": admin.email,
        "enabled": True,
        "weekday": 4,
        "hour": 7,
        "time_zone": "Europe/Paris",
    }
    admin.refresh_from_db()
    assert (admin.digest_weekday, admin.digest_hour) == (4, 7)
    bad = api.patch("/me/digest", {"time_zone": "Mars/Olympus"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "time_zone"
    assert api.patch("/me/digest", {"hour": 24}).status_code == 422
