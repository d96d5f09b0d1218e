import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.models import BuyingGroup, Relationship, Stakeholder
from tests.factories import BuyingGroupFactory, group_of


def test_marketer_creates_a_group(client, marketer):
    client.force_login(marketer)
    response = client.post(
        "/groups/new/",
        {
            "name": "Initech rollout",
            "account": "Initech",
            "opportunity_stage": "discovery",
            "owner": marketer.pk,
        },
    )
    group = BuyingGroup.objects.get(name="Initech rollout")
    assert response.status_code == 302 and response.url == f"/groups/{group.pk}/"
    assert group.owner == marketer


def test_duplicate_group_name_is_refused_and_input_kept(client, marketer, group):
    client.force_login(marketer)
    response = client.post(
        "/groups/new/",
        {"name": "contoso RENEWAL", "account": "Typed account", "opportunity_stage": "discovery"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "already a buying group called" in html
    assert 'value="Typed account"' in html
    assert BuyingGroup.objects.count() == 1


def test_owner_must_be_in_the_organization(client, marketer, other_org_marketer):
    client.force_login(marketer)
    response = client.post(
        "/groups/new/",
        {"name": "X", "opportunity_stage": "discovery", "owner": other_org_marketer.pk},
    )
    assert response.status_code == 200
    assert not BuyingGroup.objects.filter(name="X").exists()


def test_list_searches_sorts_and_paginates(client, marketer, org):
    for i in range(25):
        BuyingGroupFactory(
            organization=org, name=f"Deal {i:02d}", account="Umbrella" if i == 7 else "Other"
        )
    client.force_login(marketer)
    first = client.get("/groups/?sort=name").content.decode()
    assert "Deal 00" in first and "Deal 20" not in first
    assert "Page 1 of 2" in first
    second = client.get("/groups/?sort=name&page=2").content.decode()
    assert "Deal 24" in second
    found = client.get("/groups/?q=umbrella").content.decode()
    assert "Deal 07" in found and "Deal 08" not in found
    nothing = client.get("/groups/?q=zzz").content.decode()
    assert "No group matches" in nothing


def test_list_htmx_returns_only_the_results(client, marketer, group):
    client.force_login(marketer)
    response = client.get("/groups/?q=contoso", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="group-results"' in html and "<html" not in html
    assert "Contoso renewal" in html


def test_list_never_shows_other_organizations(client, marketer, group, foreign_group):
    client.force_login(marketer)
    html = client.get("/groups/").content.decode()
    assert "Contoso renewal" in html and "Globex secret deal" not in html


def test_empty_list_invites_to_create(client, marketer):
    client.force_login(marketer)
    assert "Map your first buying group" in client.get("/groups/").content.decode()


def test_archive_hides_and_restore_brings_back(client, marketer, group):
    client.force_login(marketer)
    link = f'href="/groups/{group.pk}/"'
    client.post(f"/groups/{group.pk}/archive/", {"archived": "1"})
    assert link not in client.get("/groups/").content.decode()
    assert link in client.get("/groups/?archived=1").content.decode()
    client.post(f"/groups/{group.pk}/archive/", {"archived": "0"})
    group.refresh_from_db()
    assert not group.archived


def test_group_page_shows_map_table_and_insights(client, marketer, group):
    client.force_login(marketer)
    html = client.get(f"/groups/{group.pk}/").content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "Person 00" in html  # in the table alternative
    assert "Missing roles" in html
    assert "Published baseline" in html
    assert "style=" not in html  # the CSP forbids inline styles


def test_add_person_inline_with_htmx_updates_the_map(client, marketer, group):
    client.force_login(marketer)
    response = client.post(
        f"/groups/{group.pk}/people/new/",
        {
            "person-name": "Zoe Quinn",
            "person-email": "ZOE@customer.example",
            "person-buying_role": "champion",
            "person-influence": 4,
            "person-stance": "supporter",
            "person-priorities": "uptime:2;security",
            "person-consent": "on",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="group-workspace"' in html and "<html" not in html
    assert "Zoe Quinn" in html.split('class="map"')[1]  # on the map itself
    zoe = Stakeholder.objects.get(email="zoe@customer.example")
    assert zoe.priorities == {"uptime": 2.0, "security": 1.0}
    from content.models import Theme

    assert set(
        Theme.objects.filter(organization=group.organization).values_list("slug", flat=True)
    ) >= {"uptime", "security"}


def test_add_person_errors_keep_the_input(client, marketer, group):
    client.force_login(marketer)
    response = client.post(
        f"/groups/{group.pk}/people/new/",
        {
            "person-name": "Zoe",
            "person-email": f"p0@{group.pk}.example",
            "person-influence": 9,
            "person-stance": "supporter",
            "person-buying_role": "champion",
            "person-priorities": "a:-1",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "already in this group" in html
    assert 'value="Zoe"' in html
    assert Stakeholder.objects.filter(group=group).count() == 4


def test_add_person_without_javascript_redirects(client, marketer, group):
    client.force_login(marketer)
    response = client.post(
        f"/groups/{group.pk}/people/new/",
        {
            "person-name": "Zoe",
            "person-email": "zoe@x.example",
            "person-influence": 3,
            "person-stance": "unknown",
            "person-buying_role": "other",
        },
    )
    assert response.status_code == 303
    assert response.url == f"/groups/{group.pk}/"


def test_add_relationship_inline(client, marketer, group):
    client.force_login(marketer)
    people = list(Stakeholder.objects.filter(group=group).order_by("name"))
    response = client.post(
        f"/groups/{group.pk}/relationships/new/",
        {
            "tie-source": people[3].pk,
            "tie-kind": "reports_to",
            "tie-target": people[1].pk,
            "tie-strength": 5,
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert Relationship.objects.filter(
        source=people[3], target=people[1], kind="reports_to", strength=5
    ).exists()
    assert "reports to" in response.content.decode()


def test_relationship_to_self_or_duplicate_is_refused(client, marketer, group):
    client.force_login(marketer)
    a, b = Stakeholder.objects.filter(group=group).order_by("name")[:2]
    selfie = client.post(
        f"/groups/{group.pk}/relationships/new/",
        {"tie-source": a.pk, "tie-kind": "influences", "tie-target": a.pk, "tie-strength": 3},
        headers={"HX-Request": "true"},
    )
    assert selfie.status_code == 422 and "two different people" in selfie.content.decode()
    duplicate = client.post(
        f"/groups/{group.pk}/relationships/new/",
        {"tie-source": a.pk, "tie-kind": "collaborates", "tie-target": b.pk, "tie-strength": 3},
    )
    assert duplicate.status_code == 200 and "already" in duplicate.content.decode()
    assert Relationship.objects.filter(group=group).count() == 4


def test_relationship_with_a_person_of_another_group_is_refused(
    client, marketer, group, foreign_group
):
    client.force_login(marketer)
    mine = Stakeholder.objects.filter(group=group).first()
    theirs = Stakeholder.objects.filter(group=foreign_group).first()
    response = client.post(
        f"/groups/{group.pk}/relationships/new/",
        {
            "tie-source": mine.pk,
            "tie-kind": "influences",
            "tie-target": theirs.pk,
            "tie-strength": 3,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Relationship.objects.filter(target=theirs, source=mine).exists()


def test_edit_and_remove_person(client, marketer, group):
    client.force_login(marketer)
    person = Stakeholder.objects.filter(group=group).order_by("name").first()
    response = client.post(
        f"/groups/{group.pk}/people/{person.pk}/",
        {
            "edit-name": "Renamed",
            "edit-email": person.email,
            "edit-influence": 5,
            "edit-stance": "skeptic",
            "edit-buying_role": "blocker",
            "edit-consent": "",
        },
    )
    assert response.status_code == 303
    person.refresh_from_db()
    assert (person.name, person.influence, person.stance, person.consent) == (
        "Renamed",
        5,
        "skeptic",
        False,
    )
    client.post(f"/groups/{group.pk}/people/{person.pk}/delete/")
    assert not Stakeholder.objects.filter(pk=person.pk).exists()
    assert not Relationship.objects.filter(source_id=person.pk).exists()


def test_edit_and_remove_relationship(client, marketer, group):
    client.force_login(marketer)
    tie = Relationship.objects.filter(group=group, kind="collaborates").first()
    client.post(
        f"/groups/{group.pk}/relationships/{tie.pk}/", {"kind": "influences", "strength": 1}
    )
    tie.refresh_from_db()
    assert (tie.kind, tie.strength) == ("influences", 1)
    response = client.post(
        f"/groups/{group.pk}/relationships/{tie.pk}/delete/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert not Relationship.objects.filter(pk=tie.pk).exists()


def _queries(client, group) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/groups/{group.pk}/")
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role_fixture", ["marketer", "sales_rep"])
def test_group_page_query_count_does_not_grow_with_members(client, org, role_fixture, request):
    client.force_login(request.getfixturevalue(role_fixture))
    _queries(client, group_of(org, 3))  # warm caches (content types, sessions)
    small, large = group_of(org, 5), group_of(org, 50)
    # Each analysed for the first time (the cached page: tests/scoring/test_analysis_cache.py).
    assert _queries(client, small) == _queries(client, large)


def test_edit_person_inline_with_htmx(client, marketer, group):
    client.force_login(marketer)
    person = Stakeholder.objects.filter(group=group).order_by("name").first()
    url = f"/groups/{group.pk}/people/{person.pk}/"
    editor = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in editor and f'hx-post="{url}"' in editor and "Edit Person 00" in editor
    bad = client.post(
        url, {"edit-name": "", "edit-email": person.email}, headers={"HX-Request": "true"}
    )
    assert bad.status_code == 422 and "This field is required" in bad.content.decode()
    assert "HX-Retarget" not in bad
    good = client.post(
        url,
        {
            "edit-name": "Pat Renamed",
            "edit-email": person.email,
            "edit-influence": 2,
            "edit-stance": "neutral",
            "edit-buying_role": "end_user",
            "edit-consent": "on",
        },
        headers={"HX-Request": "true"},
    )
    assert good.status_code == 200
    assert good["HX-Retarget"] == "#group-workspace"
    assert "Pat Renamed" in good.content.decode().split('class="map"')[1]


def test_edit_relationship_inline_with_htmx(client, marketer, group):
    client.force_login(marketer)
    tie = Relationship.objects.filter(group=group, kind="collaborates").first()
    url = f"/groups/{group.pk}/relationships/{tie.pk}/"
    editor = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in editor and "Strength" in editor
    response = client.post(
        url, {"kind": "conflicts_with", "strength": 5}, headers={"HX-Request": "true"}
    )
    assert response["HX-Retarget"] == "#group-workspace"
    tie.refresh_from_db()
    assert (tie.kind, tie.strength) == ("conflicts_with", 5)


def test_scoring_guide_is_readable_in_the_app(client, sales_rep):
    assert client.get("/help/scoring/").status_code == 302
    client.force_login(sales_rep)
    html = client.get("/help/scoring/").content.decode()
    assert re.search(r"<h1[^>]*>What the scores mean</h1>", html)
    assert "Divergence" in html and "81%" in html


def test_sensitive_notes_warn_before_saving(client, marketer, group):
    client.force_login(marketer)
    person = Stakeholder.objects.filter(group=group).order_by("name").first()
    url = f"/groups/{group.pk}/people/{person.pk}/"
    data = {
        "edit-name": person.name,
        "edit-email": person.email,
        "edit-influence": 3,
        "edit-stance": "neutral",
        "edit-buying_role": "influencer",
        "edit-consent": "on",
        "edit-notes": "Going through a divorce, so distracted this quarter.",
    }
    warned = client.post(url, data)
    assert warned.status_code == 200
    html = warned.content.decode()
    assert "Check this text before saving" in html
    assert "Nothing was saved yet" in html
    assert "Going through a divorce" in html  # nothing typed is lost
    person.refresh_from_db()
    assert person.notes == ""
    signature = html.split('name="edit-sensitive_signature" value="')[1].split('"')[0]
    saved = client.post(
        url, {**data, "edit-confirm_sensitive": "on", "edit-sensitive_signature": signature}
    )
    assert saved.status_code == 303
    person.refresh_from_db()
    assert "divorce" in person.notes


def test_ordinary_notes_save_without_a_warning(client, marketer, group):
    client.force_login(marketer)
    person = Stakeholder.objects.filter(group=group).order_by("name").first()
    response = client.post(
        f"/groups/{group.pk}/people/{person.pk}/",
        {
            "edit-name": person.name,
            "edit-email": person.email,
            "edit-influence": 3,
            "edit-stance": "neutral",
            "edit-buying_role": "influencer",
            "edit-consent": "on",
            "edit-notes": "Runs the weekly ops review; wants a health check of the pipelines.",
        },
    )
    assert response.status_code == 303
