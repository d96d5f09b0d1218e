"""Theme chips read like the bars, the heatmap and the suggestion cards: the theme's
name from the content library ("Cost of downtime"), never its slug ("cost-of-downtime");
a theme the library does not have shows its slug made readable."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bench.children import seed_group
from bench.group_spec import group_spec
from content.models import Theme
from planner import services
from planner.models import Stakeholder
from scoring.cached import current_analysis
from workspace.map_view import faction_of

CHIP = re.compile(r'<span class="chip">([^<]*)</span>')


@pytest.fixture
def downtime_group(org, group, frozen_clock):
    """Everyone heard about the cost of downtime, and the first two care about it."""
    Theme.objects.create(organization=org, slug="cost-of-downtime", name="Cost of downtime")
    people = list(Stakeholder.objects.filter(group=group).order_by("name"))
    for person in people[:2]:
        person.priorities = {"cost-of-downtime": 2, "line-speed": 1}
        person.save()
    services.touches_record(
        group=group,
        stakeholders=people,
        occurred_at=timezone.now() - timedelta(days=2),
        themes={"cost-of-downtime": 1.0},
    )
    return group


def chips(html: str) -> list[str]:
    return CHIP.findall(html)


def test_the_group_page_names_common_ground_priorities_and_touches(
    client, marketer, downtime_group
):
    client.force_login(marketer)
    html = client.get(f"/groups/{downtime_group.pk}/").content.decode()

    common = html.split("<strong>Common ground:</strong>", 1)[1].split("</p>", 1)[0]
    # Everyone heard of the cost of downtime; two of the four care about line speed.
    assert chips(common) == ["Cost of downtime · 100%", "line speed · 50%"]
    assert "Cost of downtime" in chips(html) and "line speed" in chips(html)
    touches = html.split('id="touches-title"', 1)[1].split("</section>", 1)[0]
    assert " · Cost of downtime</span>" in touches
    # (The touch form's help text still shows how to type a slug.)
    assert not [chip for chip in chips(html) if "cost-of-downtime" in chip]
    assert "cost-of-downtime" not in touches


def test_the_people_page_names_the_priorities(client, marketer, downtime_group):
    client.force_login(marketer)
    html = client.get(f"/groups/{downtime_group.pk}/people/").content.decode()

    assert chips(html).count("Cost of downtime") == 2
    assert chips(html).count("line speed") == 2
    assert "cost-of-downtime" not in html


def test_the_timeline_names_what_reached_the_person_and_what_they_care_about(
    client, marketer, downtime_group
):
    person = Stakeholder.objects.filter(group=downtime_group).order_by("name").first()
    client.force_login(marketer)
    html = client.get(f"/groups/{downtime_group.pk}/people/{person.pk}/touches/").content.decode()

    # The touch's themes and the person's priority (PostgreSQL's jsonb orders a dict's keys
    # its own way, so in any order); the bar already used the name.
    assert sorted(chips(html)) == ["Cost of downtime", "Cost of downtime", "line speed"]
    assert "cost-of-downtime" not in html


def test_the_faction_page_names_the_priorities(client, marketer, org):
    spec = group_spec(members=45, ties=135, touches=90, end=timezone.now(), seed=45)
    group = seed_group(org, spec, name="Initech platform")
    Theme.objects.create(organization=org, slug="cost-of-downtime", name="Cost of downtime")
    person = Stakeholder.objects.filter(group=group).order_by("pk").first()
    person.priorities = {"cost-of-downtime": 2}
    person.save()
    assert faction_of(current_analysis(group).map, person.email) is not None
    client.force_login(marketer)
    html = client.get(f"/groups/{group.pk}/map/{person.pk}/").content.decode()

    assert "Cost of downtime" in chips(html)
    assert "cost-of-downtime" not in html


def test_a_theme_name_is_shown_as_text(client, marketer, org, downtime_group):
    Theme.objects.filter(organization=org).update(name='<b id="xss-theme">Downtime</b>')
    downtime_group.save()  # a new version of the group: its analysis is read again
    client.force_login(marketer)
    html = client.get(f"/groups/{downtime_group.pk}/people/").content.decode()

    assert '<b id="xss-theme">' not in html
    assert "&lt;b id=&quot;xss-theme&quot;&gt;Downtime&lt;/b&gt;" in html
