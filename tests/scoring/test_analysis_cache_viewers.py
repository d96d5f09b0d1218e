"""The cached group page is rendered for each viewer like any page: nothing of one viewer
(CSRF token, flash messages, role, time zone, a form with errors) or of one organization
reaches another, and the cache holds results, never a page."""

import re
from datetime import timedelta

from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from accounts.roles import Role
from planner.models import Stakeholder
from tests.factories import member
from tests.scoring.cached_page import cached, page

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- nothing of one viewer reaches another ------------------------------------------------


def test_two_users_get_their_own_csrf_tokens(org, group, marketer, admin):
    clients = {}
    for user in (marketer, admin):
        clients[user] = Client(enforce_csrf_checks=True)
        clients[user].force_login(user)
    htmls = {user: [page(c, group) for _ in range(3)] for user, c in clients.items()}
    secrets = {}
    for user, pages in htmls.items():
        tokens = {t for html in pages for t in TOKEN.findall(html)}
        assert tokens, "the page has forms with a CSRF token"
        cookie = clients[user].cookies["csrftoken"].value
        assert {_unmask_cipher_token(t) for t in tokens} == {cookie}  # only their own
        secrets[user] = cookie
    assert secrets[marketer] != secrets[admin]
    # The cache holds results, never a page, a token or anything of a viewer.
    stored = b"".join(
        value if isinstance(value, bytes) else repr(value).encode()
        for value in cache._cache.values()  # LocMemCache's store: every value, pickled
    )
    assert b"csrfmiddlewaretoken" not in stored and b"<html" not in stored
    assert all(secret.encode() not in stored for secret in secrets.values())
    # And each user's own token works.
    person = Stakeholder.objects.filter(group=group).order_by("name").first()
    for user, pages in htmls.items():
        token = TOKEN.findall(pages[-1])[0]
        response = clients[user].post(
            f"/groups/{group.pk}/people/{person.pk}/delete/", {"csrfmiddlewaretoken": token}
        )
        assert response.status_code in (303, 404)  # 404: the first user removed them


def test_another_organization_never_sees_the_data(client, marketer, group, foreign_group):
    outsider = member(foreign_group.organization, Role.MARKETER, email="spy@globex.test")
    client.force_login(marketer)
    mine = cached(client, group)
    assert "Person 00" in mine and "Globex secret deal" not in mine
    other = Client()
    other.force_login(outsider)
    assert other.get(f"/groups/{group.pk}/").status_code == 404
    theirs = page(other, foreign_group)
    assert "Globex secret deal" in theirs and "Contoso renewal" not in theirs
    assert f"p0@{group.pk}.example" not in theirs
    assert client.get(f"/groups/{foreign_group.pk}/").status_code == 404


def test_flash_messages_are_never_cached(org, group, marketer, admin):
    mine, theirs = Client(), Client()
    mine.force_login(marketer)
    theirs.force_login(admin)
    cached(mine, group)
    cached(theirs, group)
    mine.post(
        f"/groups/{group.pk}/people/new/",
        {
            "person-name": "Zoe Quinn",
            "person-email": "zoe@customer.example",
            "person-buying_role": "champion",
            "person-influence": 4,
            "person-stance": "supporter",
        },
    )
    assert "Zoe Quinn was added to the map." in page(mine, group)
    assert "was added to the map" not in page(mine, group)  # shown once
    for _ in range(3):
        assert "was added to the map" not in page(theirs, group)


def test_htmx_responses_carry_their_own_messages_and_token(client, marketer, group):
    client.force_login(marketer)
    cached(client, group)
    person = Stakeholder.objects.filter(group=group).order_by("name").first()
    response = client.post(
        f"/groups/{group.pk}/people/{person.pk}/delete/", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'id="group-workspace"' in html and "<html" not in html
    assert "was removed, with their relationships." in html
    token = TOKEN.findall(html)[0]
    assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value


def test_viewers_without_edit_rights_never_get_the_editors_page(client, org, group, marketer):
    sales = member(org, Role.SALES, email="sales2@acme.test")
    client.force_login(marketer)
    assert "Add to the map" in cached(client, group)
    other = Client()
    other.force_login(sales)
    for _ in range(3):
        html = page(other, group)
        assert "Add to the map" not in html and "Log touch" not in html
        assert "Plan this send" not in html


def test_dates_follow_each_viewers_time_zone(frozen_clock, org, touched, marketer):
    tokyo = member(org, Role.MARKETER, email="tokyo@acme.test", time_zone="Asia/Tokyo")
    utc, jst = Client(), Client()
    utc.force_login(marketer)
    jst.force_login(tokyo)
    first = cached(utc, touched)
    second = cached(jst, touched)
    assert "3 Nov 2026, 12:00" in first and "3 Nov 2026, 21:00" not in first
    assert "3 Nov 2026, 21:00" in second and "3 Nov 2026, 12:00" not in second
    assert 'value="2026-11-05T12:00"' in first and 'value="2026-11-05T21:00"' in second


def test_a_new_touch_defaults_to_the_current_minute(client, marketer, group, frozen_clock):
    client.force_login(marketer)
    html = cached(client, group)
    assert 'value="2026-11-05T12:00"' in html
    frozen_clock.shift(timedelta(minutes=7))
    assert 'value="2026-11-05T12:07"' in page(client, group)


def test_a_form_with_errors_is_rendered_fresh(client, marketer, group):
    client.force_login(marketer)
    cached(client, group)
    response = client.post(
        f"/groups/{group.pk}/people/new/",
        {"person-name": "Typed name", "person-email": "not an email"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert 'value="Typed name"' in response.content.decode()
    assert 'value="Typed name"' not in page(client, group)
