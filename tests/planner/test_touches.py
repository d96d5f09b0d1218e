"""Logging touches (one message to one or several people), removing them, and a person's
timeline: permissions, the one-form-many-people flow, validation, pagination."""

import re
from datetime import timedelta

import pytest

from content.models import Theme
from planner import services
from planner.models import Stakeholder, Touch
from tests.conftest import NOW
from tests.factories import group_of

HTMX = {"HX-Request": "true"}


def people(group) -> list[Stakeholder]:
    return list(Stakeholder.objects.filter(group=group).order_by("name"))


def log_touch(group, recipients, *, themes=None, asset=None, when=None, channel="email"):
    return services.touches_record(
        group=group,
        stakeholders=list(recipients),
        occurred_at=when or NOW - timedelta(days=1),
        channel=channel,
        asset=asset,
        themes=themes if themes is not None else {"cost-of-downtime": 1},
    )


def touch_form(recipients, **fields) -> dict:
    data = {
        "touch-recipients": [p.pk for p in recipients],
        "touch-occurred_at": "2026-11-04T09:30",
        "touch-channel": "webinar",
        "touch-asset": "",
        "touch-themes": "cost-of-downtime:2;board-reporting",
    }
    data.update({f"touch-{name}": value for name, value in fields.items()})
    return data


def field_error(html: str, field: str) -> str:
    found = re.search(rf'id="id_touch-{field}_error">([^<]*)<', html)
    return found.group(1) if found else ""


def section(html: str, start: str, end: str) -> str:
    return html.split(f'id="{start}"', 1)[1].split(f'id="{end}"', 1)[0]


@pytest.fixture
def someone_elses_touch(org):
    """A touch of another group of the same organization."""
    other = group_of(org, 2, name="Other deal")
    return log_touch(other, people(other)[:1])[0]


@pytest.fixture
def foreign_touch(foreign_group):
    return log_touch(foreign_group, people(foreign_group)[:1])[0]


# --- permissions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/groups/{g}/touches/new/"),
        ("post", "/groups/{g}/touches/new/"),
        ("post", "/groups/{g}/touches/{t}/delete/"),
        ("get", "/groups/{g}/people/{s}/touches/"),
    ],
)
def test_anonymous_is_sent_to_login(client, group, method, path):
    touch = log_touch(group, people(group)[:1])[0]
    url = path.format(g=group.pk, t=touch.pk, s=touch.stakeholder_id)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith("/login/")
    assert Touch.objects.filter(pk=touch.pk).exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/groups/{g}/touches/new/"),
        ("post", "/groups/{g}/touches/new/"),
        ("post", "/groups/{g}/touches/{t}/delete/"),
        ("get", "/groups/{g}/people/{s}/touches/"),
    ],
)
def test_another_organizations_group_is_404(client, marketer, foreign_touch, method, path):
    group = foreign_touch.group
    client.force_login(marketer)
    url = path.format(g=group.pk, t=foreign_touch.pk, s=foreign_touch.stakeholder_id)
    response = getattr(client, method)(url, touch_form(people(group)))
    assert response.status_code == 404
    assert Touch.objects.filter(group=group).count() == 1


def test_sales_rep_cannot_log_or_remove_touches(client, sales_rep, group):
    touch = log_touch(group, people(group)[:1])[0]
    client.force_login(sales_rep)
    assert client.get(f"/groups/{group.pk}/touches/new/").status_code == 403
    response = client.post(f"/groups/{group.pk}/touches/new/", touch_form(people(group)))
    assert response.status_code == 403
    response = client.post(f"/groups/{group.pk}/touches/{touch.pk}/delete/", headers=HTMX)
    assert response.status_code == 403
    assert list(Touch.objects.values_list("pk", flat=True)) == [touch.pk]
    html = client.get(f"/groups/{group.pk}/").content.decode()
    assert "Log a touch" not in html
    assert f"/touches/{touch.pk}/delete/" not in html


def test_a_touch_of_another_group_is_404(client, marketer, group, someone_elses_touch):
    client.force_login(marketer)
    response = client.post(f"/groups/{group.pk}/touches/{someone_elses_touch.pk}/delete/")
    assert response.status_code == 404
    assert Touch.objects.filter(pk=someone_elses_touch.pk).exists()


# --- logging one message to several people ----------------------------------------------


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "no-js"])
def test_one_message_to_three_people_in_one_form(client, marketer, group, org, frozen_clock, htmx):
    ana, ben, cy, _dee = people(group)  # Dee hears nothing
    client.force_login(marketer)
    response = client.post(
        f"/groups/{group.pk}/touches/new/",
        touch_form([ana, ben, cy]),
        headers=HTMX if htmx else {},
    )
    if htmx:
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#group-workspace"
        html = response.content.decode()
        assert "<html" not in html and 'id="group-workspace"' in html
        assert "Logged for 3 people." in html
        assert "1 not reached" in html  # only Dee is left
    else:
        assert response.status_code == 303
        assert response.url == f"/groups/{group.pk}/"
        assert "Logged for 3 people." in client.get(response.url).content.decode()

    touches = Touch.objects.filter(group=group)
    assert sorted(t.stakeholder_id for t in touches) == sorted([ana.pk, ben.pk, cy.pk])
    assert len({t.message_key for t in touches}) == 1 and touches[0].message_key
    for touch in touches:
        assert touch.themes == {"cost-of-downtime": 2.0, "board-reporting": 1.0}
        assert touch.channel == "webinar"
        assert touch.logged_by == marketer
        assert touch.occurred_at == NOW.replace(day=4, hour=9, minute=30)
    themes = Theme.objects.filter(slug__in=["cost-of-downtime", "board-reporting"])
    assert {(t.slug, t.name, t.organization_id) for t in themes} == {
        ("cost-of-downtime", "Cost of downtime", org.pk),
        ("board-reporting", "Board reporting", org.pk),
    }


def test_an_asset_alone_is_enough(client, marketer, group, downtime_calculator, frozen_clock):
    client.force_login(marketer)
    data = touch_form(people(group)[:1], asset=downtime_calculator.pk, themes="")
    response = client.post(f"/groups/{group.pk}/touches/new/", data)
    assert response.status_code == 303
    touch = Touch.objects.get()
    assert touch.asset == downtime_calculator and touch.themes == {}
    html = client.get(f"/groups/{group.pk}/").content.decode()
    assert "Cost of downtime calculator" in section(html, "touches-title", "add-touch-title")


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "no-js"])
@pytest.mark.parametrize(
    ("case", "fields", "field", "message"),
    [
        (
            "no recipients",
            {"recipients": []},
            "recipients",
            "Choose at least one person who received it.",
        ),
        (
            "future date",
            {"occurred_at": "2026-11-06T09:30"},
            "occurred_at",
            "That is in the future: log touches once they have happened.",
        ),
        (
            "neither asset nor themes",
            {"themes": ""},
            "themes",
            "Choose an asset with themes, or name at least one theme.",
        ),
    ],
)
def test_a_wrong_form_writes_nothing_says_why_and_keeps_the_input(
    client, marketer, group, frozen_clock, htmx, case, fields, field, message
):
    ana, ben, *_ = people(group)
    client.force_login(marketer)
    fields = dict(fields)
    data = touch_form(fields.pop("recipients", [ana, ben]), **fields)
    response = client.post(f"/groups/{group.pk}/touches/new/", data, headers=HTMX if htmx else {})
    assert response.status_code == (422 if htmx else 400)
    html = response.content.decode()
    assert field_error(html, field) == message
    assert not Touch.objects.exists()
    assert not Theme.objects.filter(slug="board-reporting").exists()
    assert 'value="webinar"' in html
    assert f'value="{data["touch-occurred_at"]}"' in html
    if data["touch-themes"]:
        assert f'value="{data["touch-themes"]}"' in html
    if data["touch-recipients"]:
        checked = re.findall(r'<input[^>]*name="touch-recipients"[^>]*>', html)
        ticked = {
            int(re.search(r'value="(\d+)"', tag).group(1)) for tag in checked if "checked" in tag
        }
        assert ticked == {ana.pk, ben.pk}


def test_an_asset_of_another_organization_cannot_be_chosen(
    client, marketer, group, downtime_calculator, globex_playbook, frozen_clock
):
    client.force_login(marketer)
    form_page = client.get(f"/groups/{group.pk}/touches/new/").content.decode()
    assert "Cost of downtime calculator" in form_page
    assert "Globex secret playbook" not in form_page
    data = touch_form(people(group)[:1], asset=globex_playbook.pk, themes="")
    response = client.post(f"/groups/{group.pk}/touches/new/", data)
    assert response.status_code == 400
    assert "Select a valid choice" in field_error(response.content.decode(), "asset")
    assert not Touch.objects.exists()


def test_a_person_of_another_group_cannot_be_a_recipient(
    client, marketer, group, org, frozen_clock
):
    stranger = people(group_of(org, 2, name="Other deal"))[0]
    client.force_login(marketer)
    data = touch_form([people(group)[0], stranger])
    response = client.post(f"/groups/{group.pk}/touches/new/", data)
    assert response.status_code == 400
    assert "Select a valid choice" in field_error(response.content.decode(), "recipients")
    assert not Touch.objects.exists()


def test_when_is_read_in_the_marketers_own_time_zone(client, marketer, group, frozen_clock):
    marketer.time_zone = "America/New_York"  # noon UTC is 07:00 there
    marketer.save()
    ana = people(group)[0]
    client.force_login(marketer)
    url = f"/groups/{group.pk}/touches/new/"
    later_today = client.post(url, touch_form([ana], occurred_at="2026-11-05T08:00"))
    assert field_error(later_today.content.decode(), "occurred_at").startswith("That is in the")
    assert client.post(url, touch_form([ana], occurred_at="2026-11-05T06:30")).status_code == 303
    assert Touch.objects.get().occurred_at == NOW.replace(hour=11, minute=30)
    timeline = client.get(f"/groups/{group.pk}/people/{ana.pk}/touches/").content.decode()
    assert "5 Nov 2026, 06:30" in timeline


# --- the timeline of one person ----------------------------------------------------------


def test_timeline_lists_touches_newest_first_25_per_page(client, marketer, group, frozen_clock):
    ana = people(group)[0]
    for day in range(30):  # "ch-00" is the newest
        log_touch(group, [ana], when=NOW - timedelta(days=day, hours=1), channel=f"ch-{day:02d}")
    client.force_login(marketer)
    url = f"/groups/{group.pk}/people/{ana.pk}/touches/"
    first = client.get(url).content.decode()
    assert re.findall(r"by (ch-\d\d)", first) == [f"ch-{d:02d}" for d in range(25)]
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get(url + "?page=2").content.decode()
    assert re.findall(r"by (ch-\d\d)", second) == [f"ch-{d:02d}" for d in range(25, 30)]
    assert "Page 2 of 2" in second and 'rel="prev"' in second


def test_timeline_tells_the_persons_story(client, marketer, group, frozen_clock):
    ana, ben, *_ = people(group)
    log_touch(group, [ana], themes={"security": 3, "uptime-sla": 1})
    client.force_login(marketer)
    html = client.get(f"/groups/{group.pk}/people/{ana.pk}/touches/").content.decode()
    story = html.split("Their story so far", 1)[1]
    assert re.findall(r"<dt>([^<]+)</dt><dd>.*?</meter> (\d+)%</dd>", story) == [
        ("Security", "75"),
        ("Uptime sla", "25"),
    ]
    assert "Not reached yet" not in html
    untouched = client.get(f"/groups/{group.pk}/people/{ben.pk}/touches/").content.decode()
    assert "Not reached yet." in untouched
    assert f"Nothing has reached {ben.name} yet" in untouched


def test_sales_rep_can_read_a_timeline(client, sales_rep, group, frozen_clock):
    ana = people(group)[0]
    log_touch(group, [ana], themes={"security": 1}, channel="call")
    client.force_login(sales_rep)
    response = client.get(f"/groups/{group.pk}/people/{ana.pk}/touches/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "by call" in html and "<dt>Security</dt>" in html
    assert f'href="/groups/{group.pk}/people/{ana.pk}/"' not in html  # no "Edit" for readers


# --- removing a touch --------------------------------------------------------------------


def test_removing_a_touch_with_htmx_updates_the_workspace(
    client, marketer, group, downtime_calculator, frozen_clock
):
    ana, ben, *_ = people(group)
    calculator = log_touch(group, [ana], asset=downtime_calculator, themes={})[0]
    log_touch(group, [ben], themes={"security": 1})
    client.force_login(marketer)
    before = client.get(f"/groups/{group.pk}/").content.decode()
    assert "2 not reached" in before
    assert "Cost of downtime calculator" in section(before, "touches-title", "add-touch-title")

    response = client.post(f"/groups/{group.pk}/touches/{calculator.pk}/delete/", headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#group-workspace"
    html = response.content.decode()
    assert "<html" not in html and 'id="group-workspace"' in html
    assert "The touch was removed." in html
    assert "3 not reached" in html
    assert "Cost of downtime calculator" not in section(html, "touches-title", "add-touch-title")
    assert not Touch.objects.filter(pk=calculator.pk).exists()
    assert Touch.objects.filter(group=group).count() == 1


def test_removing_a_touch_without_javascript_redirects(client, marketer, group, frozen_clock):
    touch = log_touch(group, people(group)[:1])[0]
    client.force_login(marketer)
    response = client.post(f"/groups/{group.pk}/touches/{touch.pk}/delete/")
    assert response.status_code == 303 and response.url == f"/groups/{group.pk}/"
    assert not Touch.objects.exists()
