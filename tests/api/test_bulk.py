"""People, relationships and touches by the list: the CSV import's rules, all or nothing,
idempotent by content and by `Idempotency-Key`."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import IdempotentRequest
from api.tasks import api_housekeeping_task
from planner.models import Relationship, Stakeholder, Touch

pytestmark = pytest.mark.django_db

TOUCHES = [
    {
        "email": "p0@{g}.example",
        "occurred_at": "2026-11-01T09:30:00Z",
        "channel": "email",
        "asset": "downtime-calculator",
    },
    {"email": "p1@{g}.example", "occurred_at": "2026-11-02", "themes": {"security": 2}},
]


def touches(group):
    return [{**t, "email": t["email"].replace("{g}", str(group.pk))} for t in TOUCHES]


def test_people_are_upserted_by_email(api, group):
    body = [
        {
            "email": "Nia@Customer.example",
            "name": "Nia Okafor",
            "buying_role": "Budget Holder",
            "priorities": {"cost-of-downtime": 3},
        },
        {"email": f"p0@{group.pk}.example", "title": "CFO"},
    ]
    first = api.post(f"/groups/{group.pk}/people", body)
    assert first.status_code == 200
    assert first.json() == {"created": 1, "updated": 1, "unchanged": 0}
    nia = Stakeholder.objects.get(group=group, email="nia@customer.example")
    assert (nia.buying_role, nia.priorities) == ("budget_holder", {"cost-of-downtime": 3.0})
    p0 = Stakeholder.objects.get(group=group, email=f"p0@{group.pk}.example")
    assert (p0.title, p0.name) == ("CFO", "Person 00")  # a field not sent stays as it was
    again = api.post(f"/groups/{group.pk}/people", body)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}


def test_one_bad_person_writes_nothing_and_names_item_and_field(api, group):
    body = [{"email": f"new{i}@customer.example"} for i in range(3)]
    body.append({"email": "bad@customer.example", "influence": 9})
    response = api.post(f"/groups/{group.pk}/people", body)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "influence", "item": 3, "message": "must be a whole number from 1 to 5 (got '9')"}
    ]
    assert "item 3, influence" in response.json()["detail"]
    assert not Stakeholder.objects.filter(email__startswith="new").exists()


def test_a_missing_field_is_a_422_naming_field_and_item(api, group):
    response = api.post(f"/groups/{group.pk}/touches", [touches(group)[0], {"email": "x@y.z"}])
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "occurred_at", "item": 1, "message": "Field required"}
    ]


def test_touches_are_idempotent_like_the_csv_import(api, group, calculator):
    first = api.post(f"/groups/{group.pk}/touches", touches(group))
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0}
    second = api.post(f"/groups/{group.pk}/touches", touches(group))
    assert second.json() == {"created": 0, "updated": 0, "unchanged": 2}
    assert Touch.objects.filter(group=group).count() == 2
    listed = api.get(f"/groups/{group.pk}/touches").json()
    assert listed["count"] == 2
    assert listed["items"][0]["email"] == f"p1@{group.pk}.example"  # latest first


def test_a_touch_for_someone_outside_the_group_writes_nothing(api, group, calculator):
    body = [*touches(group), {"email": "stranger@else.example", "occurred_at": "2026-11-01"}]
    response = api.post(f"/groups/{group.pk}/touches", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["item"] == 2
    assert response.json()["errors"][0]["field"] == "email"
    assert not Touch.objects.exists()


def test_an_unknown_asset_is_refused(api, group):
    body = [{"email": f"p0@{group.pk}.example", "occurred_at": "2026-11-01", "asset": "nope"}]
    response = api.post(f"/groups/{group.pk}/touches", body)
    assert response.json()["errors"] == [
        {"field": "asset", "item": 0, "message": "no asset 'nope' in the content library"}
    ]


def test_more_than_1000_touches_in_one_call_is_refused(api, group):
    body = [
        {"email": f"p0@{group.pk}.example", "occurred_at": f"2026-01-01T00:{i // 60 % 60:02d}"}
        for i in range(1001)
    ]
    response = api.post(f"/groups/{group.pk}/touches", body)
    assert response.status_code == 422
    assert not Touch.objects.exists()


def test_an_empty_list_is_refused(api, group):
    assert api.post(f"/groups/{group.pk}/touches", []).status_code == 422


def test_idempotency_key_replays_the_first_answer(api, group, calculator):
    headers = {"Idempotency-Key": "batch-42"}
    first = api.post(f"/groups/{group.pk}/touches", touches(group), headers=headers)
    Touch.objects.all().delete()  # even if the data changed since, the answer is replayed
    replay = api.post(f"/groups/{group.pk}/touches", touches(group), headers=headers)
    assert replay.status_code == 200
    assert replay.json() == first.json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert not Touch.objects.exists()


def test_an_idempotency_key_reused_for_another_request_is_422(api, group, calculator):
    headers = {"Idempotency-Key": "batch-43"}
    api.post(f"/groups/{group.pk}/touches", touches(group)[:1], headers=headers)
    response = api.post(f"/groups/{group.pk}/touches", touches(group), headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Touch.objects.count() == 1


def test_a_failed_call_does_not_use_up_its_idempotency_key(api, group, calculator):
    headers = {"Idempotency-Key": "batch-44"}
    bad = [{"email": "stranger@else.example", "occurred_at": "2026-11-01"}]
    assert api.post(f"/groups/{group.pk}/touches", bad, headers=headers).status_code == 422
    ok = api.post(f"/groups/{group.pk}/touches", touches(group), headers=headers)
    assert ok.json()["created"] == 2


def test_relationships_are_matched_by_pair_and_kind(api, group):
    g = group.pk
    body = [
        {
            "source_email": f"p0@{g}.example",
            "target_email": f"p2@{g}.example",
            "kind": "influences",
            "strength": 4,
        }
    ]
    assert api.post(f"/groups/{g}/relationships", body).json()["created"] == 1
    body[0]["strength"] = 5
    assert api.post(f"/groups/{g}/relationships", body).json()["updated"] == 1
    tie = Relationship.objects.get(group=group, kind="influences")
    assert tie.strength == 5
    bad = [
        {"source_email": f"p0@{g}.example", "target_email": f"p0@{g}.example", "kind": "influences"}
    ]
    response = api.post(f"/groups/{g}/relationships", bad)
    assert response.json()["errors"][0] == {
        "field": "target_email",
        "item": 0,
        "message": "a person cannot have a relationship with themselves",
    }


def test_assets_are_upserted_by_slug_with_the_library_rules(api, org):
    body = [
        {
            "slug": "roi-guide",
            "title": "ROI guide",
            "kind": "article",
            "framing": "shared_problem",
            "level": "mass",
            "stage": "validation",
            "themes": {"cost-of-downtime": 1},
        }
    ]
    assert api.post("/assets", body).json() == {"created": 1, "updated": 0, "unchanged": 0}
    body.append({**body[0], "slug": "bad", "kind": "poem"})
    response = api.post("/assets", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["item"] == 1
    assert response.json()["errors"][0]["field"] == "kind"
    assert [a["slug"] for a in api.get("/assets").json()["items"]] == ["roi-guide"]


def test_idempotent_answers_are_forgotten_after_a_day(api, group, calculator):
    api.post(f"/groups/{group.pk}/touches", touches(group), headers={"Idempotency-Key": "k"})
    assert api_housekeeping_task() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert api_housekeeping_task() == 1
    assert not IdempotentRequest.objects.exists()
