"""Issue 15, item 9: the group page says what is missing, each with a one-click fix."""

import pytest
from django.urls import reverse

from planner.models import Stakeholder

pytestmark = pytest.mark.django_db


@pytest.fixture
def gappy(group):
    person = Stakeholder.objects.filter(group=group).order_by("pk").first()
    person.buying_role, person.stance, person.priorities = "other", "unknown", {}
    person.save()
    return person


def test_marketer_sees_the_gaps_with_one_click_fixes(client, marketer, group, gappy):
    client.force_login(marketer)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Missing information" in page
    assert f"{gappy.name}</strong>: no buying role, no stance, no priorities." in page
    assert reverse("stakeholder_edit", args=[group.pk, gappy.pk]) in page
    assert "No Decision Maker" in page
    add = reverse("stakeholder_add", args=[group.pk]) + "?role=decision_maker"
    assert f'{add}">Add someone as Decision Maker</a>' in page  # (not "Add a Executive…")
    form = client.get(add).content.decode()
    assert '<option value="decision_maker" selected>' in form


def test_sales_rep_sees_the_gaps_but_no_fix_they_cannot_make(client, sales_rep, group, gappy):
    client.force_login(sales_rep)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Missing information" in page
    assert "Fill in" not in page
    assert "?role=" not in page
