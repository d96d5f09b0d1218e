"""What goes in an organization's digest: built from the snapshots of the week."""

from datetime import timedelta

import pytest

import digests.sections
from digests.selectors import digest_content, group_scores
from planner.models import Stakeholder
from suggestions import suggesting
from tests.content.factories import AssetFactory
from tests.digests.conftest import MONDAY, WEEK_AGO, FakeSuggestion, snapshot
from tests.factories import BuyingGroupFactory, group_of


@pytest.fixture
def no_suggestions(monkeypatch):
    """The suggestion engine reads the group itself; these tests count the digest's own reads."""
    monkeypatch.setattr(digests.sections, "top_suggestion", lambda group: None)


def test_drifting_groups_come_with_the_change_and_the_top_warning(busy_week, org):
    content = digest_content(org, now=MONDAY)

    [drift] = content.section("drifting").items
    assert drift.group_name == "Contoso renewal"
    assert drift.divergence == pytest.approx(0.42)
    assert drift.change == pytest.approx(0.12)
    assert drift.why == "Two factions hear different stories."  # effect -12 beats -5
    assert drift.since == (WEEK_AGO - timedelta(hours=4)).date()
    assert (
        drift.url
        == f"https://app.example.com/digest/org/{org.pk}/groups/{busy_week['contoso'].pk}/"
    )


def test_drift_is_ordered_biggest_first_and_capped_with_a_count(org):
    for n in range(7):
        group = BuyingGroupFactory(organization=org, name=f"Deal {n}")
        snapshot(group, WEEK_AGO - timedelta(hours=1), divergence=0.1, readiness=50)
        snapshot(group, MONDAY - timedelta(hours=1), divergence=0.1 + 0.03 * (n + 1), readiness=50)

    section = digest_content(org, now=MONDAY).section("drifting")

    assert [d.group_name for d in section.items] == [
        "Deal 6",
        "Deal 5",
        "Deal 4",
        "Deal 3",
        "Deal 2",
    ]
    assert section.more == 2


def test_readiness_fell_and_rose(busy_week, org):
    content = digest_content(org, now=MONDAY)

    [fell] = content.section("readiness_fell").items
    assert (fell.group_name, fell.before, fell.after, fell.change) == (
        "Contoso renewal",
        60,
        45,
        -15,
    )
    [rose] = content.section("readiness_rose").items
    assert (rose.group_name, rose.before, rose.after, rose.change) == (
        "Fabrikam expansion",
        50,
        58,
        8,
    )


def test_small_moves_and_archived_groups_are_not_news(busy_week, org):
    content = digest_content(org, now=MONDAY)

    names = {item.group_name for section in content.sections for item in section.items}
    assert "Old archived deal" not in names
    # Northwind moved by 0.01 and one point: not drifting, not a readiness move.
    assert "Northwind pilot" not in {d.group_name for d in content.section("drifting").items}
    assert content.section("readiness_fell").items[0].group_name == "Contoso renewal"
    assert len(content.section("readiness_fell").items) == 1


def test_groups_missing_roles(busy_week, org):
    [gap] = digest_content(org, now=MONDAY).section("missing_roles").items

    assert (gap.group_name, gap.roles) == ("Contoso renewal", ("Decision Maker",))


def test_a_new_group_without_last_weeks_scores_still_shows_its_missing_roles(org):
    group = BuyingGroupFactory(organization=org, name="Brand new")
    snapshot(group, MONDAY - timedelta(days=1), divergence=0.5, readiness=70, missing=["Champion"])

    content = digest_content(org, now=MONDAY)

    assert content.section("drifting").items == ()
    assert content.section("missing_roles").items[0].roles == ("Champion",)


def test_top_suggestion_for_each_group_at_risk_most_at_risk_first(busy_week, org, suggestions):
    items = digest_content(org, now=MONDAY).section("suggestions").items

    # At risk: Northwind (readiness 30) and Contoso (divergence +0.12); not Fabrikam.
    assert suggestions == ["Northwind pilot", "Contoso renewal"]
    assert [(s.group_name, s.title, s.asset) for s in items] == [
        ("Northwind pilot", "Cost of downtime calculator", "downtime-calculator"),
        ("Contoso renewal", "Security checklist", "security-checklist"),
    ]
    assert items[0].reasons == ("Everyone cares about downtime.", "Shared-problem framing.")
    assert items[0].send_first_name == "Dana Decider"
    assert items[1].send_first_name is None


def test_without_any_suggestion_the_digest_goes_without_suggestions(busy_week, org, no_suggestions):
    content = digest_content(org, now=MONDAY)

    assert content.section("suggestions").items == ()
    assert not content.quiet  # the rest is still there


def test_a_failing_suggestion_is_left_out_not_the_digest(busy_week, org, monkeypatch):
    def top_suggestion(group):
        if group.name == "Northwind pilot":
            raise RuntimeError("half-written")
        return FakeSuggestion("Security checklist", "security-checklist", (), None)

    monkeypatch.setattr(digests.sections, "top_suggestion", top_suggestion)

    items = digest_content(org, now=MONDAY).section("suggestions").items

    assert [s.group_name for s in items] == ["Contoso renewal"]


def test_an_organization_without_news_has_a_quiet_week(org):
    steady = BuyingGroupFactory(organization=org, name="Steady")
    snapshot(steady, WEEK_AGO, divergence=0.2, readiness=70)
    snapshot(steady, MONDAY - timedelta(hours=2), divergence=0.2, readiness=71)

    content = digest_content(org, now=MONDAY)

    assert content.quiet
    assert content.headline == "a quiet week"


def test_another_organizations_groups_never_appear(busy_week, org, other_org):
    foreign = BuyingGroupFactory(organization=other_org, name="Globex secret deal")
    snapshot(foreign, WEEK_AGO, divergence=0.1, readiness=90)
    snapshot(foreign, MONDAY - timedelta(hours=1), divergence=0.8, readiness=10)

    content = digest_content(org, now=MONDAY)

    names = {item.group_name for section in content.sections for item in section.items}
    assert "Globex secret deal" not in names
    assert digest_content(other_org, now=MONDAY).section("drifting").items[0].group_name == (
        "Globex secret deal"
    )


def test_scores_taken_after_now_are_not_used(busy_week, org):
    later = snapshot(
        busy_week["fabrikam"], MONDAY + timedelta(hours=1), divergence=0.9, readiness=5
    )

    content = digest_content(org, now=MONDAY)

    assert later.readiness == 5
    assert "Fabrikam expansion" not in {d.group_name for d in content.section("drifting").items}


def test_content_is_read_in_a_constant_number_of_queries(
    busy_week, org, django_assert_max_num_queries, no_suggestions
):
    for n in range(20):
        group = BuyingGroupFactory(organization=org, name=f"Extra {n}")
        snapshot(group, WEEK_AGO, divergence=0.1, readiness=50)
        snapshot(group, MONDAY - timedelta(hours=1), divergence=0.2, readiness=40)

    with django_assert_max_num_queries(5):  # groups, snapshots, settings; kits built, kit views
        digest_content(org, now=MONDAY)


def test_the_headline_sums_up_the_week(busy_week, org):
    assert digest_content(org, now=MONDAY).headline == (
        "1 group drifting apart, readiness fell in 1 group, rose in 1 group"
    )


def test_kits_built_and_viewed_this_week_are_reported(busy_week, org, settings, tmp_path):
    from kits.models import ConsensusKit, KitShare, KitView

    group = next(s.group for s in group_scores(org, now=MONDAY))
    kit = ConsensusKit.objects.create(
        group=group,
        version=2,
        status="ready",
        problem_statement="x",
        built_at=MONDAY - timedelta(days=2),
    )
    share = KitShare.objects.create(kit=kit, nonce="n1", expires_at=MONDAY + timedelta(days=30))
    for _ in range(3):
        KitView.objects.create(share=share)
    KitView.objects.filter(share=share).update(at=MONDAY - timedelta(days=1))
    section = digest_content(org, now=MONDAY).section("kits")
    assert section is not None and len(section.items) == 1
    item = section.items[0]
    assert item.group_name == group.name and item.built == (2,) and item.views == 3


def test_the_digest_suggests_what_the_suggestions_page_suggests(org):
    """The real top_suggestion, on a real group at risk: never a silent None."""
    group = group_of(org, 4, name="Litware rollout")
    Stakeholder.objects.filter(group=group).update(consent=True, priorities={"uptime": 2})
    AssetFactory(
        organization=org,
        slug="uptime-calculator",
        title="Cost of downtime calculator",
        themes={"uptime": 1},
    )
    snapshot(group, WEEK_AGO - timedelta(hours=4), divergence=0.5, readiness=35)
    snapshot(group, MONDAY - timedelta(hours=4), divergence=0.6, readiness=25)

    expected = suggesting.top_suggestion(group)
    [item] = digest_content(org, now=MONDAY).section("suggestions").items

    assert expected is not None
    assert (item.group_name, item.title, item.asset) == (
        "Litware rollout",
        "Cost of downtime calculator",
        "uptime-calculator",
    )
    assert item.title == expected.title and item.reasons == tuple(expected.reasons)
