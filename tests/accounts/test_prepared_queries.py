"""Model queries compiled once give exactly the rows their queryset gives, call after call."""

from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from accounts.prepared_queries import UNUSED_ID, PreparedQuery, as_given, primary_key_of
from planner.models import BuyingGroup, Stakeholder


def _state(instance):
    fields = {k: v for k, v in vars(instance).items() if k != "_state"}
    return type(instance), fields, instance._state.db, instance._state.adding


def _groups(pk, organization_id):
    return (
        BuyingGroup.objects.select_related("owner", "organization")
        .filter(pk=pk, organization_id=organization_id)
        .annotate(people=Count("stakeholders"))
    )


GROUPS = PreparedQuery(
    _groups, sentinels=(UNUSED_ID, UNUSED_ID - 1), adapt=(primary_key_of(BuyingGroup), as_given)
)


def test_rows_related_rows_and_annotations_are_the_querysets(group, foreign_group, marketer):
    group.owner = marketer
    group.save()
    for found, organization in (
        (group, group.organization),
        (foreign_group, foreign_group.organization),
    ):
        expected = list(_groups(found.pk, organization.pk))
        got = GROUPS.all("default", found.pk, organization.pk)
        assert [_state(g) for g in got] == [_state(g) for g in expected]
        assert [_state(g.organization) for g in got] == [_state(g.organization) for g in expected]
        assert got[0].people == found.stakeholders.count()
        assert got[0].created_at == expected[0].created_at  # a moment, not the database's text
    assert GROUPS.all("default", group.pk, foreign_group.organization_id) == []  # not theirs


def test_the_owner_comes_with_the_group_in_one_query(group, marketer):
    group.owner = marketer
    group.save()
    with CaptureQueriesContext(connection) as queries:
        (found,) = GROUPS.all("default", str(group.pk), group.organization_id)  # an id as text
        assert found.owner.get_full_name() == marketer.get_full_name()
    assert len(queries.captured_queries) == 1


def test_a_query_it_cannot_place_its_values_in_runs_as_a_queryset(group):
    twice = PreparedQuery(  # the sentinel lands in the SQL twice: built on every call
        lambda pk: Stakeholder.objects.filter(Q(group_id=pk) & Q(group__pk__lte=pk)),
        sentinels=(UNUSED_ID,),
    )
    assert {p.pk for p in twice.all("default", group.pk)} == set(
        group.stakeholders.values_list("pk", flat=True)
    )


def test_an_id_beyond_any_row_finds_nothing(client, marketer, group):
    assert GROUPS.all("default", 10**30, group.organization_id) == []
    assert GROUPS.all("default", -(10**30), group.organization_id) == []
    client.force_login(marketer)
    assert client.get(f"/groups/{10**30}/").status_code == 404
    assert client.get(f"/groups/{2**63}/").status_code == 404


def test_a_person_tie_or_touch_of_another_group_or_beyond_any_row_is_a_404(
    client, marketer, group, foreign_group
):
    client.force_login(marketer)
    mine = group.stakeholders.first()
    theirs = foreign_group.stakeholders.first()
    assert client.get(f"/groups/{group.pk}/people/{mine.pk}/touches/").status_code == 200
    assert client.get(f"/groups/{group.pk}/people/{theirs.pk}/touches/").status_code == 404
    assert client.get(f"/groups/{group.pk}/people/{10**30}/touches/").status_code == 404
    tie = group.relationships.first()
    assert client.get(f"/groups/{group.pk}/relationships/{tie.pk}/").status_code == 200
    other_tie = foreign_group.relationships.first()
    assert client.get(f"/groups/{group.pk}/relationships/{other_tie.pk}/").status_code == 404
    assert client.post(f"/groups/{group.pk}/touches/{10**30}/delete/").status_code == 404
