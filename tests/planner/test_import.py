"""Importing stakeholders and relationships: preview, all or nothing, idempotent."""

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from planner.importing import import_apply, import_plan
from planner.models import BuyingGroup, PendingImport, Relationship, Stakeholder, Touch

DEMO = Path(__file__).resolve().parents[2] / "planner" / "demo"
PEOPLE = (
    "email,name,title,buying_role,influence,stance,priorities,outcome\n"
    "ana@c.example,Ana,CFO,Decision Maker,5,skeptic,cost:3;risk,Margin\n"
    "ben@c.example,Ben,CIO,champion,4,supporter,uptime,Downtime\n"
)
TIES = "source_email,target_email,kind,strength\nben@c.example,ana@c.example,reports_to,4\n"


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def preview(client, group, **files):
    return client.post(
        f"/groups/{group.pk}/import/", {k: upload(f"{k}.csv", v) for k, v in files.items()}
    )


def confirm(client, group):
    pending = PendingImport.objects.get(group=group)
    return client.post(f"/groups/{group.pk}/import/{pending.pk}/confirm/")


@pytest.fixture
def empty_group(org):
    return BuyingGroup.objects.create(organization=org, name="Fresh deal")


def test_preview_writes_nothing_then_confirm_writes_everything(client, marketer, empty_group):
    client.force_login(marketer)
    response = preview(client, empty_group, stakeholders=PEOPLE, relationships=TIES)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: nothing is saved yet" in html
    assert "2 new" in html
    assert not Stakeholder.objects.filter(group=empty_group).exists()
    response = confirm(client, empty_group)
    assert response.status_code == 303
    assert Stakeholder.objects.filter(group=empty_group).count() == 2
    ana = Stakeholder.objects.get(email="ana@c.example")
    assert (ana.buying_role, ana.influence, ana.stance, ana.priorities) == (
        "decision_maker",
        5,
        "skeptic",
        {"cost": 3.0, "risk": 1.0},
    )
    assert Relationship.objects.filter(group=empty_group, kind="reports_to").count() == 1
    assert not PendingImport.objects.exists()


def test_reimporting_the_same_files_changes_nothing(client, marketer, empty_group):
    client.force_login(marketer)
    preview(client, empty_group, stakeholders=PEOPLE, relationships=TIES)
    confirm(client, empty_group)
    before = list(Stakeholder.objects.values_list("pk", "updated_at"))
    html = preview(client, empty_group, stakeholders=PEOPLE, relationships=TIES).content.decode()
    assert "importing changes nothing" in html
    confirm(client, empty_group)
    assert list(Stakeholder.objects.values_list("pk", "updated_at")) == before
    assert Relationship.objects.count() == 1


def test_a_bad_row_refuses_the_whole_file_naming_line_and_column(client, marketer, empty_group):
    client.force_login(marketer)
    bad = PEOPLE + "cy@c.example,Cy,CTO,Champion,high,supporter,,\n"
    response = preview(client, empty_group, stakeholders=bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert re.search(r"[Ll]ine 4.*influence", html)
    assert not PendingImport.objects.exists()
    assert not Stakeholder.objects.exists()


def test_relationship_to_unknown_person_is_a_problem(client, marketer, empty_group):
    client.force_login(marketer)
    ties = TIES + "ben@c.example,zed@c.example,influences,3\n"
    response = preview(client, empty_group, stakeholders=PEOPLE, relationships=ties)
    assert response.status_code == 200
    assert "zed@c.example" in response.content.decode()
    assert not Stakeholder.objects.exists()


def test_hubspot_export_is_recognised_and_keeps_hand_entered_fields(client, marketer, empty_group):
    client.force_login(marketer)
    hubspot = (DEMO / "fabrikam_hubspot.csv").read_bytes()
    html = preview(client, empty_group, stakeholders=hubspot).content.decode()
    assert "HubSpot export" in html
    assert "Gatekeeper" in html  # unknown role: a warning, not an error
    confirm(client, empty_group)
    grace = Stakeholder.objects.get(email="grace.okafor@fabrikam.example")
    assert (grace.name, grace.title, grace.buying_role) == (
        "Grace Okafor",
        "CISO",
        "decision_maker",
    )
    grace.influence, grace.stance = 5, "supporter"
    grace.save()
    preview(client, empty_group, stakeholders=hubspot)
    confirm(client, empty_group)
    grace.refresh_from_db()
    assert (grace.influence, grace.stance) == (5, "supporter")


def test_excel_file_gets_a_clear_message(client, marketer, empty_group):
    client.force_login(marketer)
    response = preview(client, empty_group, stakeholders=b"PK\x03\x04\x14\x00\x06\x00binary")
    assert response.status_code == 200
    assert "Excel" in response.content.decode()


def test_latin1_file_gets_a_clear_message(client, marketer, empty_group):
    client.force_login(marketer)
    response = preview(
        client, empty_group, stakeholders="email,name\nzoe@c.example,Zoë\n".encode("latin-1")
    )
    assert response.status_code == 200
    assert "UTF-8" in response.content.decode()


def test_oversized_upload_is_refused(client, marketer, empty_group):
    client.force_login(marketer)
    big = "email,name\n" + "x" * 20_000_010
    response = preview(client, empty_group, stakeholders=big)
    assert response.status_code == 200
    assert "limit is 20 MB" in response.content.decode()
    assert not Stakeholder.objects.exists()


def test_no_file_chosen_says_so(client, marketer, empty_group):
    client.force_login(marketer)
    response = client.post(f"/groups/{empty_group.pk}/import/", {})
    assert "Choose at least one CSV file" in response.content.decode()


def test_import_group_command_creates_then_is_idempotent(org, capsys):
    args = [
        "import_group",
        "--org",
        org.slug,
        "--name",
        "Contoso",
        "--stakeholders",
        str(DEMO / "contoso_stakeholders.csv"),
        "--relationships",
        str(DEMO / "contoso_relationships.csv"),
    ]
    call_command(*args)
    group_id = int(capsys.readouterr().out.strip())
    group = BuyingGroup.objects.get(pk=group_id)
    assert group.stakeholders.count() == 9 and group.relationships.count() == 13
    call_command(*args)
    out = capsys.readouterr()
    assert int(out.out.strip()) == group_id
    assert "0 new, 0 updated, 9 unchanged" in out.err


def test_import_group_command_refuses_bad_file_and_writes_nothing(org, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(PEOPLE + "not-an-email,X,,,,,,\n")
    with pytest.raises(CommandError, match=r"bad\.csv: Line 4"):
        call_command("import_group", "--org", org.slug, "--name", "New", "--stakeholders", str(bad))
    assert not BuyingGroup.objects.filter(name="New").exists()


def test_import_group_command_unknown_org(db, tmp_path):
    with pytest.raises(CommandError, match="no organization"):
        call_command(
            "import_group", "--org", "nope", "--name", "X", "--stakeholders", str(tmp_path / "x")
        )


def test_commands_exit_non_zero_with_one_line_on_stderr(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "export_group", "999999"],
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
        env=env,
    )
    assert result.returncode != 0
    assert "no buying group with id 999999" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def _touches_file(rows: int, people: int) -> bytes:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    lines = ["email,occurred_at,channel,asset,themes"]
    for i in range(rows):
        moment = (start + timedelta(minutes=i)).isoformat()
        lines.append(f"p{i % people}@c.example,{moment},email,,theme{i % 7}:{1 + i % 3}")
    return ("\n".join(lines) + "\n").encode()


def test_fifty_thousand_touches_import_in_bulk_and_all_or_nothing(empty_group):
    people_csv = "email,name\n" + "".join(f"p{i}@c.example,P{i}\n" for i in range(200))
    plan = import_plan(
        group=empty_group, stakeholders=people_csv.encode(), touches=_touches_file(50_000, 200)
    )
    assert plan.ok, plan.problems[:3]
    import_apply(group=empty_group, plan=plan)
    assert Stakeholder.objects.filter(group=empty_group).count() == 200
    assert Touch.objects.filter(group=empty_group).count() == 50_000

    # One bad row among 50,000 more: nothing is written.
    bad = _touches_file(50_000, 200).replace(b"p7@c.example", b"nobody@c.example", 1)
    other = BuyingGroup.objects.create(organization=empty_group.organization, name="Other")
    plan = import_plan(group=other, stakeholders=people_csv.encode(), touches=bad)
    assert not plan.ok
    assert [p.problem.line for p in plan.problems] == [9]  # row i=7, after the header
    with pytest.raises(ValueError):
        import_apply(group=other, plan=plan)
    assert not Stakeholder.objects.filter(group=other).exists()


def test_more_than_fifty_thousand_rows_are_refused_with_the_limit(empty_group):
    plan = import_plan(group=empty_group, touches=_touches_file(50_001, 1))
    assert not plan.ok
    assert "the limit is 50,000" in str(plan.problems[0].problem.message)
    assert not Touch.objects.exists()
