"""The analysis cache on a real Redis: the group page, the suggestions page and a kit draft
share one analysis stored there (pickled, read back equal), and a write makes a new one."""

import pytest
from django.core.cache import cache

from kits import services as kit_services
from planner import services
from scoring import analysis as scoring_analysis
from scoring import cached as scoring_cached

pytestmark = pytest.mark.integration


@pytest.fixture
def analyses(monkeypatch):
    calls = []
    original = scoring_analysis.analyze

    def counted(group, **kwargs):
        calls.append(group.pk)
        return original(group, **kwargs)

    monkeypatch.setattr(scoring_cached, "analyze", counted)
    return calls


def test_one_analysis_in_redis_serves_the_pages_until_a_write(
    redis_cache, client, marketer, group, analyses
):
    client.force_login(marketer)
    assert client.get(f"/groups/{group.pk}/").status_code == 200
    assert client.get(f"/groups/{group.pk}/suggestions/").status_code == 200
    group.refresh_from_db()
    draft = kit_services.draft(group)
    assert draft["problem_statement"]
    assert analyses == [group.pk]

    stored = cache.get(scoring_cached.analysis_key(group))
    assert isinstance(stored, bytes)  # the pickled analysis, in Redis
    again = scoring_cached.loads(stored)
    fresh = scoring_analysis.analyze(group, as_of=again.as_of)
    assert again.document() == fresh.document()

    services.stakeholder_create(group=group, email="zoe@customer.example", name="Zoe Quinn")
    page = client.get(f"/groups/{group.pk}/").content.decode()
    assert "Zoe Quinn" in page
    assert analyses == [group.pk, group.pk]
