import json
import math

from django.core.management import call_command

from planner.models import Stakeholder
from tests.factories import RelationshipFactory, StakeholderFactory


def _doc(group, capsys, *extra):
    call_command(
        "analyze_group", str(group.pk), "--as-of", "2026-11-01", "--format", "json", *extra
    )
    return json.loads(capsys.readouterr().out)


def test_two_cliques_joined_by_one_person_give_two_factions_and_a_broker(org, capsys):
    from tests.factories import BuyingGroupFactory

    group = BuyingGroupFactory(organization=org)
    left = [StakeholderFactory(group=group, email=f"l{i}@x.example") for i in range(3)]
    right = [StakeholderFactory(group=group, email=f"r{i}@x.example") for i in range(3)]
    bridge = StakeholderFactory(group=group, email="bridge@x.example", buying_role="champion")
    for team in (left, right):
        for i, a in enumerate(team):
            for b in team[i + 1 :]:
                RelationshipFactory(group=group, source=a, target=b, strength=5)
    RelationshipFactory(group=group, source=bridge, target=left[0])
    RelationshipFactory(group=group, source=bridge, target=right[0])
    doc = _doc(group, capsys)
    assert doc["group"] == {"id": group.pk, "name": group.name, "members": 7}
    assert doc["as_of"] == "2026-11-01"
    assert len(doc["factions"]) == 2
    assert doc["brokers"][0] == "bridge@x.example"
    assert "Decision Maker" in doc["missing_roles"]
    assert doc["baseline_purchase_likelihood"] == 0.31
    for member in doc["members"]:
        assert math.isfinite(member["centrality"]) and 0 <= member["centrality"] <= 1
        assert member["exposure"] == {}
    centralities = [m["centrality"] for m in doc["members"]]
    assert centralities == sorted(centralities, reverse=True)


def test_text_format_reads_like_a_report(group, capsys):
    call_command("analyze_group", str(group.pk))
    out = capsys.readouterr().out
    assert "Contoso renewal" in out and "Missing roles" in out


def test_bad_date_is_refused(group):
    import pytest
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--as-of"):
        call_command("analyze_group", str(group.pk), "--as-of", "yesterday")


def test_empty_group(org, capsys):
    from tests.factories import BuyingGroupFactory

    doc = _doc(BuyingGroupFactory(organization=org), capsys)
    assert (
        doc["members"] == []
        and doc["factions"] == []
        and doc["baseline_purchase_likelihood"] == 0.0
    )
    assert Stakeholder.objects.count() == 0
