"""The digest preview shows the text body inside the page: every name in it is text."""

import re

from django.utils.safestring import SafeData

from accounts.emails import email_build

ATTACK = (
    '<b hx-post="/organization/members/2/role/" hx-vals=\'{"role":"admin"}\' '
    'hx-trigger="load">.</b>'
)


def test_a_group_named_with_htmx_markup_is_shown_as_text_in_the_digest_preview(
    client, clock, busy_week, admin, marketer
):
    busy_week["contoso"].name = ATTACK
    busy_week["contoso"].save()
    marketer.name = "<i hx-get='/x' hx-trigger='load'>Maya</i>"
    marketer.save()
    client.force_login(marketer)

    page = client.get("/digest/preview/").content.decode()

    assert "hx-post" not in re.sub(r"&lt;.*?&gt;", "", page)
    assert "&lt;b hx-post=&quot;/organization/members/2/role/&quot;" in page
    assert "<b hx-post" not in page and "<i hx-get" not in page
    email = client.get("/digest/preview/email/").content.decode()
    assert "<b hx-post" not in email and "&lt;b hx-post=" in email


def test_an_email_text_body_is_plain_text_never_marked_safe(org, admin):
    message = email_build(
        to=["x@example.com"],
        template="invitation",
        context={"organization": org, "inviter": admin, "url": "https://x", "role": "Admin"},
    )
    assert not isinstance(message.body, SafeData)
    assert not isinstance(message.subject, SafeData)
