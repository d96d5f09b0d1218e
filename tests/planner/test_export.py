import csv
import io
import json

from django.core.management import call_command

from tests.factories import StakeholderFactory


def test_csv_export_neutralises_formulas_and_round_trips(client, marketer, group):
    StakeholderFactory(
        group=group,
        email="evil@x.example",
        name='=HYPERLINK("http://x")',
        title="+1 boss",
        priorities={"cost": 2.0, "security": 1.0},
    )
    client.force_login(marketer)
    response = client.get(f"/groups/{group.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    evil = next(r for r in rows if r["email"] == "evil@x.example")
    assert evil["name"].startswith("'=")
    assert evil["title"].startswith("'+")
    assert evil["priorities"] == "cost:2;security"
    assert len(rows) == 5


def test_json_export_has_people_and_relationships(client, marketer, group):
    client.force_login(marketer)
    document = json.loads(client.get(f"/groups/{group.pk}/export.json").content)
    assert document["group"]["name"] == "Contoso renewal"
    assert len(document["stakeholders"]) == 4
    assert {"source_email", "target_email", "kind", "strength"} <= set(document["relationships"][0])


def test_export_group_command(group, capsys):
    call_command("export_group", str(group.pk))
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "email,name,title,buying_role,influence,stance,priorities,outcome"
    call_command("export_group", str(group.pk), "--format", "json")
    assert json.loads(capsys.readouterr().out)["group"]["id"] == group.pk
