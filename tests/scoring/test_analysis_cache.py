"""The analysis cache (scoring.cached, scoring.versions): a group is analysed once per
version and hour, and that analysis is shared by the group page, the suggestions page, the
kit draft and build, snapshots and the digest; every write shows on the next view; the
page is rendered for each viewer like any page, so nothing of one viewer (CSRF token,
flash messages, role, time zone) or organization reaches another; a cache that is down
costs time, never the page."""

import re
import sys
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from content.models import Asset, Theme
from kits import services as kit_services
from kits.building import kit_build
from planner import importing, services
from planner.models import Relationship, Stakeholder
from scoring import analysis as scoring_analysis
from scoring import cached as scoring_cached
from scoring import versions
from scoring.snapshots import snapshot_take
from suggestions import services as suggestion_services
from suggestions.models import PlannedSend
from suggestions.suggesting import top_suggestion
from tests.factories import group_of, member
from workspace import views

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def analyses(monkeypatch):
    """Every call of scoring.analysis.analyze, wherever it was imported, as a list of the
    groups analysed."""
    calls = []
    original = scoring_analysis.analyze

    def counted(group, **kwargs):
        calls.append(group.pk)
        return original(group, **kwargs)

    for module in list(sys.modules.values()):
        if getattr(module, "analyze", None) is original:
            monkeypatch.setattr(module, "analyze", counted)
    return calls


def page(client, group, **headers) -> str:
    response = client.get(f"/groups/{group.pk}/", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def queries(client, group) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client, group)
    return len(captured)


def cached(client, group) -> str:
    """The page once the group's analysis is cached: viewed twice, analysed once."""
    spy = []
    original = scoring_cached.analyze

    def counted(group, **kwargs):
        spy.append(group.pk)
        return original(group, **kwargs)

    scoring_cached.analyze = counted
    try:
        page(client, group)
        html = page(client, group)
    finally:
        scoring_cached.analyze = original
    assert len(spy) <= 1, "the second view must use the cached analysis"
    return html


@pytest.fixture
def shared_asset(org):
    return Asset.objects.create(
        organization=org,
        slug="shared-story",
        title="The shared story",
        themes={"cost-of-downtime": 2, "uptime": 1},
    )


@pytest.fixture
def touched(group):
    people = list(Stakeholder.objects.filter(group=group).order_by("name"))
    services.touches_record(
        group=group,
        stakeholders=people[:2],
        occurred_at=timezone.now() - timedelta(days=2),
        themes={"security": 1},
    )
    group.refresh_from_db()  # as a request loads it: recording touches changed the row
    return group


# --- every write shows on the next view ---------------------------------------------------


def test_a_new_person_shows_at_once(client, marketer, group):
    client.force_login(marketer)
    assert "Zoe Quinn" not in cached(client, group)
    response = client.post(
        f"/groups/{group.pk}/people/new/",
        {
            "person-name": "Zoe Quinn",
            "person-email": "zoe@customer.example",
            "person-buying_role": "champion",
            "person-influence": 4,
            "person-stance": "supporter",
        },
    )
    assert response.status_code == 303
    html = page(client, group)
    assert "Zoe Quinn" in html.split('class="map"')[1]
    assert "Zoe Quinn" in html.split('id="people-title"')[1]


def test_a_logged_touch_shows_at_once(client, marketer, group):
    client.force_login(marketer)
    assert "No touches logged yet" in cached(client, group)
    person = Stakeholder.objects.filter(group=group).order_by("name").first()
    response = client.post(
        f"/groups/{group.pk}/touches/new/",
        {
            "touch-recipients": [person.pk],
            "touch-occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "touch-channel": "webinar",
            "touch-themes": "brand-new-theme:2",
        },
    )
    assert response.status_code == 303
    html = page(client, group)
    assert "No touches logged yet" not in html
    assert " · Brand new theme</span>" in html.split('id="touches-title"')[1]
    assert "Brand new theme" in html.split('id="heatmap-title"')[1]  # the new theme's name


def test_marking_a_planned_send_sent_shows_at_once(client, marketer, touched, shared_asset):
    client.force_login(marketer)
    planned = suggestion_services.planned_send_create(
        group=touched,
        asset=shared_asset,
        recipients=list(Stakeholder.objects.filter(group=touched)),
    )
    html = cached(client, touched)
    assert "Mark sent" in html and "badge--success" not in html
    response = client.post(f"/groups/{touched.pk}/sends/{planned.pk}/sent/")
    assert response.status_code == 303
    html = page(client, touched)
    sends = html.split('id="sends-title"')[1].split("</section>")[0]
    assert "Sent" in sends and "Mark sent" not in sends
    assert "The shared story" in html.split('id="touches-title"')[1]


def test_planning_and_cancelling_a_send_show_at_once(client, marketer, touched, shared_asset):
    client.force_login(marketer)
    assert "Nothing planned" in cached(client, touched)
    planned = suggestion_services.planned_send_create(
        group=touched,
        asset=shared_asset,
        recipients=list(Stakeholder.objects.filter(group=touched)),
    )
    assert "Nothing planned" not in page(client, touched)
    cached(client, touched)
    suggestion_services.planned_send_cancel(planned=planned)
    assert "Cancelled" in page(client, touched).split('id="sends-title"')[1]
    assert PlannedSend.objects.get().status == "cancelled"


def test_a_new_snapshot_shows_at_once(client, marketer, touched):
    client.force_login(marketer)
    assert "No scores from last week to compare with yet." in cached(client, touched)
    snapshot_take(group=touched, now=timezone.now() - timedelta(days=8))
    html = page(client, touched)
    assert "No scores from last week" not in html
    assert "Readiness rose from 0 to" in html  # nobody had been reached 8 days ago


def test_a_new_asset_in_the_library_shows_in_the_suggestions(client, marketer, touched):
    client.force_login(marketer)
    assert "The content library is empty" in cached(client, touched)
    Asset.objects.create(  # the content app bumps nothing: the page notices by itself
        organization=touched.organization,
        slug="shared-story",
        title="The shared story",
        themes={"security": 2, "uptime": 1},
    )
    html = page(client, touched)
    assert "The shared story" in html.split('id="suggest-title"')[1]


def test_a_changed_or_deleted_asset_shows_at_once(client, marketer, touched, shared_asset):
    client.force_login(marketer)
    assert "The shared story" in cached(client, touched)
    shared_asset.title = "The one story"
    shared_asset.save()
    assert "The one story" in page(client, touched)
    cached(client, touched)
    shared_asset.delete()
    assert "The one story" not in page(client, touched)


def test_a_renamed_theme_shows_at_once(client, marketer, touched):
    client.force_login(marketer)
    assert "Security" in cached(client, touched)
    theme = Theme.objects.get(organization=touched.organization, slug="security")
    theme.name = "Zero trust"
    theme.save()  # e.g. in the admin: themes have no updated_at
    assert "Zero trust" in page(client, touched).split('id="heatmap-title"')[1]


def test_planner_settings_show_at_once(client, marketer, group):
    client.force_login(marketer)
    assert "Missing roles" in cached(client, group)
    services.planner_settings_update(organization=group.organization, roles=[], half_life_days=7)
    assert "Missing roles" not in page(client, group)


def test_a_renamed_group_shows_at_once(client, marketer, group):
    client.force_login(marketer)
    cached(client, group)
    services.group_update(group=group, name="Contoso expansion")
    assert "Stakeholder map of Contoso expansion" in page(client, group)


def test_an_import_shows_at_once(client, marketer, group):
    client.force_login(marketer)
    cached(client, group)
    plan = importing.import_plan(
        group=group,
        stakeholders=b"email,name\nimported@customer.example,Ivy Imported\n",
        stakeholders_name="people.csv",
    )
    assert plan.ok, plan.problems
    importing.import_apply(group=group, plan=plan)
    assert "Ivy Imported" in page(client, group).split('class="map"')[1]


def test_deleting_a_relationship_shows_at_once(client, marketer, group):
    client.force_login(marketer)
    tie = Relationship.objects.filter(group=group, kind="conflicts_with").get()
    ties = cached(client, group).split('id="ties-title"')[1].split("</section>")[0]
    assert "conflicts with" in ties
    client.post(f"/groups/{group.pk}/relationships/{tie.pk}/delete/")
    ties = page(client, group).split('id="ties-title"')[1].split("</section>")[0]
    assert "conflicts with" not in ties


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


# --- once per version ------------------------------------------------------------------


def test_the_page_suggestions_and_kit_draft_share_one_analysis(
    client, org, touched, shared_asset, analyses
):
    client.force_login(member(org, Role.ADMIN, email="boss@acme.test"))
    page(client, touched)
    assert client.get(f"/groups/{touched.pk}/suggestions/").status_code == 200
    assert client.get(f"/groups/{touched.pk}/kits/new/").status_code == 200
    assert client.get(f"/groups/{touched.pk}/suggestions/?asset=shared-story").status_code == 200
    person = Stakeholder.objects.filter(group=touched).order_by("name").first()
    assert client.get(f"/groups/{touched.pk}/people/{person.pk}/").status_code == 200
    assert top_suggestion(touched) is not None  # the digest's
    page(client, touched)
    assert analyses == [touched.pk]


def test_a_kit_is_built_from_one_analysis(org, touched, shared_asset, analyses):
    draft = kit_services.draft(touched)
    kit = kit_services.kit_request(
        group=touched,
        by=None,
        problem_statement=draft["problem_statement"],
        assets=draft["assets"],
        plan=draft["plan"],
        enqueue=False,
    )
    built = kit_build(kit_id=kit.pk)
    assert built.status == "ready"
    assert analyses == [touched.pk]


def test_a_snapshot_uses_the_analysis_the_page_made(client, marketer, touched, analyses):
    client.force_login(marketer)
    page(client, touched)
    snapshot = snapshot_take(group=touched)
    assert analyses == [touched.pk]
    assert "Readiness" in page(client, touched)  # and storing it keeps the analysis
    assert analyses == [touched.pk]
    assert snapshot.readiness == scoring_analysis.analyze(touched).readiness.score


@pytest.mark.parametrize(
    "write",
    ["add a person", "log a touch", "change the library", "change the settings", "rename"],
)
def test_every_write_gives_a_fresh_analysis(client, marketer, touched, analyses, write):
    client.force_login(marketer)
    page(client, touched)
    page(client, touched)
    assert len(analyses) == 1
    if write == "add a person":
        services.stakeholder_create(group=touched, email="zoe@customer.example", name="Zoe")
    elif write == "log a touch":
        services.touches_record(
            group=touched,
            stakeholders=list(Stakeholder.objects.filter(group=touched)),
            occurred_at=timezone.now(),
            themes={"uptime": 1},
        )
    elif write == "change the library":
        Asset.objects.create(organization=touched.organization, slug="new", title="New")
    elif write == "change the settings":
        services.planner_settings_update(
            organization=touched.organization, roles=[], half_life_days=7
        )
    else:
        services.group_update(group=touched, name="Contoso expansion")
    page(client, touched)
    page(client, touched)
    assert len(analyses) == 2


def test_an_analysis_is_reused_only_within_its_hour(client, marketer, touched, analyses):
    client.force_login(marketer)
    with time_machine_at("2026-11-05 12:01"):
        page(client, touched)
        assert len(analyses) == 1
    with time_machine_at("2026-11-05 12:59"):
        page(client, touched)
        assert len(analyses) == 1
    with time_machine_at("2026-11-05 13:00"):
        page(client, touched)
        assert len(analyses) == 2


def time_machine_at(moment: str):
    return time_machine.travel(timezone.datetime.fromisoformat(moment + "+00:00"), tick=False)


def test_an_analysis_of_a_given_day_is_never_the_current_one(marketer, touched, analyses):
    scoring_cached.current_analysis(touched)
    scoring_analysis.analyze(touched, as_of=touched.created_at)
    scoring_cached.current_analysis(touched)
    assert len(analyses) == 2


@pytest.mark.parametrize("role", [Role.MARKETER, Role.SALES])
def test_a_cached_page_costs_the_same_queries_for_5_and_50_members(client, org, role):
    client.force_login(member(org, role, email=f"{role}@acme.test"))
    small, large = group_of(org, 5), group_of(org, 50)
    cached(client, small)
    cached(client, large)
    assert queries(client, small) == queries(client, large)


def test_the_page_works_when_the_cache_is_down(client, marketer, group, monkeypatch, analyses):
    client.force_login(marketer)

    class Down:
        def __getattr__(self, name):
            def down(*args, **kwargs):
                raise ConnectionError("cache down")

            return down

    monkeypatch.setattr(versions, "cache", Down())
    monkeypatch.setattr(scoring_cached, "cache", Down())
    for _ in range(3):
        assert "Person 00" in page(client, group)
    assert len(analyses) == 3  # computed every time
    services.stakeholder_create(group=group, email="zoe@customer.example", name="Zoe Quinn")
    assert "Zoe Quinn" in page(client, group)


def test_a_cached_analysis_from_other_code_is_computed_again(marketer, group, analyses):
    key = scoring_cached.analysis_key(group)
    cache.set(key, b"not a pickle")
    assert scoring_cached.current_analysis(group).map.group == group
    assert len(analyses) == 1


# --- the long relationships list ----------------------------------------------------------


def test_long_relationship_lists_show_the_first_ones_and_a_link_to_all(client, marketer, org):
    big = group_of(org, 30)  # 29 relationships in a chain, plus one conflict
    client.force_login(marketer)
    html = page(client, big)
    ties = html.split('id="ties-title"')[1].split("</section>")[0]
    assert ties.count('class="list-row"') == views.RELATIONSHIPS_SHOWN
    assert f'href="/groups/{big.pk}/?relationships=all#ties-title"' in ties
    assert "Show all 30 relationships" in ties
    assert "30 relationships" in html.split('class="map"')[0]  # the map card still counts all
    every = client.get(f"/groups/{big.pk}/?relationships=all")
    ties = every.content.decode().split('id="ties-title"')[1].split("</section>")[0]
    assert ties.count('class="list-row"') == 30
    assert ties.count("Remove<span") == 30  # every action is still there


def test_an_htmx_change_from_the_long_list_keeps_it_long(client, marketer, org):
    big = group_of(org, 30)
    client.force_login(marketer)
    tie = Relationship.objects.filter(group=big).order_by("-pk").first()
    response = client.post(
        f"/groups/{big.pk}/relationships/{tie.pk}/delete/",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": f"http://testserver/groups/{big.pk}/?relationships=all",
        },
    )
    ties = response.content.decode().split('id="ties-title"')[1].split("</section>")[0]
    assert ties.count('class="list-row"') == 29
    short = client.post(
        f"/groups/{big.pk}/relationships/{Relationship.objects.filter(group=big).first().pk}/delete/",
        headers={"HX-Request": "true"},
    )
    ties = short.content.decode().split('id="ties-title"')[1].split("</section>")[0]
    assert ties.count('class="list-row"') == views.RELATIONSHIPS_SHOWN


def test_an_analysis_made_during_a_write_is_not_reused_after_it_commits(
    group, analyses, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.stakeholder_create(group=group, email="zoe@customer.example", name="Zoe")
        # Stored while the write is in flight (another connection would read the old rows):
        scoring_cached.current_analysis(group)
    group.refresh_from_db()
    before = len(analyses)  # (the commit also had a snapshot taken: its own analysis)
    assert "zoe@customer.example" in scoring_cached.current_analysis(group).map.by_email
    assert len(analyses) == before + 1  # the token changed again on commit: analysed afresh


def test_an_evicted_version_is_a_new_version(group, analyses):
    scoring_cached.current_analysis(group)
    cache.delete(versions._group_key(group.pk))  # e.g. evicted by Redis
    scoring_cached.current_analysis(group)
    assert len(analyses) == 2


def test_a_deploy_that_changes_the_code_makes_every_version_new(group, monkeypatch):
    """An analysis or picture made by the code before a deploy is never shown after it."""
    before = versions.group_version(group)
    assert versions.group_version(group) == before  # stable while nothing changes
    monkeypatch.setattr(versions, "code_fingerprint", lambda: "another-release")

    assert versions.group_version(group) != before


def test_the_code_fingerprint_reads_the_rooms_source(tmp_path, settings):
    (tmp_path / "scoring").mkdir()
    (tmp_path / "scoring" / "core.py").write_text("A = 1\n")
    settings.BASE_DIR = tmp_path
    versions.code_fingerprint.cache_clear()
    try:
        first = versions.code_fingerprint()
        (tmp_path / "scoring" / "core.py").write_text("A = 2\n")
        versions.code_fingerprint.cache_clear()
        assert versions.code_fingerprint() != first
    finally:
        versions.code_fingerprint.cache_clear()
