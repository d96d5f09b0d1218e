"""Groups: list with pagination and filters, create, update, archive."""

import pytest

from planner.models import BuyingGroup
from tests.factories import BuyingGroupFactory

pytestmark = pytest.mark.django_db


def test_groups_are_paginated_with_a_count(reader, org):
    for i in range(5):
        BuyingGroupFactory(organization=org, name=f"Deal {i}", account="Contoso" if i < 2 else "")
    page = reader.get("/groups", limit=2, offset=2).json()
    assert page["count"] == 5
    assert [g["name"] for g in page["items"]] == ["Deal 2", "Deal 3"]
    contoso = reader.get("/groups", q="contoso").json()
    assert [g["name"] for g in contoso["items"]] == ["Deal 0", "Deal 1"]


def test_archived_groups_are_listed_apart(api, reader, group):
    assert api.post(f"/groups/{group.pk}/archive").json()["archived"] is True
    assert reader.get("/groups").json()["count"] == 0
    assert [g["id"] for g in reader.get("/groups", archived="true").json()["items"]] == [group.pk]


def test_stage_filter(reader, org):
    BuyingGroupFactory(organization=org, name="Early", opportunity_stage="prospecting")
    BuyingGroupFactory(organization=org, name="Late", opportunity_stage="negotiation")
    items = reader.get("/groups", stage="negotiation").json()["items"]
    assert [g["name"] for g in items] == ["Late"]
    assert reader.get("/groups", stage="nonsense").status_code == 422


def test_create_and_update_a_group(api, admin):
    created = api.post("/groups", {"name": "Initech expansion", "account": "Initech"})
    assert created.status_code == 201
    body = created.json()
    assert body["owner"] == admin.email  # the key's creator owns what it creates
    assert body["url"].endswith(f"/groups/{body['id']}/")
    updated = api.patch(f"/groups/{body['id']}", {"opportunity_stage": "proposal"})
    assert updated.json()["opportunity_stage"] == "proposal"
    assert BuyingGroup.objects.get(pk=body["id"]).account == "Initech"


def test_a_duplicate_name_is_a_422_naming_the_field(api, group):
    response = api.post("/groups", {"name": "contoso RENEWAL"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "name",
            "item": None,
            "message": "There is already a buying group called 'contoso RENEWAL'.",
        }
    ]
    assert BuyingGroup.objects.count() == 1


def test_a_group_id_that_does_not_exist_is_404(reader):
    assert reader.get("/groups/999999").status_code == 404


def test_a_blank_name_is_refused(api):
    response = api.post("/groups", {"name": "   "})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert not BuyingGroup.objects.exists()
