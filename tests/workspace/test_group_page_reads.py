"""What the group page reads on a view once its analysis is cached: the latest touches and
sends, the library's assets (the touch form's options) and the changes since last week are
kept with the analysis, under the group's version, so a view reads none of them again; yet
every write that changes them shows on the next view. The kits stay live."""

import gc
from datetime import timedelta

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import Asset
from kits.models import ConsensusKit
from planner import selectors, services
from planner.access import get_group_for_user
from planner.forms import TouchForm
from planner.models import Stakeholder, Touch
from scoring import analysis as scoring
from scoring import cached as scoring_cached
from scoring.models import Snapshot
from scoring.snapshots import snapshot_take
from suggestions import services as suggestion_services
from suggestions import suggesting
from workspace import rows, views


def page(client, group) -> str:
    response = client.get(f"/groups/{group.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def queries_of_a_cached_view(client, group) -> list[str]:
    page(client, group)  # analysed, and what goes with it kept
    with CaptureQueriesContext(connection) as captured:
        page(client, group)
    return [query["sql"] for query in captured.captured_queries]


def section(html: str, title_id: str) -> str:
    return html.split(f'id="{title_id}"')[1].split("</section>")[0]


def asset_options(html: str) -> str:
    return html.split('name="touch-asset"')[1].split("</select>")[0]


@pytest.fixture
def busy_group(group, marketer, downtime_calculator):
    """Touches, a planned send, a snapshot of last week and a kit."""
    people = list(Stakeholder.objects.filter(group=group).order_by("name"))
    services.touches_record(
        group=group,
        stakeholders=people[:2],
        occurred_at=timezone.now() - timedelta(days=2),
        themes={"security": 1},
    )
    snapshot_take(group=group, now=timezone.now() - timedelta(days=8))
    suggestion_services.planned_send_create(
        group=group, asset=downtime_calculator, recipients=people[:3]
    )
    ConsensusKit.objects.create(
        group=group, version=1, status="ready", problem_statement="P", document={"big": "x" * 9}
    )
    group.refresh_from_db()
    return group


def test_a_cached_view_reads_no_touches_sends_assets_or_snapshot_document(
    client, marketer, busy_group
):
    client.force_login(marketer)
    html = page(client, busy_group)
    assert "Cost of downtime calculator" in section(html, "sends-title")
    sql = " ".join(queries_of_a_cached_view(client, busy_group))
    assert "planner_touch" not in sql
    assert "planner_plannedsend" not in sql
    assert '"content_asset"."title"' not in sql and "DECLARE" not in sql
    assert '"planner_snapshot"."document"' not in sql
    assert "planner_consensuskit" in sql  # kits are live: a build changes them any time


def test_the_kit_list_reads_no_built_document(client, marketer, busy_group):
    client.force_login(marketer)
    kits = [sql for sql in queries_of_a_cached_view(client, busy_group) if "consensuskit" in sql]
    assert len(kits) == 1 and '"planner_consensuskit"."document"' not in kits[0]
    assert "Kit v1" in page(client, busy_group)


def test_more_kits_cost_no_more_queries(client, marketer, busy_group):
    client.force_login(marketer)
    one = len(queries_of_a_cached_view(client, busy_group))
    for version in (2, 3):
        ConsensusKit.objects.create(group=busy_group, version=version, problem_statement="P")
    assert len(queries_of_a_cached_view(client, busy_group)) == one
    assert "Kit v3" in page(client, busy_group)


def test_the_touch_forms_asset_options_follow_the_library(client, marketer, busy_group, org):
    client.force_login(marketer)
    page(client, busy_group)
    assert "Cost of downtime calculator" in asset_options(page(client, busy_group))
    new = Asset.objects.create(organization=org, slug="new-one", title="A brand new asset")
    assert "A brand new asset" in asset_options(page(client, busy_group))
    new.title = "A renamed asset"
    new.save()
    options = asset_options(page(client, busy_group))
    assert "A renamed asset" in options and "A brand new asset" not in options
    new.delete()
    assert "A renamed asset" not in asset_options(page(client, busy_group))


def test_the_asset_options_are_those_the_form_draws_by_itself(org, busy_group, globex_playbook):
    Asset.objects.create(organization=org, slug="a", title="Alpha <script>")
    Asset.objects.create(organization=org, slug="b", title="Alpha <script>")  # same title
    by_itself = TouchForm(group=busy_group, prefix="touch")
    given = TouchForm(
        group=busy_group, assets=selectors.asset_choices(org.pk), prefix="touch", data=None
    )
    assert str(given["asset"]) == str(by_itself["asset"])
    assert "Globex" not in str(given["asset"]) and "&lt;script&gt;" in str(given["asset"])


def test_a_touch_with_an_asset_of_the_given_options_is_valid(org, busy_group, downtime_calculator):
    person = Stakeholder.objects.filter(group=busy_group).first()
    form = TouchForm(
        {
            "touch-recipients": [person.pk],
            "touch-occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "touch-asset": downtime_calculator.pk,
        },
        group=busy_group,
        assets=selectors.asset_choices(org.pk),
        prefix="touch",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["asset"] == downtime_calculator


def test_a_renamed_person_and_a_removed_touch_show_in_the_touches_at_once(
    client, marketer, busy_group
):
    client.force_login(marketer)
    touch = Touch.objects.filter(group=busy_group).order_by("pk").first()
    page(client, busy_group)
    assert touch.stakeholder.name in section(page(client, busy_group), "touches-title")
    services.stakeholder_update(stakeholder=touch.stakeholder, name="Renamed Person")
    assert "Renamed Person" in section(page(client, busy_group), "touches-title")
    page(client, busy_group)
    touches = Touch.objects.filter(group=busy_group)
    for other in touches:
        services.touch_delete(touch=other)
    assert "No touches logged yet" in section(page(client, busy_group), "touches-title")


def test_the_changes_since_last_week_follow_a_newer_snapshot(client, marketer, busy_group):
    client.force_login(marketer)
    page(client, busy_group)
    assert "Readiness rose from 0 to" in section(page(client, busy_group), "changes-title")
    last_week = Snapshot.objects.get(group=busy_group)  # nobody was reached then
    document = {**last_week.document, "readiness": {"score": 99, "factors": []}}
    Snapshot.objects.create(  # a newer one of last week: no write to the group
        group=busy_group,
        taken_at=last_week.taken_at + timedelta(hours=1),
        divergence=last_week.divergence,
        readiness=99,
        document=document,
    )
    assert "Readiness fell from 99 to" in section(page(client, busy_group), "changes-title")


def test_the_group_comes_with_the_viewers_organization(rf, marketer, group, org):
    request = rf.get("/")
    request.user = marketer
    request.membership = marketer.memberships.select_related("organization").get()
    found = get_group_for_user(request, group.pk)
    with CaptureQueriesContext(connection) as captured:
        assert found.organization == org
    assert captured.captured_queries == []


def test_an_analysis_stored_now_looks_nothing_derived_up(group, monkeypatch):
    analysis = scoring_cached.current_analysis(group)
    assert analysis.stored_now
    looked_up = []
    monkeypatch.setattr(scoring_cached, "_get", lambda key: looked_up.append(key))
    assert scoring_cached.derived(analysis, "answer", lambda: 42) == 42
    assert looked_up == []
    monkeypatch.undo()
    again = scoring_cached.current_analysis(group)  # from the cache: derived values too
    assert not again.stored_now
    assert scoring_cached.derived(again, "answer", lambda: 0) == 42


def test_a_cached_view_never_reads_a_person_or_tie_again(client, marketer, busy_group):
    """The analysis keeps its people and ties without their timestamps: nothing the page
    shows reads one back, one query per person."""
    client.force_login(marketer)
    sql = " ".join(queries_of_a_cached_view(client, busy_group))
    assert "planner_stakeholder" not in sql and "planner_relationship" not in sql


def test_the_touch_list_shows_its_rows_without_reading_more(
    client, marketer, busy_group, downtime_calculator
):
    """The latest touches are read without when each row was written, and nothing the
    list shows reads it back (one query per touch)."""
    people = list(Stakeholder.objects.filter(group=busy_group))
    services.touches_record(
        group=busy_group,
        stakeholders=people,
        occurred_at=timezone.now(),
        channel="webinar",
        asset=downtime_calculator,
        themes={},
    )
    client.force_login(marketer)
    touches = selectors.recent_touches(busy_group)
    with CaptureQueriesContext(connection) as captured:
        shown_rows = rows.touch_rows(touches, group_pk=busy_group.pk, theme_names={})
        shown = (
            engines["jinja2"]
            .from_string("{{ touch_rows(touches, True) }}")
            .render({"touches": shown_rows})
        )
    assert captured.captured_queries == []
    assert shown.count("Cost of downtime calculator</strong> to") == len(people)
    assert "webinar" in shown and people[0].name in shown


def test_the_page_is_made_with_the_cycle_collector_paused(client, marketer, group, monkeypatch):
    """It makes many small objects: the collector runs once afterwards, not during (and is
    on again once the page is made)."""
    seen = []
    original = views.current_analysis

    def spying(group):
        seen.append(gc.isenabled())
        return original(group)

    monkeypatch.setattr(views, "current_analysis", spying)
    client.force_login(marketer)
    assert gc.isenabled()
    page(client, group)
    assert seen == [False] and gc.isenabled()


def test_each_planned_send_shows_its_own_forecast(client, marketer, busy_group, org):
    """The sends still planned are forecast together, each as if scored alone; a sent or
    cancelled one has no forecast."""
    people = list(Stakeholder.objects.filter(group=busy_group).order_by("name"))
    pricing = Asset.objects.create(
        organization=org, slug="pricing", title="Pricing story", themes={"pricing": 1}
    )
    suggestion_services.planned_send_create(group=busy_group, asset=pricing, recipients=people[3:])
    sent = suggestion_services.planned_send_create(
        group=busy_group, asset=pricing, recipients=people[:1]
    )
    suggestion_services.planned_send_mark_sent(planned=sent)
    busy_group.refresh_from_db()
    analysis = scoring_cached.current_analysis(busy_group)
    sends = views._sends_with_forecast(busy_group, analysis)
    assert len(sends) == 3
    for send, outlook in sends:
        if send.status != "planned":
            assert outlook is None
            continue
        to = [person.email for person in send.recipients.all()]
        alone = suggesting.send_forecast(scoring.forecast_model(analysis), [send.asset], to)
        assert outlook == alone
    forecasts = {send.asset.slug: outlook.divergence for send, outlook in sends if outlook}
    assert len(forecasts) == 2
    client.force_login(marketer)
    html = section(page(client, busy_group), "sends-title")
    assert html.count("forecast in 12 weeks") == 2
    for divergence in forecasts.values():
        assert f"forecast in 12 weeks {round(divergence * 100)} " in html
