"""Every buying-group view: anonymous -> login, another organization's object -> 404,
wrong role -> 403."""

import pytest

from planner.models import Relationship, Stakeholder

# (name, method, path template, editors only)
VIEWS = [
    ("group list", "get", "/groups/", False),
    ("group create", "get", "/groups/new/", True),
    ("group detail", "get", "/groups/{g}/", False),
    ("group edit", "post", "/groups/{g}/edit/", True),
    ("group archive", "post", "/groups/{g}/archive/", True),
    ("person add", "post", "/groups/{g}/people/new/", True),
    ("person edit", "post", "/groups/{g}/people/{s}/", True),
    ("person delete", "post", "/groups/{g}/people/{s}/delete/", True),
    ("relationship add", "post", "/groups/{g}/relationships/new/", True),
    ("relationship edit", "post", "/groups/{g}/relationships/{r}/", True),
    ("relationship delete", "post", "/groups/{g}/relationships/{r}/delete/", True),
    ("import", "post", "/groups/{g}/import/", True),
    ("export csv", "get", "/groups/{g}/export.csv", False),
    ("export json", "get", "/groups/{g}/export.json", False),
    ("faction map", "get", "/groups/{g}/map/{s}/", False),
]
OBJECT_VIEWS = [v for v in VIEWS if "{g}" in v[2]]
EDITOR_VIEWS = [v for v in VIEWS if v[3]]


def _path(template, group):
    person = Stakeholder.objects.filter(group=group).first()
    tie = Relationship.objects.filter(group=group).first()
    return template.format(g=group.pk, s=person.pk, r=tie.pk)


@pytest.mark.parametrize(
    ("name", "method", "template", "editors"), VIEWS, ids=[v[0] for v in VIEWS]
)
def test_anonymous_is_sent_to_login(client, group, name, method, template, editors):
    response = getattr(client, method)(_path(template, group))
    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize(
    ("name", "method", "template", "editors"), OBJECT_VIEWS, ids=[v[0] for v in OBJECT_VIEWS]
)
def test_another_organizations_group_is_404(
    client, marketer, foreign_group, name, method, template, editors
):
    client.force_login(marketer)
    response = getattr(client, method)(_path(template, foreign_group))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "method", "template", "editors"), EDITOR_VIEWS, ids=[v[0] for v in EDITOR_VIEWS]
)
def test_sales_rep_cannot_edit(client, sales_rep, group, name, method, template, editors):
    client.force_login(sales_rep)
    before = (Stakeholder.objects.count(), Relationship.objects.count())
    response = getattr(client, method)(_path(template, group), {"name": "Hijack"})
    assert response.status_code == 403
    assert (Stakeholder.objects.count(), Relationship.objects.count()) == before
    group.refresh_from_db()
    assert group.name == "Contoso renewal" and not group.archived


def test_sales_rep_can_view_and_export(client, sales_rep, group):
    client.force_login(sales_rep)
    page = client.get(f"/groups/{group.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Add a person" not in html and "Import CSV" not in html
    assert client.get(f"/groups/{group.pk}/export.csv").status_code == 200


def test_a_person_of_another_group_is_404_even_in_own_org(client, marketer, org, group):
    from tests.factories import group_of

    other = group_of(org, 2)
    stranger = Stakeholder.objects.filter(group=other).first()
    client.force_login(marketer)
    assert client.post(f"/groups/{group.pk}/people/{stranger.pk}/delete/").status_code == 404
    assert Stakeholder.objects.filter(pk=stranger.pk).exists()


def test_confirming_someone_elses_pending_import_is_404(client, marketer, admin, group):
    from planner.models import PendingImport

    pending = PendingImport.objects.create(
        group=group,
        created_by=admin,
        stakeholders_name="x.csv",
        stakeholders_csv="email\na@b.example\n",
    )
    client.force_login(marketer)
    assert client.post(f"/groups/{group.pk}/import/{pending.pk}/confirm/").status_code == 404
    assert PendingImport.objects.filter(pk=pending.pk).exists()


def test_required_roles_admin_only(client, admin, marketer, org):
    from planner.selectors import required_roles

    assert client.get("/organization/planning/").status_code == 302
    client.force_login(marketer)
    assert (
        client.post(
            "/organization/planning/", {"roles": ["champion"], "half_life_days": 30}
        ).status_code
        == 403
    )
    client.force_login(admin)
    response = client.post(
        "/organization/planning/", {"roles": ["champion", "decision_maker"], "half_life_days": 14}
    )
    assert response.status_code == 303
    assert required_roles(org) == ["champion", "decision_maker"]
    assert org.planner_settings.half_life_days == 14


def test_required_roles_404_without_organization(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/organization/planning/").status_code == 404


def test_required_roles_drive_the_missing_roles_on_the_group_page(client, admin, group):
    client.force_login(admin)
    client.post(
        "/organization/planning/", {"roles": ["legal_and_compliance"], "half_life_days": 30}
    )
    html = client.get(f"/groups/{group.pk}/").content.decode()
    assert "Missing roles: Legal &amp; Compliance" in html
