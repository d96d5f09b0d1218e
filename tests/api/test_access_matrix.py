"""Every endpoint, every caller: no or bad key 401, a read key writing 403 (nothing
written), another organization's group 404, and the organization's own key served."""

import pytest

from api.keys import api_key_revoke
from planner.models import BuyingGroup, Stakeholder, Touch
from suggestions.models import PlannedSend

pytestmark = pytest.mark.django_db

READS = [
    "/groups",
    "/groups/{g}",
    "/groups/{g}/people",
    "/groups/{g}/relationships",
    "/groups/{g}/touches",
    "/groups/{g}/analysis",
    "/groups/{g}/suggestions",
    "/groups/{g}/forecast",
    "/groups/{g}/planned-sends",
    "/groups/{g}/kits",
    "/assets",
    "/me/digest",
]
GROUP_READS = [path for path in READS if "{g}" in path]
WRITES = [
    ("POST", "/groups", {"name": "Initech expansion"}),
    ("PATCH", "/groups/{g}", {"notes": "changed"}),
    ("POST", "/groups/{g}/archive", None),
    ("POST", "/groups/{g}/people", [{"email": "new@customer.example"}]),
    (
        "POST",
        "/groups/{g}/relationships",
        [
            {
                "source_email": "p0@{g}.example",
                "target_email": "p2@{g}.example",
                "kind": "influences",
            }
        ],
    ),
    (
        "POST",
        "/groups/{g}/touches",
        [{"email": "p0@{g}.example", "occurred_at": "2026-11-01", "themes": {"security": 1}}],
    ),
    ("POST", "/groups/{g}/planned-sends", {"asset": "downtime-calculator"}),
    ("POST", "/groups/{g}/kits", {}),
    (
        "POST",
        "/assets",
        [
            {
                "slug": "new-guide",
                "title": "Guide",
                "kind": "article",
                "framing": "shared_problem",
                "level": "mass",
                "stage": "validation",
            }
        ],
    ),
    ("PATCH", "/me/digest", {"enabled": False}),
]
GROUP_WRITES = [w for w in WRITES if "{g}" in w[1]]


def fill(value, group):
    if isinstance(value, str):
        return value.replace("{g}", str(group.pk))
    if isinstance(value, list):
        return [fill(v, group) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, group) for k, v in value.items()}
    return value


def counts():
    return (
        BuyingGroup.objects.count(),
        BuyingGroup.objects.filter(archived=True).count(),
        Stakeholder.objects.count(),
        Touch.objects.count(),
        PlannedSend.objects.count(),
    )


@pytest.mark.parametrize("path", READS)
def test_no_key_is_401_with_the_error_shape(anonymous, group, path):
    response = anonymous.get(fill(path, group))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Send a valid API key: Authorization: Bearer KEY.",
        "errors": [],
    }
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("path", READS)
def test_a_made_up_or_revoked_key_is_401(write_key, api, group, path):
    api_key_revoke(key=write_key)
    assert api.get(fill(path, group)).status_code == 401
    api.secret = "cp_" + "x" * 43
    assert api.get(fill(path, group)).status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_no_key_cannot_write(anonymous, group, calculator, method, path, body):
    before = counts()
    assert anonymous.send(method, fill(path, group), fill(body, group)).status_code == 401
    assert counts() == before


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_read_key_writing_is_403_and_writes_nothing(
    reader, group, calculator, method, path, body
):
    before = counts()
    response = reader.send(method, fill(path, group), fill(body, group))
    assert response.status_code == 403
    assert "only read" in response.json()["detail"]
    assert counts() == before


@pytest.mark.parametrize("path", GROUP_READS)
def test_another_organizations_group_is_404(outsider, group, path):
    response = outsider.get(fill(path, group))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}


@pytest.mark.parametrize(("method", "path", "body"), GROUP_WRITES)
def test_writing_to_another_organizations_group_is_404(
    outsider, group, calculator, method, path, body
):
    before = counts()
    assert outsider.send(method, fill(path, group), fill(body, group)).status_code == 404
    assert counts() == before


@pytest.mark.parametrize("path", READS)
def test_a_read_key_reads_its_own_organization(reader, admin, group, path):
    response = reader.get(fill(path, group))
    # A read key made without a person has no digest preferences of its own.
    assert response.status_code == (404 if path == "/me/digest" else 200)


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_write_key_writes(api, group, calculator, method, path, body):
    response = api.send(method, fill(path, group), fill(body, group))
    assert response.status_code in (200, 201, 202), response.content


def test_lists_never_show_another_organizations_groups(outsider, group, foreign_group):
    names = [g["name"] for g in outsider.get("/groups").json()["items"]]
    assert names == ["Globex secret deal"]
