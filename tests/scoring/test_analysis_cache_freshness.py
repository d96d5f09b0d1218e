"""The cached group page shows every write on the next view: a new person, a logged touch,
a planned, sent or cancelled send, a new snapshot, a new, changed or deleted asset, a
renamed theme or group, the planner settings, an import and a deleted relationship."""

from datetime import timedelta

from django.utils import timezone

from content.models import Asset, Theme
from content.services import themes_ensure
from planner import importing, services
from planner.models import Relationship, Stakeholder
from scoring.snapshots import snapshot_take
from suggestions import services as suggestion_services
from suggestions.models import PlannedSend
from tests.scoring.cached_page import cached, page

# --- every write shows on the next view ---------------------------------------------------


def test_a_new_person_shows_at_once(client, marketer, group):
    client.force_login(marketer)
    assert "Zoe Quinn" not in cached(client, group)
    response = client.post(
        f"/groups/{group.pk}/people/new/",
        {
            "person-name": "Zoe Quinn",
            "person-email": "zoe@customer.example",
            "person-buying_role": "champion",
            "person-influence": 4,
            "person-stance": "supporter",
        },
    )
    assert response.status_code == 303
    html = page(client, group)
    assert "Zoe Quinn" in html.split('class="map"')[1]
    assert "Zoe Quinn" in html.split('id="people-title"')[1]


def test_a_logged_touch_shows_at_once(client, marketer, group):
    client.force_login(marketer)
    assert "No touches logged yet" in cached(client, group)
    person = Stakeholder.objects.filter(group=group).order_by("name").first()
    response = client.post(
        f"/groups/{group.pk}/touches/new/",
        {
            "touch-recipients": [person.pk],
            "touch-occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "touch-channel": "webinar",
            "touch-themes": "brand-new-theme:2",
        },
    )
    assert response.status_code == 303
    html = page(client, group)
    assert "No touches logged yet" not in html
    assert " · Brand new theme</span>" in html.split('id="touches-title"')[1]
    assert "Brand new theme" in html.split('id="heatmap-title"')[1]  # the new theme's name


def test_marking_a_planned_send_sent_shows_at_once(client, marketer, touched, shared_asset):
    client.force_login(marketer)
    planned = suggestion_services.planned_send_create(
        group=touched,
        asset=shared_asset,
        recipients=list(Stakeholder.objects.filter(group=touched)),
    )
    html = cached(client, touched)
    assert "Mark sent" in html and "badge--success" not in html
    response = client.post(f"/groups/{touched.pk}/sends/{planned.pk}/sent/")
    assert response.status_code == 303
    html = page(client, touched)
    sends = html.split('id="sends-title"')[1].split("</section>")[0]
    assert "Sent" in sends and "Mark sent" not in sends
    assert "The shared story" in html.split('id="touches-title"')[1]


def test_planning_and_cancelling_a_send_show_at_once(client, marketer, touched, shared_asset):
    client.force_login(marketer)
    assert "Nothing planned" in cached(client, touched)
    planned = suggestion_services.planned_send_create(
        group=touched,
        asset=shared_asset,
        recipients=list(Stakeholder.objects.filter(group=touched)),
    )
    assert "Nothing planned" not in page(client, touched)
    cached(client, touched)
    suggestion_services.planned_send_cancel(planned=planned)
    assert "Cancelled" in page(client, touched).split('id="sends-title"')[1]
    assert PlannedSend.objects.get().status == "cancelled"


def test_a_new_snapshot_shows_at_once(client, marketer, touched):
    client.force_login(marketer)
    assert "No scores from last week to compare with yet." in cached(client, touched)
    snapshot_take(group=touched, now=timezone.now() - timedelta(days=8))
    html = page(client, touched)
    assert "No scores from last week" not in html
    assert "Readiness rose from 0 to" in html  # nobody had been reached 8 days ago


def test_a_new_asset_in_the_library_shows_in_the_suggestions(client, marketer, touched):
    client.force_login(marketer)
    assert "The content library is empty" in cached(client, touched)
    Asset.objects.create(  # the content app bumps nothing: the page notices by itself
        organization=touched.organization,
        slug="shared-story",
        title="The shared story",
        themes={"security": 2, "uptime": 1},
    )
    html = page(client, touched)
    assert "The shared story" in html.split('id="suggest-title"')[1]


def test_a_changed_or_deleted_asset_shows_at_once(client, marketer, touched, shared_asset):
    client.force_login(marketer)
    assert "The shared story" in cached(client, touched)
    shared_asset.title = "The one story"
    shared_asset.save()
    assert "The one story" in page(client, touched)
    cached(client, touched)
    shared_asset.delete()
    assert "The one story" not in page(client, touched)


def test_a_renamed_theme_shows_at_once(client, marketer, touched):
    client.force_login(marketer)
    assert "Security" in cached(client, touched)
    theme = Theme.objects.get(organization=touched.organization, slug="security")
    theme.name = "Zero trust"
    theme.save()  # e.g. in the admin: themes have no updated_at
    assert "Zero trust" in page(client, touched).split('id="heatmap-title"')[1]


def test_a_theme_made_in_bulk_is_named_at_once(client, marketer, touched):
    """Themes an asset import makes are created in bulk (no signal): the library's
    fingerprint still makes a new version of the organization's settings and themes."""
    client.force_login(marketer)
    cached(client, touched)
    themes_ensure(organization=touched.organization, slugs=["zero-trust"])
    services.touches_record(
        group=touched,
        stakeholders=list(touched.stakeholders.all()[:1]),
        occurred_at=timezone.now(),
        themes={"zero-trust": 1},
    )
    assert "Zero trust" in page(client, touched).split('id="heatmap-title"')[1]


def test_planner_settings_show_at_once(client, marketer, group):
    client.force_login(marketer)
    assert "Missing roles" in cached(client, group)
    services.planner_settings_update(organization=group.organization, roles=[], half_life_days=7)
    assert "Missing roles" not in page(client, group)


def test_a_renamed_group_shows_at_once(client, marketer, group):
    client.force_login(marketer)
    cached(client, group)
    services.group_update(group=group, name="Contoso expansion")
    assert "Stakeholder map of Contoso expansion" in page(client, group)


def test_an_import_shows_at_once(client, marketer, group):
    client.force_login(marketer)
    cached(client, group)
    plan = importing.import_plan(
        group=group,
        stakeholders=b"email,name\nimported@customer.example,Ivy Imported\n",
        stakeholders_name="people.csv",
    )
    assert plan.ok, plan.problems
    importing.import_apply(group=group, plan=plan)
    assert "Ivy Imported" in page(client, group).split('class="map"')[1]


def test_deleting_a_relationship_shows_at_once(client, marketer, group):
    client.force_login(marketer)
    tie = Relationship.objects.filter(group=group, kind="conflicts_with").get()
    ties = cached(client, group).split('id="ties-title"')[1].split("</section>")[0]
    assert "conflicts with" in ties
    client.post(f"/groups/{group.pk}/relationships/{tie.pk}/delete/")
    ties = page(client, group).split('id="ties-title"')[1].split("</section>")[0]
    assert "conflicts with" not in ties
