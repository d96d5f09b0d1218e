import pytest
from django.core import mail

from accounts.models import Invitation, Membership
from accounts.roles import Role
from tests.factories import InvitationFactory, MembershipFactory

MEMBERS = "/organization/members/"


def test_members_page_needs_login(client, db):
    response = client.get(MEMBERS)
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_every_member_sees_the_team_but_only_admins_see_controls(client, admin, sales_rep):
    client.force_login(sales_rep)
    html = client.get(MEMBERS).content.decode()
    assert "Ada Admin" in html and "Sam Seller" in html
    assert "Send invitation" not in html
    client.force_login(admin)
    assert "Send invitation" in client.get(MEMBERS).content.decode()


def test_user_without_organization_gets_404(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(MEMBERS).status_code == 404


def test_admin_invites_by_email(client, admin, django_capture_on_commit_callbacks):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(MEMBERS, {"email": "New.Person@Acme.test", "role": Role.SALES})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new.person@acme.test"
    assert invitation.role == Role.SALES
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@acme.test"]
    assert "Acme Corp" in message.subject
    assert "https://app.example.com/invitations/" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert "new.person@acme.test" in client.get(MEMBERS).content.decode()


def test_inviting_an_existing_member_is_refused_with_a_message(client, admin, marketer):
    client.force_login(admin)
    response = client.post(MEMBERS, {"email": "marketer@acme.test", "role": Role.SALES})
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invalid_email_keeps_what_was_typed(client, admin):
    client.force_login(admin)
    response = client.post(MEMBERS, {"email": "not-an-email", "role": Role.SALES})
    assert response.status_code == 400
    assert 'value="not-an-email"' in response.content.decode()


@pytest.mark.parametrize("who", ["marketer", "sales_rep"])
def test_non_admins_cannot_invite(client, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(MEMBERS, {"email": "x@acme.test", "role": Role.ADMIN})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_admin_changes_a_role(client, admin, marketer):
    client.force_login(admin)
    target = Membership.objects.get(user=marketer)
    response = client.post(f"/organization/members/{target.pk}/role/", {"role": Role.SALES})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.SALES


def test_role_change_by_non_admin_is_403(client, marketer, sales_rep):
    client.force_login(marketer)
    target = Membership.objects.get(user=sales_rep)
    response = client.post(f"/organization/members/{target.pk}/role/", {"role": Role.ADMIN})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.SALES


def test_member_of_another_org_is_404(client, admin, other_org_marketer):
    client.force_login(admin)
    foreign = Membership.objects.get(user=other_org_marketer)
    assert (
        client.post(f"/organization/members/{foreign.pk}/role/", {"role": "sales"}).status_code
        == 404
    )
    assert client.post(f"/organization/members/{foreign.pk}/remove/").status_code == 404
    assert Membership.objects.filter(pk=foreign.pk, role=Role.MARKETER).exists()


def test_role_and_remove_need_login(client, marketer):
    target = Membership.objects.get(user=marketer)
    for path in (
        f"/organization/members/{target.pk}/role/",
        f"/organization/members/{target.pk}/remove/",
    ):
        response = client.post(path, {"role": "sales"})
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_last_admin_cannot_be_demoted(client, admin):
    client.force_login(admin)
    own = Membership.objects.get(user=admin)
    response = client.post(
        f"/organization/members/{own.pk}/role/", {"role": Role.SALES}, follow=True
    )
    assert "last admin" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_an_admin_can_step_down_when_another_admin_exists(client, admin, org):
    MembershipFactory(organization=org, role=Role.ADMIN)
    client.force_login(admin)
    own = Membership.objects.get(user=admin)
    client.post(f"/organization/members/{own.pk}/role/", {"role": Role.MARKETER})
    own.refresh_from_db()
    assert own.role == Role.MARKETER


def test_last_admin_cannot_leave(client, admin):
    client.force_login(admin)
    response = client.post("/organization/leave/", follow=True)
    assert "last admin" in response.content.decode()
    assert Membership.objects.filter(user=admin).exists()


def test_marketer_leaves_and_loses_access(client, marketer, admin):
    client.force_login(marketer)
    response = client.post("/organization/leave/", follow=True)
    assert "You left Acme Corp" in response.content.decode()
    assert not Membership.objects.filter(user=marketer).exists()
    assert "not in an organization yet" in client.get("/").content.decode()


def test_admin_removes_a_member(client, admin, marketer):
    client.force_login(admin)
    target = Membership.objects.get(user=marketer)
    client.post(f"/organization/members/{target.pk}/remove/")
    assert not Membership.objects.filter(pk=target.pk).exists()


def test_admin_revokes_a_pending_invitation(client, admin, org):
    invitation = InvitationFactory(organization=org)
    client.force_login(admin)
    response = client.post(f"/organization/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


def test_revoking_needs_admin_and_own_org(client, marketer, admin, other_org):
    own = InvitationFactory(organization=marketer.memberships.get().organization)
    foreign = InvitationFactory(organization=other_org)
    client.force_login(marketer)
    assert client.post(f"/organization/invitations/{own.pk}/revoke/").status_code == 403
    client.force_login(admin)
    assert client.post(f"/organization/invitations/{foreign.pk}/revoke/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "pending"


def test_remove_by_non_admin_is_403(client, marketer, sales_rep):
    client.force_login(sales_rep)
    target = Membership.objects.get(user=marketer)
    assert client.post(f"/organization/members/{target.pk}/remove/").status_code == 403
    assert Membership.objects.filter(pk=target.pk).exists()


def test_revoke_and_leave_need_login(client, org):
    invitation = InvitationFactory(organization=org)
    for path in (f"/organization/invitations/{invitation.pk}/revoke/", "/organization/leave/"):
        response = client.post(path)
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_leave_and_settings_without_organization_are_404(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.post("/organization/leave/").status_code == 404
    assert client.get("/organization/settings/").status_code == 404


def test_admins_are_told_that_removing_or_demoting_an_admin_revokes_their_api_keys(
    client, admin, marketer
):
    other_admin = MembershipFactory(
        organization=admin.memberships.get().organization, role=Role.ADMIN
    )
    client.force_login(admin)
    html = client.get(MEMBERS).content.decode()
    assert "revokes the keys they created at once" in html
    name = str(other_admin.user)
    assert f"Remove {name} from Acme Corp? The API keys they created stop working at once." in html
    assert f"Change the role of {name}? Once they are no longer an admin" in html
    # Removing the marketer touches no key: no such warning on their row.
    assert f'Remove {marketer} from Acme Corp?"' in html


def test_non_admins_see_no_key_warning(client, admin, sales_rep):
    client.force_login(sales_rep)
    assert "revokes the keys they created" not in client.get(MEMBERS).content.decode()
