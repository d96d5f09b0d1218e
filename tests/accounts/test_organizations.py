from django.core.management import call_command

from accounts.models import Membership, Organization
from accounts.roles import Role
from tests.factories import MembershipFactory

SWITCH = "/organization/switch/"


def test_member_of_two_orgs_switches(client, marketer, other_org):
    MembershipFactory(user=marketer, organization=other_org, role=Role.SALES)
    client.force_login(marketer)
    page = client.get("/").content.decode()
    assert 'id="org-switcher"' in page
    response = client.post(SWITCH, {"organization": other_org.pk, "next": "/organization/members/"})
    assert response.status_code == 302
    assert response.url == "/organization/members/"
    page = client.get("/").content.decode()
    assert "<h1>Globex</h1>" in page


def test_switching_to_a_foreign_org_is_404(client, marketer, other_org):
    client.force_login(marketer)
    assert client.post(SWITCH, {"organization": other_org.pk}).status_code == 404
    assert client.post(SWITCH, {"organization": "junk"}).status_code == 404


def test_switch_ignores_an_offsite_next(client, marketer):
    client.force_login(marketer)
    org_id = marketer.memberships.get().organization_id
    response = client.post(SWITCH, {"organization": org_id, "next": "https://evil.example/"})
    assert response.url == "/"


def test_switch_needs_login(client, org):
    response = client.post(SWITCH, {"organization": org.pk})
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_removed_member_falls_back_to_remaining_org(client, marketer, other_org):
    MembershipFactory(user=marketer, organization=other_org)
    client.force_login(marketer)
    client.post(SWITCH, {"organization": other_org.pk})
    Membership.objects.filter(user=marketer, organization=other_org).delete()
    assert "<h1>Acme Corp</h1>" in client.get("/").content.decode()


def test_org_settings_admin_only(client, admin, marketer, org):
    client.force_login(marketer)
    assert client.get("/organization/settings/").status_code == 403
    client.force_login(admin)
    response = client.post("/organization/settings/", {"name": "Acme Corporation"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Acme Corporation"


def test_org_settings_needs_login(client, db):
    response = client.get("/organization/settings/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_org_settings_refuses_empty_name(client, admin, org):
    client.force_login(admin)
    response = client.post("/organization/settings/", {"name": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    org.refresh_from_db()
    assert org.name == "Acme Corp"


def test_preferences_save_time_zone_and_digest(client, marketer):
    client.force_login(marketer)
    response = client.post(
        "/account/preferences/", {"name": "Maya M", "time_zone": "Europe/Berlin"}
    )
    assert response.status_code == 302
    marketer.refresh_from_db()
    assert marketer.time_zone == "Europe/Berlin"
    assert marketer.digest_enabled is False
    assert marketer.name == "Maya M"


def test_preferences_refuse_an_unknown_time_zone(client, marketer):
    client.force_login(marketer)
    response = client.post("/account/preferences/", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    marketer.refresh_from_db()
    assert marketer.time_zone == "UTC"


def test_preferences_need_login(client, db):
    assert client.get("/account/preferences/").status_code == 302


def test_create_org_command_is_idempotent(db, capsys):
    call_command("create_org", "initech", "Initech")
    call_command("create_org", "initech", "Initech")
    assert Organization.objects.filter(slug="initech").count() == 1
    assert "exists" in capsys.readouterr().out


def test_create_org_refuses_a_bad_slug(db):
    import pytest
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="invalid slug"):
        call_command("create_org", "Not A Slug", "X")


def test_seed_demo_fills_an_empty_database_once(db):
    call_command("seed_demo")
    assert Organization.objects.count() == 2
    call_command("seed_demo", "--if-empty")
    assert Organization.objects.count() == 2


def test_demo_login_reaches_the_dashboard(client, db):
    call_command("seed_demo")
    assert client.login(username="marketer@demo.example", password="consensus-demo")
    page = client.get("/")
    assert page.status_code == 200
    assert "Northwind Analytics" in page.content.decode()


def test_seed_demo_shows_a_living_app(client, db):
    from planner.models import BuyingGroup

    call_command("seed_demo")
    assert BuyingGroup.objects.filter(organization__slug="northwind").count() >= 2
    client.login(username="marketer@demo.example", password="consensus-demo")
    group = BuyingGroup.objects.get(name="Contoso data platform")
    html = client.get(f"/groups/{group.pk}/").content.decode()
    assert "Dana Ross" in html and "<svg" in html
