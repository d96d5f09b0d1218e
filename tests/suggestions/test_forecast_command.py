"""`forecast_group`: the consensus forecast on the command line (INTERFACES.md)."""

import json
import math
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from planner.models import Touch
from tests.factories import BuyingGroupFactory, RelationshipFactory, StakeholderFactory

AS_OF = "2026-11-01"


@pytest.fixture
def split_group(org, downtime_calculator):
    """Ana heard about downtime, Ben about security, Cy nothing yet; Ana and Ben work
    together and Ben tells Cy what he thinks."""
    group = BuyingGroupFactory(organization=org, name="Initech")
    ana = StakeholderFactory(group=group, email="ana@initech.example", name="Ana", influence=4)
    ben = StakeholderFactory(group=group, email="ben@initech.example", name="Ben")
    cy = StakeholderFactory(group=group, email="cy@initech.example", name="Cy")
    RelationshipFactory(group=group, source=ana, target=ben, kind="collaborates", strength=4)
    RelationshipFactory(group=group, source=ben, target=cy, kind="influences", strength=3)
    at = datetime(2026, 10, 20, tzinfo=UTC)
    Touch.objects.create(
        group=group, stakeholder=ana, occurred_at=at, themes={"cost-of-downtime": 1}
    )
    Touch.objects.create(group=group, stakeholder=ben, occurred_at=at, themes={"security": 1})
    return group


def _doc(group, capsys, *extra):
    call_command("forecast_group", str(group.pk), "--as-of", AS_OF, "--format", "json", *extra)
    return json.loads(capsys.readouterr().out)


def test_the_forecast_document_says_now_then_and_the_way_there(split_group, capsys):
    doc = _doc(split_group, capsys, "--weeks", "6")
    call_command("analyze_group", str(split_group.pk), "--as-of", AS_OF, "--format", "json")
    analysis = json.loads(capsys.readouterr().out)
    assert doc["group"] == {"id": split_group.pk, "name": "Initech", "members": 3}
    assert doc["as_of"] == AS_OF and doc["weeks"] == 6 and doc["plan"] is None
    assert doc["now"] == {
        "divergence": analysis["divergence"],
        "readiness": analysis["readiness"]["score"],
    }
    trajectory = doc["forecast"]["trajectory"]
    assert [p["week"] for p in trajectory] == list(range(7))
    assert trajectory[0]["divergence"] == doc["now"]["divergence"]
    assert trajectory[-1]["divergence"] == doc["forecast"]["divergence"]
    # Cy takes what Ben tells him, and Ana and Ben come closer: the group ends closer.
    assert doc["forecast"]["divergence"] < doc["now"]["divergence"] - 0.2
    members = {m["email"]: m for m in doc["forecast"]["members"]}
    assert set(members["cy@initech.example"]["themes"]) == {"cost-of-downtime", "security"}
    for member in members.values():
        assert math.isclose(sum(member["themes"].values()), 1.0, abs_tol=1e-3)
    assert members["ana@initech.example"]["openness"] == 0.6  # neutral, hears Ben
    first = doc["first_recipients"]
    assert doc["first_recipients_asset"] == "downtime-calculator"
    assert [r["divergence"] for r in first] == sorted(r["divergence"] for r in first)
    assert {r["email"] for r in first} == set(members)


def test_a_planned_send_to_one_person_changes_the_forecast(split_group, capsys):
    nothing = _doc(split_group, capsys)
    sent = _doc(split_group, capsys, "--send", "downtime-calculator", "--to", "Ben@initech.example")
    assert sent["plan"] == {"asset": "downtime-calculator", "to": ["ben@initech.example"]}
    assert sent["forecast"]["divergence"] != nothing["forecast"]["divergence"]
    ranked = {r["email"]: r["divergence"] for r in sent["first_recipients"]}
    assert sent["forecast"]["divergence"] == ranked["ben@initech.example"]
    everyone = _doc(split_group, capsys, "--send", "downtime-calculator", "--to", "all")
    assert len(everyone["plan"]["to"]) == 3


def test_text_output_reads_like_a_sentence(split_group, capsys):
    call_command("forecast_group", str(split_group.pk), "--as-of", AS_OF)
    out = capsys.readouterr().out
    assert "Initech" in out and "Trajectory:" in out
    assert "If nothing changes, divergence settles near" in out
    assert "Cost of downtime calculator to" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--send", "no-such-asset"], "no asset 'no-such-asset'"),
        (["--send", "downtime-calculator", "--to", "zed@x.example"], "not a member"),
        (["--to", "ana@initech.example"], "--to needs --send"),
        (["--weeks", "-1"], "--weeks must be between"),
    ],
)
def test_bad_input_is_refused_with_a_reason(split_group, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("forecast_group", str(split_group.pk), *args)


def test_another_organizations_asset_is_not_found(split_group, globex_playbook):
    with pytest.raises(CommandError, match="no asset"):
        call_command("forecast_group", str(split_group.pk), "--send", "globex-playbook")


@pytest.mark.django_db
def test_an_unknown_group_is_refused():
    with pytest.raises(CommandError, match="no buying group"):
        call_command("forecast_group", "999999")


def test_an_empty_group_and_a_group_nobody_reached_forecast_without_errors(org, capsys):
    empty = BuyingGroupFactory(organization=org, name="Empty")
    doc = _doc(empty, capsys)
    assert doc["forecast"]["trajectory"] == [{"week": w, "divergence": 0.0} for w in range(13)]
    assert doc["first_recipients"] == [] and doc["forecast"]["members"] == []
    quiet = BuyingGroupFactory(organization=org, name="Quiet")
    a = StakeholderFactory(group=quiet, email="a@q.example")
    b = StakeholderFactory(group=quiet, email="b@q.example")
    RelationshipFactory(group=quiet, source=a, target=b)
    doc = _doc(quiet, capsys)
    assert {p["divergence"] for p in doc["forecast"]["trajectory"]} == {1.0}  # nobody heard a thing
    assert all(m["themes"] == {} for m in doc["forecast"]["members"])
