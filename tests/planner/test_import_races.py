"""An import racing edits and deletes: one lock order (the group, then its people), and a
confirm whose preview no longer matches the group asks for a fresh look instead of a 500."""

import threading

import pytest
from django.db import connection

from planner import importing, services
from planner.models import BuyingGroup, PendingImport, Relationship, Stakeholder
from tests.planner.test_import import PEOPLE, TIES, confirm, preview

TOUCHES = "email,occurred_at,channel,asset,themes\ncarl@c.example,2026-11-02,email,,uptime\n"


@pytest.fixture
def empty_group(org):
    return BuyingGroup.objects.create(organization=org, name="Fresh deal")


@pytest.fixture
def carl(empty_group):
    return services.stakeholder_create(group=empty_group, email="carl@c.example", name="Carl")


def test_a_person_deleted_between_preview_and_confirm_asks_for_a_fresh_preview(
    client, marketer, empty_group, carl
):
    client.force_login(marketer)
    ties = TIES + "carl@c.example,ana@c.example,influences,2\n"
    preview(client, empty_group, stakeholders=PEOPLE, relationships=ties, touches=TOUCHES)
    services.stakeholder_delete(stakeholder=carl)  # someone else, meanwhile

    response = confirm(client, empty_group)

    assert response.status_code == 409
    html = response.content.decode()
    assert "The group changed since your preview" in html
    assert "carl@c.example" in html  # the fresh preview names what no longer fits
    assert list(Stakeholder.objects.filter(group=empty_group)) == []  # nothing written
    assert PendingImport.objects.filter(group=empty_group).exists()


def test_an_edit_between_preview_and_confirm_shows_the_fresh_preview_then_imports(
    client, marketer, empty_group, carl
):
    client.force_login(marketer)
    preview(client, empty_group, stakeholders=PEOPLE, relationships=TIES)
    services.stakeholder_update(stakeholder=carl, name="Carl Changed")

    response = confirm(client, empty_group)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Here is a fresh preview" in html and "Import into Fresh deal" in html

    again = confirm(client, empty_group)  # the marketer checked it and confirms
    assert again.status_code == 303
    assert Stakeholder.objects.filter(group=empty_group).count() == 3
    assert Relationship.objects.filter(group=empty_group).count() == 1


def test_a_plan_naming_a_person_who_is_gone_is_refused_and_writes_nothing(empty_group, carl):
    ties = "source_email,target_email,kind,strength\ncarl@c.example,ana@c.example,influences,2\n"
    plan = importing.import_plan(
        group=empty_group, stakeholders=PEOPLE.encode(), relationships=ties.encode()
    )
    assert plan.ok
    Stakeholder.objects.filter(pk=carl.pk).delete()
    with pytest.raises(importing.ImportOutdated):
        importing.import_apply(group=empty_group, plan=plan)
    assert not Stakeholder.objects.filter(group=empty_group).exists()


@pytest.mark.django_db(transaction=True)
def test_imports_and_deletes_racing_never_fail_with_a_deadlock_or_a_foreign_key_error(org):
    """Each round: an import that names Carl in a relationship, and Carl's deletion, in two
    threads with their own database connections. Either may win; both end cleanly."""
    outcomes = {"imported": 0, "outdated": 0}
    errors: list[BaseException] = []
    ties = TIES + "carl@c.example,ana@c.example,influences,2\n"
    for round_ in range(12):
        group = BuyingGroup.objects.create(organization=org, name=f"Race {round_}")
        carl = services.stakeholder_create(group=group, email="carl@c.example", name="Carl")
        plan = importing.import_plan(
            group=group, stakeholders=PEOPLE.encode(), relationships=ties.encode()
        )
        state = importing.group_state(group)
        start = threading.Barrier(2)

        def run_import(group=group, plan=plan, state=state, start=start):
            try:
                start.wait()
                importing.import_apply(group=group, plan=plan, expected_state=state)
                outcomes["imported"] += 1
            except importing.ImportOutdated:
                outcomes["outdated"] += 1
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        def run_delete(carl=carl, start=start):
            try:
                start.wait()
                services.stakeholder_delete(stakeholder=carl)
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=run_import), threading.Thread(target=run_delete)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock)"
        assert errors == []
        assert not Stakeholder.objects.filter(group=group, email="carl@c.example").exists()
        expected = 2 if outcomes["imported"] and round_ == 0 else None
        people = Stakeholder.objects.filter(group=group).count()
        assert people in {0, 2}, people  # all of the import, or none of it
        assert expected in {None, people}
    assert outcomes["imported"] + outcomes["outdated"] == 12
