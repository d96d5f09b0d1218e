"""Importing touches (`email,occurred_at,channel,asset,themes`): browser preview and
confirm, idempotent re-import, problems with line and column, and `import_group --touches`."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils.html import escape

from planner.models import BuyingGroup, PendingImport, Touch
from scoring.analysis import analyze


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def preview(client, group, **files):
    return client.post(
        f"/groups/{group.pk}/import/", {k: upload(f"{k}.csv", v) for k, v in files.items()}
    )


def confirm(client, group):
    pending = PendingImport.objects.get(group=group)
    return client.post(f"/groups/{group.pk}/import/{pending.pk}/confirm/")


def touches_csv(group) -> str:
    """Ana and Ben got the calculator in one mailing; Cy heard about security on a call.
    Saved by a spreadsheet: a BOM, headers in another case and with spaces."""
    return (
        "\ufeffEmail, Occurred_At ,channel,asset,themes\n"
        f"p0@{group.pk}.example,2026-11-01T09:00:00Z,email,downtime-calculator,\n"
        f"P1@{group.pk}.example,2026-11-01T09:00:00Z,email,downtime-calculator,\n"
        f"p2@{group.pk}.example,2026-11-02,call,,security:2;uptime\n"
    )


def by_email(group) -> dict[str, Touch]:
    return {t.stakeholder.email[:2]: t for t in Touch.objects.filter(group=group)}


def test_preview_shows_the_touches_and_writes_nothing(
    client, marketer, group, downtime_calculator, frozen_clock
):
    client.force_login(marketer)
    response = preview(client, group, touches=touches_csv(group))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: nothing is saved yet" in html
    assert "touches: 3 new, 0 updated, 0 unchanged" in html
    touches = html.split("<h3>Touches</h3>", 1)[1].split("</div>\n      </div>", 1)[0]
    assert f"downtime-calculator to p0@{group.pk}.example" in touches
    assert f"security, uptime to p2@{group.pk}.example" in touches
    assert touches.count(">new<") == 3
    assert not Touch.objects.exists()


def test_confirm_writes_the_touches_once(
    client, marketer, group, downtime_calculator, frozen_clock
):
    client.force_login(marketer)
    preview(client, group, touches=touches_csv(group))
    response = confirm(client, group)
    assert response.status_code == 303 and response.url == f"/groups/{group.pk}/"

    touches = by_email(group)
    assert sorted(touches) == ["p0", "p1", "p2"]
    assert touches["p0"].asset == downtime_calculator and touches["p0"].themes == {}
    assert touches["p0"].occurred_at == datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    assert touches["p2"].asset is None
    assert touches["p2"].themes == {"security": 2.0, "uptime": 1.0}
    assert touches["p2"].occurred_at == datetime(2026, 11, 2, tzinfo=UTC)
    assert touches["p2"].channel == "call"
    # The mailing to Ana and Ben is one message; Cy's call another.
    assert touches["p0"].message_key == touches["p1"].message_key != touches["p2"].message_key
    assert analyze(group).tailoring == pytest.approx(1 / 3)  # one of 3 reached one person
    assert "Cost of downtime calculator" in client.get(response.url).content.decode()


def test_reimporting_the_same_touches_changes_nothing(
    client, marketer, group, downtime_calculator, frozen_clock
):
    client.force_login(marketer)
    preview(client, group, touches=touches_csv(group))
    confirm(client, group)
    before = list(Touch.objects.order_by("pk").values_list("pk", "message_key"))

    html = preview(client, group, touches=touches_csv(group)).content.decode()
    assert "touches: 0 new, 0 updated, 3 unchanged" in html
    assert html.count("already logged") == 3
    assert "importing changes nothing" in html
    confirm(client, group)
    assert list(Touch.objects.order_by("pk").values_list("pk", "message_key")) == before


def test_empty_themes_use_the_assets_themes_in_the_scores(
    client, marketer, group, downtime_calculator, frozen_clock
):
    client.force_login(marketer)
    preview(client, group, touches=touches_csv(group))
    confirm(client, group)
    out = StringIO()
    call_command("analyze_group", str(group.pk), "--format", "json", stdout=out)
    exposure = {m["email"][:2]: m["exposure"] for m in json.loads(out.getvalue())["members"]}
    calculator = pytest.approx({"cost-of-downtime": 2 / 3, "security": 1 / 3}, abs=1e-4)
    assert exposure["p0"] == calculator and exposure["p1"] == calculator
    assert exposure["p2"] == pytest.approx({"security": 2 / 3, "uptime": 1 / 3}, abs=1e-4)
    assert exposure["p3"] == {}
    ana = Touch.objects.get(stakeholder__email=f"p0@{group.pk}.example").stakeholder
    timeline = client.get(f"/groups/{group.pk}/people/{ana.pk}/touches/").content.decode()
    assert "<dt>Cost of downtime</dt><dd><meter" in timeline and "67%</dd>" in timeline


def test_unknown_asset_and_unknown_person_are_problems_with_line_and_column(
    client, marketer, group, downtime_calculator, globex_playbook, frozen_clock
):
    bad = (
        "email,occurred_at,channel,asset,themes\n"
        f"p0@{group.pk}.example,2026-10-01,email,downtime-calculator,\n"
        f"p1@{group.pk}.example,2026-10-01,email,white-paper,\n"
        "nobody@elsewhere.example,2026-10-01,email,,security\n"
        f"p2@{group.pk}.example,2026-10-01,email,globex-playbook,\n"
    )
    client.force_login(marketer)
    html = preview(client, group, touches=bad).content.decode()
    assert "Nothing was imported: 3 problems to fix" in html
    problems = html.split('class="problems"', 1)[1]
    for line, column, message in [
        (3, "asset", "no asset 'white-paper' in the content library."),
        (4, "email", "no stakeholder with email nobody@elsewhere.example in this group"),
        (5, "asset", "no asset 'globex-playbook' in the content library."),
    ]:
        assert escape(f"touches.csv: Line {line}, column {column}: {message}") in problems
    assert not PendingImport.objects.exists()
    assert not Touch.objects.exists()


def test_touches_for_people_of_the_same_upload(client, marketer, org, frozen_clock):
    group = BuyingGroup.objects.create(organization=org, name="Fresh deal")
    people = "email,name\nana@c.example,Ana\nben@c.example,Ben\n"
    sent = (
        "email,occurred_at,themes\nana@c.example,2026-10-01,risk\nben@c.example,2026-10-01,risk\n"
    )
    client.force_login(marketer)
    html = preview(client, group, stakeholders=people, touches=sent).content.decode()
    assert "touches: 2 new" in html
    confirm(client, group)
    assert analyze(group).divergence.score == 0.0


# --- the command line -------------------------------------------------------------------

PEOPLE = "email,name,buying_role\nana@f.example,Ana,Champion\nben@f.example,Ben,Decision Maker\n"
SENT = (
    "email,occurred_at,channel,asset,themes\n"
    "ana@f.example,2026-10-01T09:00Z,email,downtime-calculator,\n"
    "ben@f.example,2026-10-01T09:00Z,email,downtime-calculator,\n"
    "ben@f.example,2026-10-03T15:30+02:00,call,,security\n"
)


def import_group(tmp_path, touches: str):
    (tmp_path / "people.csv").write_text(PEOPLE)
    (tmp_path / "touches.csv").write_text(touches)
    out, err = StringIO(), StringIO()
    call_command(
        "import_group",
        "--org",
        "acme",
        "--name",
        "Fabrikam",
        "--stakeholders",
        str(tmp_path / "people.csv"),
        "--touches",
        str(tmp_path / "touches.csv"),
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def test_import_group_with_touches(tmp_path, org, downtime_calculator, frozen_clock):
    out, err = import_group(tmp_path, SENT)
    group = BuyingGroup.objects.get(name="Fabrikam")
    assert out.strip() == str(group.pk)
    assert "touches: 3 new" in err
    touches = Touch.objects.filter(group=group).order_by("occurred_at", "stakeholder__email")
    assert [(t.stakeholder.email, t.occurred_at) for t in touches] == [
        ("ana@f.example", datetime(2026, 10, 1, 9, tzinfo=UTC)),
        ("ben@f.example", datetime(2026, 10, 1, 9, tzinfo=UTC)),
        ("ben@f.example", datetime(2026, 10, 3, 13, 30, tzinfo=UTC)),
    ]
    assert touches[0].message_key == touches[1].message_key != touches[2].message_key

    out, err = import_group(tmp_path, SENT)
    assert out.strip() == str(group.pk)
    assert "touches: 0 new, 0 updated, 3 unchanged" in err
    assert Touch.objects.filter(group=group).count() == 3


def test_import_group_refuses_bad_touches_and_writes_nothing(
    tmp_path, org, downtime_calculator, frozen_clock
):
    bad = SENT + "cy@f.example,2026-10-04,email,,risk\n"
    with pytest.raises(CommandError, match=r"Line 5, column email: no stakeholder .*cy@f\.example"):
        import_group(tmp_path, bad)
    assert not BuyingGroup.objects.filter(name="Fabrikam").exists()
    assert not Touch.objects.exists()
