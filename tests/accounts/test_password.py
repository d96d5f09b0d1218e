import re

from django.core import mail

from tests.factories import TEST_PASSWORD


def test_password_reset_sends_a_multipart_email_with_an_absolute_link(client, marketer):
    response = client.post("/password-reset/", {"email": "marketer@acme.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["marketer@acme.test"]
    assert "new password" in message.subject
    html = message.alternatives[0].content
    link = re.search(r"https://app\.example\.com(/password-reset/\S+/\S+/)", message.body)
    assert link, message.body
    assert link.group(0) in html


def test_password_reset_for_an_unknown_email_reveals_nothing(client, db):
    response = client.post("/password-reset/", {"email": "nobody@acme.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_reset_link_sets_a_new_password(client, marketer):
    client.post("/password-reset/", {"email": "marketer@acme.test"})
    path = re.search(r"https://app\.example\.com(\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(path, follow=True)
    new = "a much longer passphrase 42"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert client.login(username="marketer@acme.test", password=new)


def test_password_change_requires_the_old_password(client, marketer):
    client.force_login(marketer)
    new = "another long passphrase 7"
    bad = client.post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": new, "new_password2": new},
    )
    assert bad.status_code == 200
    assert "incorrectly" in bad.content.decode()
    good = client.post(
        "/account/password/",
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert good.status_code == 302
    marketer.refresh_from_db()
    assert marketer.check_password(new)


def test_password_change_needs_login(client, db):
    response = client.get("/account/password/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")
