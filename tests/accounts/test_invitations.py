import time_machine
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role
from accounts.tokens import invitation_token
from tests.factories import TEST_PASSWORD, InvitationFactory, UserFactory


def url(invitation) -> str:
    return f"/invitations/{invitation_token(invitation)}/"


NEW = {
    "name": "Nia New",
    "password1": "a long enough passphrase 1",
    "password2": "a long enough passphrase 1",
}


def test_newcomer_creates_an_account_and_joins(client, org):
    invitation = InvitationFactory(organization=org, email="nia@acme.test", role=Role.SALES)
    page = client.get(url(invitation))
    assert page.status_code == 200
    assert "Join Acme Corp" in page.content.decode()
    response = client.post(url(invitation), NEW)
    assert response.status_code == 302
    user = User.objects.get(email="nia@acme.test")
    assert user.name == "Nia New"
    assert Membership.objects.get(user=user).role == Role.SALES
    assert "Acme Corp" in client.get("/").content.decode()


def test_link_works_only_once(client, org):
    invitation = InvitationFactory(organization=org, email="nia@acme.test")
    client.post(url(invitation), NEW)
    client.post("/logout/")
    again = client.get(url(invitation))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_expired_invitation_says_so(client, org):
    with time_machine.travel("2026-11-01 12:00Z", tick=False):
        invitation = InvitationFactory(organization=org, created_at=timezone.now())
    with time_machine.travel("2026-11-09 12:00Z", tick=False):
        response = client.get(url(invitation))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_revoked_invitation_says_so(client, org):
    invitation = InvitationFactory(organization=org, revoked_at=timezone.now())
    response = client.post(url(invitation), NEW)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_forged_token_is_refused(client, org):
    InvitationFactory(organization=org)
    response = client.get("/invitations/not-a-real-token/")
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_mismatched_passwords_keep_the_name_and_create_nothing(client, org):
    invitation = InvitationFactory(organization=org)
    response = client.post(url(invitation), {**NEW, "password2": "something else entirely"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The two passwords differ" in html
    assert 'value="Nia New"' in html
    assert not User.objects.filter(email=invitation.email).exists()


def test_existing_user_signs_in_then_accepts(client, org, other_org_marketer):
    invitation = InvitationFactory(organization=org, email=other_org_marketer.email)
    page = client.get(url(invitation)).content.decode()
    assert "You already have an account" in page
    client.force_login(other_org_marketer)
    client.post(url(invitation))
    assert Membership.objects.filter(user=other_org_marketer, organization=org).exists()
    # the newly joined organization becomes the active one
    assert "Acme Corp" in client.get("/").content.decode()


def test_signed_in_as_someone_else_cannot_accept(client, org):
    invitation = InvitationFactory(organization=org, email="nia@acme.test")
    intruder = UserFactory(email="intruder@acme.test")
    client.force_login(intruder)
    response = client.post(url(invitation), follow=True)
    assert "but you are signed in as intruder@acme.test" in response.content.decode()
    assert not Membership.objects.filter(user=intruder).exists()


def test_password_of_existing_account_is_untouched(client, org, marketer):
    invitation = InvitationFactory(organization=org, email=marketer.email)
    client.post(url(invitation), NEW)
    marketer.refresh_from_db()
    assert marketer.check_password(TEST_PASSWORD)
