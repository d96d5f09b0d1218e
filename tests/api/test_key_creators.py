"""A key acts with the rights of the admin who created it: when they leave the
organization, are removed, lose the admin role, or their account is deactivated or
deleted, their keys stop working at once (401 saying why), other keys keep working, and
the API keys page shows which keys stopped and why."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Membership
from accounts.roles import Role
from accounts.services import member_change_role, member_remove
from api.keys import api_key_create, key_from_secret
from api.models import ApiKey
from tests.api.conftest import ApiClient
from tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_admin(org):
    return member(org, Role.ADMIN, email="leo@acme.test", name="Leo Leaver")


def key_by(org, user, name="Salesforce sync", scope="write"):
    key, secret = api_key_create(organization=org, name=name, scope=scope, by=user)
    key.secret = secret
    return key


def assert_refused(key, words: str):
    response = ApiClient(key.secret).get("/groups")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert words in body["detail"]
    assert "ask an admin of Acme Corp for a new key" in body["detail"]
    assert body["errors"] == []
    return body


def test_an_admin_removes_a_key_creator_and_their_keys_stop_at_once(
    client, org, admin, second_admin, write_key
):
    leavers = key_by(org, second_admin)
    command_key = key_by(org, None, name="Nightly backup", scope="read")
    assert ApiClient(leavers.secret).get("/groups").status_code == 200
    client.force_login(admin)
    target = Membership.objects.get(user=second_admin)
    assert client.post(reverse("member_remove", args=[target.pk])).status_code == 302

    assert_refused(leavers, "creator left the organization")
    leavers.refresh_from_db()
    assert leavers.revoked_because == ApiKey.RevokedBecause.CREATOR_LEFT
    assert leavers.revoked_by == admin  # who made the change, kept with the key
    # Everyone else's keys are unaffected.
    assert ApiClient(write_key.secret).get("/groups").status_code == 200
    assert ApiClient(command_key.secret).get("/groups").status_code == 200


def test_a_creator_who_leaves_by_themselves_takes_their_keys_along(
    client, org, admin, second_admin
):
    key = key_by(org, second_admin)
    client.force_login(second_admin)
    client.post(reverse("organization_leave"))
    assert not Membership.objects.filter(user=second_admin).exists()
    assert_refused(key, "creator left the organization")


def test_a_creator_demoted_to_marketer_loses_their_keys(client, org, admin, second_admin):
    key = key_by(org, second_admin, scope="read")
    client.force_login(admin)
    target = Membership.objects.get(user=second_admin)
    client.post(reverse("member_role", args=[target.pk]), {"role": Role.MARKETER})
    assert_refused(key, "creator is no longer an admin")
    key.refresh_from_db()
    assert (key.revoked_because, key.revoked_by) == ("creator_role", admin)


def test_promoting_again_does_not_bring_a_revoked_key_back(client, org, admin, second_admin):
    key = key_by(org, second_admin)
    client.force_login(admin)
    target = Membership.objects.get(user=second_admin)
    client.post(reverse("member_role", args=[target.pk]), {"role": Role.SALES})
    client.post(reverse("member_role", args=[target.pk]), {"role": Role.ADMIN})
    assert_refused(key, "creator is no longer an admin")


def test_a_role_change_that_keeps_the_admin_role_changes_nothing(org, admin, second_admin):
    key = key_by(org, second_admin)
    member_change_role(membership=Membership.objects.get(user=second_admin), role=Role.ADMIN)
    assert ApiClient(key.secret).get("/groups").status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is None


def test_leaving_another_organization_keeps_this_organizations_keys(org, admin, second_admin):
    key = key_by(org, second_admin)
    initech = OrganizationFactory(slug="initech", name="Initech")
    elsewhere = Membership.objects.create(user=second_admin, organization=initech, role="admin")
    Membership.objects.create(user=admin, organization=initech, role="admin")
    member_remove(membership=elsewhere, by=admin)
    assert ApiClient(key.secret).get("/groups").status_code == 200


# --- defence in depth: the check itself, whatever changed the membership ----------------


@pytest.mark.parametrize(
    ("change", "words", "because"),
    [
        (
            lambda user: Membership.objects.filter(user=user).delete(),
            "creator left the organization",
            "creator_left",
        ),
        (
            lambda user: Membership.objects.filter(user=user).update(role=Role.SALES),
            "creator is no longer an admin",
            "creator_role",
        ),
        (
            lambda user: user.__class__.objects.filter(pk=user.pk).update(is_active=False),
            "creator's account was deactivated",
            "creator_inactive",
        ),
        (lambda user: user.delete(), "creator left the organization", "creator_left"),
    ],
    ids=["membership deleted", "role changed", "account deactivated", "account deleted"],
)
def test_the_key_check_itself_verifies_the_creator(
    org, admin, second_admin, write_key, change, words, because
):
    """Changes made around the services (the admin site, a shell, a script)."""
    key = key_by(org, second_admin)
    change(second_admin)
    assert_refused(key, words)
    key.refresh_from_db()
    assert (key.revoked_because, key.revoked_by) == (because, None)
    assert key.revoked_at is not None  # recorded: the page shows it, and it stays revoked
    assert ApiClient(write_key.secret).get("/groups").status_code == 200


def test_the_check_reads_the_creators_role_in_the_same_query(
    org, second_admin, django_assert_num_queries
):
    key = key_by(org, second_admin)
    with django_assert_num_queries(1):
        found = key_from_secret(key.secret)
        assert found.creator_role == Role.ADMIN
        assert found.created_by.is_active and found.organization.name == "Acme Corp"


def test_a_key_revoked_by_an_admin_says_so(client, admin, write_key):
    client.force_login(admin)
    client.post(reverse("api_key_revoke", args=[write_key.pk]))
    body = ApiClient(write_key.secret).get("/groups").json()
    assert "was revoked on" in body["detail"] and "by an admin of Acme Corp" in body["detail"]


def test_an_unknown_key_gets_the_usual_401(anonymous):
    response = ApiClient("cp_" + "x" * 43).get("/groups")
    assert response.status_code == 401
    assert response.json()["detail"] == "Send a valid API key: Authorization: Bearer KEY."


# --- who may make a key, and the page ----------------------------------------------------


def test_only_an_admin_can_be_a_keys_creator(org, marketer):
    with pytest.raises(ValidationError, match="Only an admin of Acme Corp"):
        api_key_create(organization=org, name="Mine", by=marketer)
    assert not ApiKey.objects.exists()


def test_the_command_refuses_a_user_who_is_not_an_admin(org, marketer):
    with pytest.raises(CommandError, match="is not an admin of acme"):
        call_command("create_api_key", "--org", "acme", "--name", "x", "--user", marketer.email)


def test_the_keys_page_shows_who_made_each_key_and_why_it_stopped(client, org, admin, second_admin):
    key_by(org, second_admin, name="Salesforce sync")
    key_by(org, admin, name="HubSpot sync")
    key_by(org, None, name="Nightly backup")
    client.force_login(admin)
    client.post(reverse("member_remove", args=[Membership.objects.get(user=second_admin).pk]))
    page = client.get(reverse("api_keys")).content.decode()
    salesforce = page[page.index("Salesforce sync") : page.index("</tr>", page.index("Salesforce"))]
    assert "Leo Leaver" in salesforce and "leo@acme.test" in salesforce
    assert "Revoked" in salesforce and "creator left the organization" in salesforce
    assert "change made by Ada Admin" in salesforce
    assert "Revoke<" not in salesforce  # no button for a key that no longer works
    hubspot = page[page.index("HubSpot sync") : page.index("</tr>", page.index("HubSpot"))]
    assert "Ada Admin" in hubspot and "Working" in hubspot and "Revoke<" in hubspot
    nightly = page[page.index("Nightly backup") : page.index("</tr>", page.index("Nightly"))]
    assert "the command line (no person)" in nightly and "Working" in nightly


def test_the_page_flags_a_key_whose_creator_changed_behind_its_back(
    client, org, admin, second_admin
):
    key_by(org, second_admin, name="Salesforce sync")
    Membership.objects.filter(user=second_admin).update(role=Role.MARKETER)  # admin site
    client.force_login(admin)
    page = client.get(reverse("api_keys")).content.decode()
    row = page[page.index("Salesforce sync") : page.index("</tr>", page.index("Salesforce"))]
    assert "Not working" in row and "creator is no longer an admin" in row


def test_a_deleted_creator_is_still_named_on_the_page(client, org, admin, second_admin):
    key_by(org, second_admin, name="Salesforce sync")
    second_admin.delete()
    client.force_login(admin)
    page = client.get(reverse("api_keys")).content.decode()
    row = page[page.index("Salesforce sync") : page.index("</tr>", page.index("Salesforce"))]
    assert "leo@acme.test" in row and "(account deleted)" in row
    assert "creator left the organization" in row
