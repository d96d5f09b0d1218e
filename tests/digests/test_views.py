"""The digest's pages: preview, one-click unsubscribe, and the links the email carries."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.middleware import SESSION_KEY
from digests.selectors import digests_due
from digests.tokens import unsubscribe_token
from digests.views import EMAIL_PREVIEW_CSP
from tests.factories import UserFactory, member


def _token(user, org) -> str:
    return unsubscribe_token(user=user, organization_id=org.pk)


# ------------------------------------------------------------------ unsubscribe


def test_get_shows_a_confirmation_and_does_not_unsubscribe(client, marketer, org):
    response = client.get(f"/digest/unsubscribe/{_token(marketer, org)}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop the weekly digest?" in page
    assert re.search(
        r'<form method="post">\s*<button type="submit"[^>]*>Unsubscribe</button>', page
    )
    assert "marketer@acme.test" in page and "Acme Corp" in page
    marketer.refresh_from_db()
    assert marketer.digest_enabled is True


def test_one_click_post_without_cookies_or_csrf_token_unsubscribes(marketer, org):
    browserless = Client(enforce_csrf_checks=True)  # a mail provider's POST: no session

    response = browserless.post(
        f"/digest/unsubscribe/{_token(marketer, org)}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200  # not a redirect (RFC 8058)
    assert "You are unsubscribed" in response.content.decode()
    marketer.refresh_from_db()
    assert marketer.digest_enabled is False


def test_the_list_unsubscribe_header_of_a_sent_digest_works(clock, busy_week, marketer, org):
    marketer.time_zone = "Europe/Berlin"
    marketer.save()
    call_command("send_digests")
    [message] = mail.outbox
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(f"{settings.SITE_URL}/digest/unsubscribe/")

    response = Client(enforce_csrf_checks=True).post(
        url.removeprefix(settings.SITE_URL),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    marketer.refresh_from_db()
    assert marketer.digest_enabled is False
    # Next week, nobody is due any more.
    clock.shift(timedelta(days=7))
    assert digests_due(timezone.now()) == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_garbled_token_is_a_400_page(client, marketer, org, method):
    token = _token(marketer, org)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    for bad in (forged, "not-a-token", "x" * 40):
        response = getattr(client, method)(f"/digest/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert "This link cannot be used" in response.content.decode()
    marketer.refresh_from_db()
    assert marketer.digest_enabled is True


def test_a_token_of_a_deleted_user_is_a_404_page(client, marketer, org):
    token = _token(marketer, org)
    marketer.delete()

    response = client.post(f"/digest/unsubscribe/{token}/")

    assert response.status_code == 404
    assert "This link cannot be used" in response.content.decode()


def test_a_link_works_for_sixty_days(client, marketer, org):
    with time_machine.travel("2026-06-08 06:00Z", tick=False) as traveller:
        token = _token(marketer, org)
        traveller.move_to("2026-08-06 06:00Z")  # 59 days on
        assert client.get(f"/digest/unsubscribe/{token}/").status_code == 200
        traveller.move_to("2026-08-08 06:00Z")  # 61 days on
        assert client.post(f"/digest/unsubscribe/{token}/").status_code == 400
    marketer.refresh_from_db()
    assert marketer.digest_enabled is True


def test_the_preferences_page_turns_it_back_on(client, marketer, org):
    Client().post(f"/digest/unsubscribe/{_token(marketer, org)}/")
    marketer.refresh_from_db()
    assert marketer.digest_enabled is False

    client.force_login(marketer)
    response = client.post(
        "/account/preferences/",
        {"name": "Maya", "time_zone": "UTC", "digest_enabled": "on", "digest_weekday": "0"},
    )

    assert response.status_code == 302
    marketer.refresh_from_db()
    assert marketer.digest_enabled is True


# ------------------------------------------------------------------ preferences


def test_preferences_show_labelled_day_and_hour_selects(client, marketer):
    client.force_login(marketer)

    page = client.get("/account/preferences/").content.decode()

    assert '<label for="id_digest_weekday">Digest day' in page
    assert '<label for="id_digest_hour">Digest time' in page
    assert re.search(
        r'<select name="digest_weekday"[^>]*aria-describedby="id_digest_weekday_helptext"', page
    )
    assert '<option value="0" selected>Monday</option>' in page
    assert '<option value="8" selected>08:00</option>' in page
    assert "The hour it arrives, in your time zone above" in page
    assert 'href="/digest/preview/"' in page


def test_preferences_save_the_digest_day_and_hour(client, marketer):
    client.force_login(marketer)

    response = client.post(
        "/account/preferences/",
        {
            "name": "Maya",
            "time_zone": "Asia/Tokyo",
            "digest_enabled": "on",
            "digest_weekday": "4",
            "digest_hour": "17",
        },
    )

    assert response.status_code == 302
    marketer.refresh_from_db()
    assert (marketer.digest_weekday, marketer.digest_hour) == (4, 17)


def test_preferences_refuse_an_hour_out_of_range(client, marketer):
    client.force_login(marketer)

    response = client.post(
        "/account/preferences/", {"time_zone": "UTC", "digest_weekday": "7", "digest_hour": "24"}
    )

    assert response.status_code == 200
    assert response.content.decode().count("Select a valid choice") == 2
    marketer.refresh_from_db()
    assert (marketer.digest_weekday, marketer.digest_hour) == (0, 8)


# ---------------------------------------------------------------------- preview


@pytest.mark.parametrize("path", ["/digest/preview/", "/digest/preview/email/"])
def test_preview_needs_login(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("path", ["/digest/preview/", "/digest/preview/email/"])
def test_preview_without_an_organization_is_a_404(client, db, path):
    client.force_login(UserFactory())

    assert client.get(path).status_code == 404


def test_preview_shows_the_next_digest_of_the_active_organization(
    client, clock, busy_week, marketer
):
    marketer.time_zone = "Europe/Berlin"
    marketer.digest_hour = 9
    marketer.save()
    client.force_login(marketer)

    response = client.get("/digest/preview/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Acme Corp weekly digest: 1 group drifting apart" in page
    assert "<strong>Monday 8 June 2026, 09:00</strong>" in page  # in Berlin time
    assert '<iframe src="/digest/preview/email/"' in page
    assert 'sandbox="allow-top-navigation-by-user-activation allow-popups"' in page
    assert "<pre>Hello Maya," in page and "DRIFTING APART" in page
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]  # the page itself
    assert response["X-Frame-Options"] == "DENY"


def test_preview_email_is_the_html_body_framable_by_our_pages_only(
    client, clock, busy_week, marketer
):
    client.force_login(marketer)

    response = client.get("/digest/preview/email/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EMAIL_PREVIEW_CSP
    assert "frame-ancestors 'self'" in EMAIL_PREVIEW_CSP
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert '<head><base target="_top">' in html
    assert ">Drifting apart</h2>" in html and "Contoso renewal" in html


def test_preview_says_so_when_the_digest_is_off_or_the_week_is_quiet(client, clock, marketer):
    marketer.digest_enabled = False
    marketer.save()
    client.force_login(marketer)

    page = client.get("/digest/preview/").content.decode()

    assert "The weekly digest is turned off" in page
    assert "If it stays quiet, no email is sent." in page


def test_preview_after_this_weeks_digest_names_next_week(client, clock, busy_week, marketer):
    marketer.time_zone = "Europe/Berlin"
    marketer.save()
    call_command("send_digests")
    client.force_login(marketer)

    page = client.get("/digest/preview/").content.decode()

    assert "This week's has been sent" in page
    assert "<strong>Monday 15 June 2026, 08:00</strong>" in page


def test_every_role_may_preview(client, clock, busy_week, sales_rep):
    client.force_login(sales_rep)

    assert client.get("/digest/preview/").status_code == 200


# ------------------------------------------------------------- links in the email


def test_a_group_link_opens_the_group_in_the_digests_organization(
    client, marketer, org, other_org, foreign_group
):
    from accounts.models import Membership

    Membership.objects.create(user=marketer, organization=other_org)
    client.force_login(marketer)
    session = client.session
    session[SESSION_KEY] = org.pk  # working in Acme
    session.save()
    assert client.get(f"/groups/{foreign_group.pk}/").status_code == 404

    response = client.get(f"/digest/org/{other_org.pk}/groups/{foreign_group.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/groups/{foreign_group.pk}/"
    assert client.session[SESSION_KEY] == other_org.pk
    assert client.get(response["Location"]).status_code == 200


def test_a_dashboard_link_switches_organization(client, marketer, org, other_org):
    from accounts.models import Membership

    Membership.objects.create(user=marketer, organization=other_org)
    client.force_login(marketer)

    response = client.get(f"/digest/org/{other_org.pk}/")

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session[SESSION_KEY] == other_org.pk


def test_links_into_another_organization_are_a_404(client, marketer, other_org, foreign_group):
    client.force_login(marketer)

    assert client.get(f"/digest/org/{other_org.pk}/").status_code == 404
    assert client.get(f"/digest/org/{other_org.pk}/groups/{foreign_group.pk}/").status_code == 404


def test_links_need_login_and_come_back_after_it(client, org, group):
    response = client.get(f"/digest/org/{org.pk}/groups/{group.pk}/")

    assert response.status_code == 302
    assert response["Location"] == (f"/login/?next=/digest/org/{org.pk}/groups/{group.pk}/")


def test_a_member_with_any_role_may_follow_a_link(client, sales_rep, org, group):
    member(org, email="another@acme.test")
    client.force_login(sales_rep)

    response = client.get(f"/digest/org/{org.pk}/groups/{group.pk}/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(f"/groups/{group.pk}/", 302)]
