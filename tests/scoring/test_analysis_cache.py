"""The analysis cache (scoring.cached, scoring.versions): a group is analysed once per
version and hour, and that analysis is shared by the group page, the suggestions page, the
kit draft and build, snapshots and the digest; a write, an evicted version or a deploy
makes a new version; a cache that is down costs time, never the page. (Every write shows
on the next view: test_analysis_cache_freshness.py; nothing of one viewer reaches another:
test_analysis_cache_viewers.py.)"""

import sys

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from content.models import Asset
from kits import services as kit_services
from kits.building import kit_build
from planner import services
from planner.models import Stakeholder
from scoring import analysis as scoring_analysis
from scoring import cached as scoring_cached
from scoring import versions
from scoring.snapshots import snapshot_take
from suggestions.suggesting import top_suggestion
from tests.factories import group_of, member
from tests.scoring.cached_page import cached, page


@pytest.fixture
def analyses(monkeypatch):
    """Every call of scoring.analysis.analyze, wherever it was imported, as a list of the
    groups analysed."""
    calls = []
    original = scoring_analysis.analyze

    def counted(group, **kwargs):
        calls.append(group.pk)
        return original(group, **kwargs)

    for module in list(sys.modules.values()):
        if getattr(module, "analyze", None) is original:
            monkeypatch.setattr(module, "analyze", counted)
    return calls


def queries(client, group) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client, group)
    return len(captured)


# --- once per version ------------------------------------------------------------------


def test_the_page_suggestions_and_kit_draft_share_one_analysis(
    client, org, touched, shared_asset, analyses
):
    client.force_login(member(org, Role.ADMIN, email="boss@acme.test"))
    page(client, touched)
    assert client.get(f"/groups/{touched.pk}/suggestions/").status_code == 200
    assert client.get(f"/groups/{touched.pk}/kits/new/").status_code == 200
    assert client.get(f"/groups/{touched.pk}/suggestions/?asset=shared-story").status_code == 200
    person = Stakeholder.objects.filter(group=touched).order_by("name").first()
    assert client.get(f"/groups/{touched.pk}/people/{person.pk}/").status_code == 200
    assert top_suggestion(touched) is not None  # the digest's
    page(client, touched)
    assert analyses == [touched.pk]


def test_a_kit_is_built_from_one_analysis(org, touched, shared_asset, analyses):
    draft = kit_services.draft(touched)
    kit = kit_services.kit_request(
        group=touched,
        by=None,
        problem_statement=draft["problem_statement"],
        assets=draft["assets"],
        plan=draft["plan"],
        enqueue=False,
    )
    built = kit_build(kit_id=kit.pk)
    assert built.status == "ready"
    assert analyses == [touched.pk]


def test_a_snapshot_uses_the_analysis_the_page_made(client, marketer, touched, analyses):
    client.force_login(marketer)
    page(client, touched)
    snapshot = snapshot_take(group=touched)
    assert analyses == [touched.pk]
    assert "Readiness" in page(client, touched)  # and storing it keeps the analysis
    assert analyses == [touched.pk]
    assert snapshot.readiness == scoring_analysis.analyze(touched).readiness.score


@pytest.mark.parametrize(
    "write",
    ["add a person", "log a touch", "change the library", "change the settings", "rename"],
)
def test_every_write_gives_a_fresh_analysis(client, marketer, touched, analyses, write):
    client.force_login(marketer)
    page(client, touched)
    page(client, touched)
    assert len(analyses) == 1
    if write == "add a person":
        services.stakeholder_create(group=touched, email="zoe@customer.example", name="Zoe")
    elif write == "log a touch":
        services.touches_record(
            group=touched,
            stakeholders=list(Stakeholder.objects.filter(group=touched)),
            occurred_at=timezone.now(),
            themes={"uptime": 1},
        )
    elif write == "change the library":
        Asset.objects.create(organization=touched.organization, slug="new", title="New")
    elif write == "change the settings":
        services.planner_settings_update(
            organization=touched.organization, roles=[], half_life_days=7
        )
    else:
        services.group_update(group=touched, name="Contoso expansion")
    page(client, touched)
    page(client, touched)
    assert len(analyses) == 2


def test_an_analysis_is_reused_only_within_its_hour(client, marketer, touched, analyses):
    client.force_login(marketer)
    with time_machine_at("2026-11-05 12:01"):
        page(client, touched)
        assert len(analyses) == 1
    with time_machine_at("2026-11-05 12:59"):
        page(client, touched)
        assert len(analyses) == 1
    with time_machine_at("2026-11-05 13:00"):
        page(client, touched)
        assert len(analyses) == 2


def time_machine_at(moment: str):
    return time_machine.travel(timezone.datetime.fromisoformat(moment + "+00:00"), tick=False)


def test_an_analysis_of_a_given_day_is_never_the_current_one(marketer, touched, analyses):
    scoring_cached.current_analysis(touched)
    scoring_analysis.analyze(touched, as_of=touched.created_at)
    scoring_cached.current_analysis(touched)
    assert len(analyses) == 2


def test_groups_of_an_organization_share_its_settings_and_theme_names(org, group):
    """Read once per version of the organization: another group's analysis reads only its
    own rows (and the version's), until the settings change."""
    other = group_of(org, 3)
    scoring_cached.current_analysis(group)
    with CaptureQueriesContext(connection) as captured:
        scoring_cached.current_analysis(other)
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "planner_plannersettings" not in sql and '"content_theme"."name"' not in sql

    services.planner_settings_update(organization=org, roles=[], half_life_days=3)
    other.refresh_from_db()
    assert scoring_cached.current_analysis(other).settings.half_life_days == 3


@pytest.mark.parametrize("role", [Role.MARKETER, Role.SALES])
def test_a_cached_page_costs_the_same_queries_for_5_and_50_members(client, org, role):
    client.force_login(member(org, role, email=f"{role}@acme.test"))
    small, large = group_of(org, 5), group_of(org, 50)
    cached(client, small)
    cached(client, large)
    assert queries(client, small) == queries(client, large)


def test_the_page_works_when_the_cache_is_down(client, marketer, group, monkeypatch, analyses):
    client.force_login(marketer)

    class Down:
        def __getattr__(self, name):
            def down(*args, **kwargs):
                raise ConnectionError("cache down")

            return down

    monkeypatch.setattr(versions, "cache", Down())
    monkeypatch.setattr(scoring_cached, "cache", Down())
    for _ in range(3):
        assert "Person 00" in page(client, group)
    assert len(analyses) == 3  # computed every time
    services.stakeholder_create(group=group, email="zoe@customer.example", name="Zoe Quinn")
    assert "Zoe Quinn" in page(client, group)


def test_a_cached_analysis_from_other_code_is_computed_again(marketer, group, analyses):
    key = scoring_cached.analysis_key(group)
    cache.set(key, b"not a pickle")
    assert scoring_cached.current_analysis(group).map.group == group
    assert len(analyses) == 1


def test_an_analysis_made_during_a_write_is_not_reused_after_it_commits(
    group, analyses, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.stakeholder_create(group=group, email="zoe@customer.example", name="Zoe")
        # Stored while the write is in flight (another connection would read the old rows):
        scoring_cached.current_analysis(group)
    group.refresh_from_db()
    before = len(analyses)  # (the commit also had a snapshot taken: its own analysis)
    assert "zoe@customer.example" in scoring_cached.current_analysis(group).map.by_email
    assert len(analyses) == before + 1  # the token changed again on commit: analysed afresh


def test_an_evicted_version_is_a_new_version(group, analyses):
    scoring_cached.current_analysis(group)
    cache.delete(versions._group_key(group.pk))  # e.g. evicted by Redis
    scoring_cached.current_analysis(group)
    assert len(analyses) == 2


def test_a_deploy_that_changes_the_code_makes_every_version_new(group, monkeypatch):
    """An analysis or picture made by the code before a deploy is never shown after it."""
    before = versions.group_version(group)
    assert versions.group_version(group) == before  # stable while nothing changes
    monkeypatch.setattr(versions, "code_fingerprint", lambda: "another-release")

    assert versions.group_version(group) != before


def test_the_code_fingerprint_reads_the_rooms_source(tmp_path, settings):
    (tmp_path / "scoring").mkdir()
    (tmp_path / "scoring" / "core.py").write_text("A = 1\n")
    settings.BASE_DIR = tmp_path
    versions.code_fingerprint.cache_clear()
    try:
        first = versions.code_fingerprint()
        (tmp_path / "scoring" / "core.py").write_text("A = 2\n")
        versions.code_fingerprint.cache_clear()
        assert versions.code_fingerprint() != first
    finally:
        versions.code_fingerprint.cache_clear()
