"""An uncached group page writes what it computed and caches (the analysis, the plan, the
pictures...) in one round trip at its end (`scoring.cached.writes_together`), not one per
value; until then it reads them back from the block; the next view finds them all."""

import pytest
from django.core.cache import cache

from scoring import cached as scoring_cached
from scoring import versions
from tests.scoring.cached_page import page


class Counting:
    """The cache `scoring.cached` writes to, its writes counted."""

    def __init__(self, monkeypatch):
        self.sets, self.set_manys = [], []
        monkeypatch.setattr(scoring_cached, "cache", self)

    def get(self, key, *args, **kwargs):
        return cache.get(key, *args, **kwargs)

    def set(self, key, value, *args, **kwargs):
        self.sets.append(key)
        return cache.set(key, value, *args, **kwargs)

    def set_many(self, values, *args, **kwargs):
        self.set_manys.append(sorted(values))
        return cache.set_many(values, *args, **kwargs)


def test_inside_the_block_values_wait_and_are_read_back(monkeypatch):
    counting = Counting(monkeypatch)
    computed = []

    def compute():
        computed.append(1)
        return {"answer": 42}

    with scoring_cached.writes_together():
        assert scoring_cached._kept("test-key:a", compute) == {"answer": 42}
        assert scoring_cached._kept("test-key:a", compute) == {"answer": 42}  # not again
        with scoring_cached.writes_together():  # an inner block writes with the outer
            scoring_cached._kept("test-key:b", lambda: "b")
        assert counting.sets == [] and counting.set_manys == []
    assert computed == [1]
    assert counting.set_manys == [["test-key:a", "test-key:b"]]
    assert scoring_cached.loads(cache.get("test-key:a")) == {"answer": 42}
    scoring_cached._kept("test-key:c", lambda: "c")  # outside a block: written at once
    assert counting.sets == ["test-key:c"]


def test_an_uncached_page_writes_its_values_in_one_round_trip(client, marketer, group, monkeypatch):
    client.force_login(marketer)
    page(client, group)
    versions.bump_group(group.pk)  # as after a write
    counting = Counting(monkeypatch)
    page(client, group)
    assert len(counting.set_manys) == 1
    written = counting.set_manys[0]
    assert len(written) >= 5  # the analysis and what the page derived from it
    assert not any(key.startswith(scoring_cached.PREFIX) for key in counting.sets)

    monkeypatch.setattr(scoring_cached, "analyze", pytest.fail)  # all of it is cached now
    assert page(client, group)


def test_a_cache_that_fails_at_the_end_leaves_the_page_as_it_is(
    client, marketer, group, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise ConnectionError("the cache went away")

    client.force_login(marketer)
    monkeypatch.setattr(Counting(monkeypatch), "set_many", broken)
    assert "Consensus readiness" in page(client, group)
    assert "could not cache analyses" in caplog.text
