"""Every content-library view: anonymous -> login, another organization's object -> 404,
wrong role (a sales rep on an editing view) -> 403."""

import pytest

from content.importing import asset_import_stage
from content.models import Asset, GlossaryTerm, PendingAssetImport
from tests.content.factories import GlossaryTermFactory, asset_with_file

CSV = (
    b"slug,title,kind,framing,level,stage,themes\n"
    b"new-one,A new one,article,shared_problem,mass,problem_identification,uptime\n"
)

# (name, method, path template, editors only)
VIEWS = [
    ("library", "get", "/library/", False),
    ("asset new", "get", "/library/new/", True),
    ("asset create", "post", "/library/new/", True),
    ("asset detail", "get", "/library/{a}/", False),
    ("asset edit form", "get", "/library/{a}/edit/", True),
    ("asset edit", "post", "/library/{a}/edit/", True),
    ("asset delete", "post", "/library/{a}/delete/", True),
    ("asset file", "get", "/library/{a}/file/", False),
    ("import", "post", "/library/import/", True),
    ("import confirm", "post", "/library/import/{p}/confirm/", True),
    ("glossary", "get", "/library/glossary/", False),
    ("glossary add", "post", "/library/glossary/", True),
    ("term edit", "post", "/library/glossary/{t}/edit/", True),
    ("term delete", "post", "/library/glossary/{t}/delete/", True),
]
OBJECT_VIEWS = [v for v in VIEWS if "{" in v[2]]
EDITOR_VIEWS = [v for v in VIEWS if v[3]]
IDS = [v[0] for v in VIEWS]
PAYLOAD = {"title": "Hijack", "term": "Hijack", "definition": "x", "demo": "on"}


def _objects(organization, user):
    asset = asset_with_file(organization, title="Private deck")
    term = GlossaryTermFactory(organization=organization, term="Private word")
    pending = asset_import_stage(organization=organization, by=user, name="lib.csv", data=CSV)
    return {"a": asset.pk, "t": term.pk, "p": pending.pk}


def _counts():
    return (Asset.objects.count(), GlossaryTerm.objects.count(), PendingAssetImport.objects.count())


@pytest.mark.parametrize(("name", "method", "template", "editors"), VIEWS, ids=IDS)
def test_anonymous_is_sent_to_login(client, org, marketer, name, method, template, editors):
    path = template.format(**_objects(org, marketer))
    response = getattr(client, method)(path, PAYLOAD if method == "post" else None)
    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize(
    ("name", "method", "template", "editors"), OBJECT_VIEWS, ids=[v[0] for v in OBJECT_VIEWS]
)
def test_another_organizations_object_is_404(
    client, marketer, other_org, other_org_marketer, name, method, template, editors
):
    path = template.format(**_objects(other_org, other_org_marketer))
    before = _counts()
    client.force_login(marketer)
    response = getattr(client, method)(path, PAYLOAD if method == "post" else None)
    assert response.status_code == 404
    assert _counts() == before


@pytest.mark.parametrize(
    ("name", "method", "template", "editors"), EDITOR_VIEWS, ids=[v[0] for v in EDITOR_VIEWS]
)
def test_sales_rep_cannot_edit(client, org, sales_rep, name, method, template, editors):
    path = template.format(**_objects(org, sales_rep))
    before = _counts()
    client.force_login(sales_rep)
    response = getattr(client, method)(path, PAYLOAD if method == "post" else None)
    assert response.status_code == 403
    assert _counts() == before
    assert not Asset.objects.filter(title="Hijack").exists()
    assert not GlossaryTerm.objects.filter(term="Hijack").exists()


def test_sales_rep_can_browse_read_and_download(client, org, sales_rep):
    ids = _objects(org, sales_rep)
    client.force_login(sales_rep)
    page = client.get("/library/").content.decode()
    assert "Private deck" in page
    assert "New asset" not in page and "Import CSV" not in page
    detail = client.get(f"/library/{ids['a']}/").content.decode()
    assert "Download PDF" in detail and "Remove this asset" not in detail
    assert client.get(f"/library/{ids['a']}/file/").status_code == 200
    glossary = client.get("/library/glossary/").content.decode()
    assert "Private word" in glossary and "Add a term" not in glossary


def test_someone_elses_pending_import_in_the_same_org_is_404(client, org, marketer, admin):
    pending = asset_import_stage(organization=org, by=admin, name="lib.csv", data=CSV)
    client.force_login(marketer)
    assert client.post(f"/library/import/{pending.pk}/confirm/").status_code == 404
    assert not Asset.objects.filter(slug="new-one").exists()


def test_a_user_in_no_organization_gets_404(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/library/").status_code == 404
