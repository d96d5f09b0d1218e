"""The in-process memo in front of the analysis cache (scoring.memo, scoring.cached): a
view gets the analysis and what is derived from it without unpickling them again, a write
shows at once all the same, the memo stays within its bounds, and nothing a page does
changes what it hands out."""

import pytest
from django.core.cache import cache

from planner import services
from scoring import cached, versions
from scoring.memo import Memo
from tests.factories import group_of


@pytest.fixture
def loads(monkeypatch):
    """How many times a cached value is unpickled."""
    calls = []
    original = cached.loads

    def counted(data):
        calls.append(len(data))
        return original(data)

    monkeypatch.setattr(cached, "loads", counted)
    return calls


@pytest.fixture
def group(org):
    return group_of(org, 6)


def page(client, group) -> str:
    response = client.get(f"/groups/{group.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_view_reads_each_cached_value_once_per_process(client, marketer, group, loads):
    client.force_login(marketer)
    page(client, group)  # computes and stores
    page(client, group)  # reads the analysis, the plan, the pictures: once each
    read = len(loads)
    assert read > 0
    page(client, group)
    assert len(loads) == read  # the third view unpickles nothing


def test_a_write_shows_at_once(client, marketer, group):
    client.force_login(marketer)
    page(client, group)
    page(client, group)
    services.stakeholder_create(group=group, email="zoe@customer.example", name="Zoe Quinn")
    assert "Zoe Quinn" in page(client, group)


def test_another_process_sees_another_processes_write(marketer, group):
    """A write in another process bumps the version in the shared cache: the key changes,
    so this process's memo is never asked for the old value."""
    before = cached.current_analysis(group)
    cached.current_analysis(group)  # in the memo now
    key = cached.analysis_key(group)
    cache.delete(key)  # as if only the shared cache knew better...
    cache.set(versions._group_key(group.pk), "a-token-from-another-process")
    assert cached.analysis_key(group) != key
    after = cached.current_analysis(group)
    assert after.cache_key != before.cache_key


def test_the_page_changes_nothing_it_is_handed(client, marketer, group):
    client.force_login(marketer)
    page(client, group)
    page(client, group)
    kept = {key: cached.dumps(value) for key, (value, _) in cached.memo._entries.items()}
    assert any(key.endswith(":svg:heatmap") for key in kept)
    for _ in range(2):
        page(client, group)
        client.get(f"/groups/{group.pk}/?relationships=all", headers={"HX-Request": "true"})
        client.get(f"/groups/{group.pk}/people/")
        client.get(f"/groups/{group.pk}/suggestions/")
    for key, data in kept.items():
        value = cached.memo.get(key)
        if value is not None:
            assert cached.dumps(value) == data, key


def test_the_memo_keeps_the_most_recently_used_within_its_bounds():
    memo = Memo(max_entries=3, max_bytes=100)
    for name in "abc":
        memo.put(name, name.upper(), 10)
    assert memo.get("a") == "A"  # a is now the most recent
    memo.put("d", "D", 10)
    assert memo.get("b") is None  # the least recently used left
    assert [memo.get(name) for name in "acd"] == ["A", "C", "D"]
    assert len(memo) == 3 and memo.size == 30

    memo.put("big", "BIG", 80)  # 110 bytes: the oldest (a) leaves, then it fits
    assert memo.size == 100
    assert memo.get("a") is None
    assert [memo.get(name) for name in ("c", "d", "big")] == ["C", "D", "BIG"]

    memo.put("huge", "HUGE", 101)  # bigger than the whole memo: not kept
    assert memo.get("huge") is None and memo.get("big") == "BIG"

    memo.put("big", "BIGGER", 20)  # the same key again replaces it
    assert memo.get("big") == "BIGGER" and memo.size == 40
    memo.clear()
    assert len(memo) == 0 and memo.size == 0
