"""A marketer accepts a suggestion as a planned send, marks it sent, and the scores move."""

import json

import pytest
from django.core.management import CommandError, call_command

from planner.models import Stakeholder, Touch
from scoring.analysis import analyze
from suggestions.models import PlannedSend
from tests.factories import shared_story


@pytest.fixture
def shared_asset(org):
    return shared_story(org, {"cost-of-downtime": 2, "uptime": 1})


def test_group_page_suggests_the_shared_asset(client, marketer, tailored_group, shared_asset):
    client.force_login(marketer)
    html = client.get(f"/groups/{tailored_group.pk}/").content.decode()
    assert "What to send next" in html
    assert "The shared story" in html
    assert "Plan this send" in html


def test_accept_then_mark_sent_lowers_divergence(client, marketer, tailored_group, shared_asset):
    client.force_login(marketer)
    before = analyze(tailored_group).divergence.score
    response = client.post(
        f"/groups/{tailored_group.pk}/suggestions/accept/", {"asset": "shared-story"}
    )
    assert response.status_code == 303
    planned = PlannedSend.objects.get(group=tailored_group)
    assert planned.status == "planned"
    assert planned.recipients.count() == 4
    assert planned.divergence_after < planned.divergence_before
    response = client.post(
        f"/groups/{tailored_group.pk}/sends/{planned.pk}/sent/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "reached 4 people" in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == "sent"
    assert Touch.objects.filter(group=tailored_group, asset=shared_asset).count() == 4
    assert analyze(tailored_group).divergence.score < before
    again = client.post(f"/groups/{tailored_group.pk}/sends/{planned.pk}/sent/", follow=True)
    assert "already sent" in again.content.decode()
    assert Touch.objects.filter(group=tailored_group, asset=shared_asset).count() == 4


def test_people_without_consent_are_never_recipients(
    client, marketer, tailored_group, shared_asset
):
    Stakeholder.objects.filter(group=tailored_group, name="Person 00").update(consent=False)
    client.force_login(marketer)
    client.post(f"/groups/{tailored_group.pk}/suggestions/accept/", {"asset": "shared-story"})
    planned = PlannedSend.objects.get()
    names = set(planned.recipients.values_list("name", flat=True))
    assert "Person 00" not in names and len(names) == 3
    # consent withdrawn after planning: still not contacted when marked sent
    Stakeholder.objects.filter(group=tailored_group, name="Person 01").update(consent=False)
    client.post(f"/groups/{tailored_group.pk}/sends/{planned.pk}/sent/")
    reached = set(
        Touch.objects.filter(asset=shared_asset).values_list("stakeholder__name", flat=True)
    )
    assert reached == {"Person 02", "Person 03"}


def test_cancel_a_planned_send(client, marketer, tailored_group, shared_asset):
    client.force_login(marketer)
    client.post(f"/groups/{tailored_group.pk}/suggestions/accept/", {"asset": "shared-story"})
    planned = PlannedSend.objects.get()
    client.post(f"/groups/{tailored_group.pk}/sends/{planned.pk}/cancel/")
    planned.refresh_from_db()
    assert planned.status == "cancelled"
    assert not Touch.objects.filter(asset=shared_asset).exists()


def test_what_if_shows_the_forecast(client, sales_rep, tailored_group, shared_asset):
    client.force_login(sales_rep)
    html = client.get(
        f"/groups/{tailored_group.pk}/suggestions/?asset=shared-story"
    ).content.decode()
    assert "If <strong>The shared story</strong> reached everyone" in html
    assert "Plan this send" not in html  # sales may look, not plan


def test_suggestion_views_permissions(
    client, sales_rep, marketer, tailored_group, shared_asset, foreign_group
):
    base = f"/groups/{tailored_group.pk}"
    assert client.get(f"{base}/suggestions/").status_code == 302
    assert client.post(f"{base}/suggestions/accept/", {"asset": "shared-story"}).status_code == 302
    client.force_login(sales_rep)
    assert client.post(f"{base}/suggestions/accept/", {"asset": "shared-story"}).status_code == 403
    client.force_login(marketer)
    assert client.get(f"/groups/{foreign_group.pk}/suggestions/").status_code == 404
    assert (
        client.post(
            f"/groups/{foreign_group.pk}/suggestions/accept/", {"asset": "shared-story"}
        ).status_code
        == 404
    )
    assert client.post(f"{base}/suggestions/accept/", {"asset": "nope"}).status_code == 404
    assert not PlannedSend.objects.exists()


def test_planned_send_of_another_group_is_404(client, marketer, tailored_group, shared_asset, org):
    from tests.factories import group_of

    other = group_of(org, 2)
    client.force_login(marketer)
    client.post(f"/groups/{tailored_group.pk}/suggestions/accept/", {"asset": "shared-story"})
    planned = PlannedSend.objects.get()
    assert client.post(f"/groups/{other.pk}/sends/{planned.pk}/sent/").status_code == 404


def test_suggest_assets_command(tailored_group, shared_asset, capsys):
    call_command("suggest_assets", str(tailored_group.pk), "--format", "json", "--limit", "3")
    document = json.loads(capsys.readouterr().out)
    first = document["suggestions"][0]
    assert first["asset"] == "shared-story"
    assert set(first) >= {"asset", "title", "score", "reasons", "recipients"}
    assert 0 <= first["score"] <= 1 and first["reasons"]
    emails = set(Stakeholder.objects.filter(group=tailored_group).values_list("email", flat=True))
    assert set(first["recipients"]) <= emails
    with pytest.raises(CommandError, match="--limit"):
        call_command("suggest_assets", str(tailored_group.pk), "--limit", "0")
