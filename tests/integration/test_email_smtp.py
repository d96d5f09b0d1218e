"""Emails leave the app over real SMTP, multipart, with working absolute links."""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from accounts.models import Invitation, Membership, User
from accounts.roles import Role
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.integration

LINK = re.compile(r"https?://[^\s\"'<>]+")


def _only_message(sink):
    messages = sink.messages()
    assert len(messages) == 1, [m["Subject"] for m in messages]
    return sink.envelopes[0], messages[0]


def _bodies(message) -> tuple[str, str]:
    """The text and HTML bodies of a multipart/alternative message, in that order."""
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    return parts[0].get_content(), parts[1].get_content()


def _links(text: str, path_prefix: str) -> list[str]:
    return [url for url in LINK.findall(html.unescape(text)) if path_prefix in url]


def test_password_reset_email_over_smtp_and_the_link_sets_a_new_password(
    client, marketer, smtp_sink
):
    response = client.post("/password-reset/", {"email": "MARKETER@acme.test"})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"

    envelope, message = _only_message(smtp_sink)
    assert envelope.rcpt_tos == ["marketer@acme.test"]
    assert message["To"] == "marketer@acme.test"
    assert message["Subject"] == "Choose a new password for Consensus Planner"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    text, body_html = _bodies(message)
    assert "Maya Marketer" in text
    assert "<a href=" in body_html
    [link] = _links(text, "/password-reset/")
    assert _links(body_html, "/password-reset/") == [link]

    # The link, opened in a browser, lets the person choose a new password.
    form_page = client.get(urlsplit(link).path, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_path = form_page.redirect_chain[-1][0]
    new_password = "a-fresh and long passphrase 42"
    done = client.post(
        set_password_path, {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    assert done["Location"] == "/password-reset/complete/"

    client.logout()
    old = client.post("/login/", {"username": "marketer@acme.test", "password": TEST_PASSWORD})
    assert old.status_code == 200  # the old password no longer works
    signed_in = client.post("/login/", {"username": "marketer@acme.test", "password": new_password})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"
    # The link works once.
    again = client.get(urlsplit(link).path, follow=True)
    assert again.context["validlink"] is False


def test_password_reset_link_starts_with_site_url(client, marketer, smtp_sink):
    client.post("/password-reset/", {"email": "marketer@acme.test"})

    _envelope, message = _only_message(smtp_sink)
    text, body_html = _bodies(message)
    [link] = _links(text, "/password-reset/")
    assert link.startswith(f"{settings.SITE_URL}/password-reset/")
    assert _links(body_html, "/password-reset/") == [link]


def test_password_reset_for_an_unknown_email_sends_nothing(client, db, smtp_sink):
    response = client.post("/password-reset/", {"email": "nobody@acme.test"})
    assert response.status_code == 302  # same answer: no account enumeration
    assert smtp_sink.messages() == []


def test_invitation_email_over_smtp_with_a_working_accept_link(
    client, admin, org, smtp_sink, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            "/organization/members/", {"email": "New.Person@Example.com", "role": Role.SALES}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1

    envelope, message = _only_message(smtp_sink)
    assert envelope.rcpt_tos == ["new.person@example.com"]
    assert message["To"] == "new.person@example.com"
    assert message["Subject"] == "Ada Admin invited you to Acme Corp on Consensus Planner"
    text, body_html = _bodies(message)
    assert "Acme Corp" in text and "Sales" in text
    assert "Acme Corp" in body_html
    [link] = _links(text, "/invitations/")
    assert link.startswith(f"{settings.SITE_URL}/invitations/")
    assert _links(body_html, "/invitations/") == [link]

    # The invitee follows the link, chooses a password and lands in the organization.
    client.logout()
    path = urlsplit(link).path
    page = client.get(path)
    assert page.status_code == 200
    assert b"Acme Corp" in page.content
    password = "another long passphrase 77"
    joined = client.post(path, {"name": "New Person", "password1": password, "password2": password})
    assert joined.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert Membership.objects.get(user=user, organization=org).role == Role.SALES
    assert Invitation.objects.get(email="new.person@example.com").status == "accepted"
