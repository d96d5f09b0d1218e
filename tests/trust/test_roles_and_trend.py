"""Issue 15, items 1 and 5: links lead where the viewer may go; the trend's current point is
the current score."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring import analysis as scoring
from scoring.models import Snapshot
from workspace import group_charts

pytestmark = pytest.mark.django_db


def _map(html: str) -> str:
    start = html.index('class="map-svg"') if 'class="map-svg"' in html else html.index("<svg")
    return html[start:]


def test_sales_rep_map_links_open_the_read_only_person_page(client, sales_rep, group):
    client.force_login(sales_rep)
    html = client.get(group.get_absolute_url()).content.decode()
    person = group.stakeholders.order_by("pk").first()
    timeline = reverse("stakeholder_timeline", args=[group.pk, person.pk])
    edit = reverse("stakeholder_edit", args=[group.pk, person.pk])
    assert f'href="{timeline}"' in html
    assert f'href="{edit}"' not in html
    # Every link on the page leads somewhere a sales rep may go.
    for href in set(re.findall(r'href="(/groups/[^"]+)"', html)):
        assert client.get(href).status_code == 200, href


def test_marketer_map_links_open_the_edit_form(client, marketer, group):
    client.force_login(marketer)
    html = client.get(group.get_absolute_url()).content.decode()
    person = group.stakeholders.order_by("pk").first()
    assert reverse("stakeholder_edit", args=[group.pk, person.pk]) in html


def test_sales_rep_person_page_shows_the_timeline_without_edit(client, sales_rep, group):
    client.force_login(sales_rep)
    person = group.stakeholders.order_by("pk").first()
    page = client.get(reverse("stakeholder_timeline", args=[group.pk, person.pk]))
    assert page.status_code == 200
    assert f"What reached {person}" in page.content.decode()
    assert "Edit" not in page.content.decode()


def test_trend_current_point_is_the_current_score_not_a_stale_snapshot(group):
    analysis = scoring.analyze(group)
    Snapshot.objects.create(
        group=group, taken_at=timezone.now(), divergence=0.52, readiness=48, members=4
    )
    svg = group_charts.trend(list(group.snapshots.all()), analysis)
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert f"Readiness {analysis.readiness.score}." in desc
    assert "Readiness 48" not in desc
