"""The faster paths of the analysis give exactly what the plain ones give: TouchEvent.trusted,
recent_activity, pairwise_divergences, touch_history reading JSON and datetimes as text, the
betweenness work arrays, map routing; and snapshot_take outside a transaction."""

import math
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType

import pytest
from django.db import connection, transaction
from django.db.models import JSONField, Value
from hypothesis import given, settings
from hypothesis import strategies as st

from content.models import Asset
from planner.models import Stakeholder, Touch
from scoring.analysis import touch_history
from scoring.core.divergence import pairwise_divergence, pairwise_divergences
from scoring.core.exposure import (
    TouchEvent,
    read_only_weights,
    recent_activity,
    tailoring_index,
)
from scoring.core.graph import Person, Tie, analyze_graph
from scoring.models import Snapshot
from scoring.snapshots import snapshot_take
from tests.factories import group_of
from workspace.map_edges import _control, _Obstacles

AS_OF = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
KEYS = ["ana", "bo", "cy", "di"]
THEMES = ["roi", "security", "uptime", "compliance"]
weights = st.dictionaries(
    st.sampled_from(THEMES),
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-3, max_value=5),
    ),
    max_size=4,
)
events = st.lists(
    st.builds(
        lambda key, days, themes, message: TouchEvent(
            key=key, occurred_at=AS_OF - timedelta(days=days), themes=themes, message_id=message
        ),
        st.sampled_from(KEYS),
        st.floats(min_value=-10, max_value=400),
        weights,
        st.one_of(st.none(), st.sampled_from(["m1", "m2", "m3"])),
    ),
    max_size=30,
)


# --- TouchEvent -----------------------------------------------------------------------------


def test_the_constructor_still_checks_everything():
    with pytest.raises(ValueError, match="timezone-aware"):
        TouchEvent(key="ana", occurred_at=datetime(2026, 1, 1), themes={})
    with pytest.raises(TypeError):
        TouchEvent(key="ana", occurred_at="2026-01-01", themes={})
    event = TouchEvent(
        key="ana",
        occurred_at=datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=2))),
        themes={"roi": 2, "bad": -1, "nan": math.nan, "inf": math.inf},
    )
    assert dict(event.themes) == {"roi": 2.0} and isinstance(event.themes["roi"], float)
    with pytest.raises(TypeError):
        event.themes["roi"] = 3  # read-only
    with pytest.raises(AttributeError):
        event.key = "bo"  # frozen


@given(weights)
def test_trusted_events_equal_checked_ones(themes):
    checked = TouchEvent("ana", AS_OF, themes, "m1")
    trusted = TouchEvent.trusted("ana", AS_OF, read_only_weights(themes), "m1")
    assert trusted == checked and repr(trusted) == repr(checked)
    assert isinstance(trusted.themes, MappingProxyType)


# --- recent_activity, pairwise_divergences --------------------------------------------------


@settings(max_examples=200)
@given(events, st.floats(min_value=0, max_value=60))
def test_recent_activity_is_the_tailoring_index_and_who_was_touched(touches, window):
    tailoring, keys = recent_activity(touches, as_of=AS_OF, window_days=window)
    assert tailoring == tailoring_index(touches, as_of=AS_OF, window_days=window)
    assert keys == frozenset(
        t.key for t in touches if 0 <= (AS_OF - t.occurred_at).total_seconds() <= window * 86_400.0
    )


# Many themes: a pair's value must not depend on the other pairs' themes in the batch
# (numpy's pairwise summation over a wider row once changed the last digit).
many_theme_weights = st.dictionaries(
    st.sampled_from([f"theme-{n}" for n in range(18)]),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    max_size=18,
)


@settings(max_examples=300)
@given(
    st.dictionaries(st.sampled_from(KEYS), st.one_of(weights, many_theme_weights), max_size=4),
    st.lists(st.tuples(st.sampled_from([*KEYS, "eve"]), st.sampled_from(KEYS)), max_size=12),
)
def test_pairwise_divergences_equal_one_pair_at_a_time(distributions, pairs):
    expected = {}
    for a, b in pairs:
        expected[(a, b)] = pairwise_divergence(distributions.get(a, {}), distributions.get(b, {}))
    result = pairwise_divergences(distributions, pairs)
    assert list(result) == list(expected)
    for pair, value in expected.items():
        assert result[pair] == value or (math.isnan(value) and math.isnan(result[pair]))


# --- touch_history reads JSON and datetimes as text -----------------------------------------


def _reference_history(group, as_of, emails):
    """What touch_history built before: the ORM's decoded JSON and datetimes."""
    rows = Touch.objects.filter(group=group, occurred_at__lte=as_of).values_list(
        "stakeholder_id", "occurred_at", "themes", "asset__themes", "message_key", "pk"
    )
    return [
        TouchEvent(
            key=emails[sid],
            occurred_at=at,
            themes=themes or asset_themes or {},
            message_id=key or f"touch-{pk}",
        )
        for sid, at, themes, asset_themes, key, pk in rows
        if sid in emails
    ]


def test_touch_history_reads_what_the_orm_reads(org, group):
    people = list(Stakeholder.objects.filter(group=group).order_by("name"))
    asset = Asset.objects.create(
        organization=org, slug="a", title="A", themes={"security": 2, "roi": 1}
    )
    empty_asset = Asset.objects.create(organization=org, slug="b", title="B", themes={})
    cases = [
        ({"roi": 1}, None),
        ({"roi": 1.5, "uptime": 2}, asset),
        ({}, asset),  # empty themes: the asset's
        (Value(None, JSONField()), asset),  # JSON null: the asset's
        ({"bad": -1}, asset),  # given, but unusable: not the asset's
        ({"big": 1e308, "zero": 0, "minus": -2.5}, None),
        ({}, empty_asset),
        ({}, None),
        ([1, 2], None),  # not an object: no theme (as a checked TouchEvent would refuse)
    ]
    when = AS_OF - timedelta(days=3, microseconds=123)
    for i, (themes, with_asset) in enumerate(cases):
        Touch.objects.create(
            group=group,
            stakeholder=people[i % len(people)],
            occurred_at=when - timedelta(hours=i),
            themes=themes,
            asset=with_asset,
            message_key="shared" if i % 3 == 0 else "",
        )
    Touch.objects.create(
        group=group, stakeholder=people[0], occurred_at=AS_OF + timedelta(days=1), themes={"x": 1}
    )
    emails = {p.pk: p.email for p in people}
    with pytest.raises(AttributeError):  # a list has no items(): as before
        touch_history(group, as_of=AS_OF, emails=emails)
    with pytest.raises(AttributeError):
        _reference_history(group, AS_OF, emails)
    Touch.objects.filter(themes=[1, 2]).delete()
    history = touch_history(group, as_of=AS_OF, emails=emails)
    expected = _reference_history(group, AS_OF, emails)
    assert sorted(history.events, key=repr) == sorted(expected, key=repr)
    assert all(e.occurred_at.tzinfo is UTC for e in history.events)
    assert {e.occurred_at for e in history.events} == {e.occurred_at for e in expected}


# --- graph and map --------------------------------------------------------------------------


def test_betweenness_is_networkx_exactly_up_to_64_people_and_estimated_beyond():
    """Up to 64 linked people betweenness is networkx's exact value; beyond, an estimate
    from 64 sampled sources that still finds the same people on top."""
    import networkx as nx

    for size in (5, 64, 65, 300):
        keys = [f"p{i:03d}" for i in range(size)]
        ties = [
            Tie(keys[i], keys[(i * 7 + 3) % size], "collaborates", 1 + i % 5) for i in range(size)
        ]
        ties += [Tie(keys[i], keys[i + 1], "reports_to", 3) for i in range(0, size - 1, 2)]
        insights = analyze_graph([Person(k, 3) for k in keys], ties)
        graph = nx.Graph()
        for tie in ties:
            if tie.source != tie.target:
                length = 60 // tie.strength
                old = graph.get_edge_data(tie.source, tie.target, {}).get("length", length)
                graph.add_edge(tie.source, tie.target, length=min(old, length))
        expected = nx.betweenness_centrality(graph, weight="length", normalized=True)
        # networkx normalises by the nodes it knows; analyze_graph by everyone
        known = graph.number_of_nodes()
        exact = {
            key: expected.get(key, 0.0) * (known - 1) * (known - 2) / ((size - 1) * (size - 2))
            for key in keys
        }
        if size <= 64:
            assert dict(insights.betweenness) == pytest.approx(exact, abs=1e-8)
            continue
        top = max(exact, key=exact.get)
        estimated = sorted(keys, key=lambda k: -insights.betweenness[k])
        assert top in estimated[:5]


def test_routing_checks_several_bends_as_one_at_a_time_would():
    import numpy as np

    circles = np.array([(100.0, 100.0, 12.0), (200.0, 140.0, 20.0), (150.0, 60.0, 8.0)])
    labels = np.array([(80.0, 115.0, 120.0, 135.0), (170.0, 165.0, 230.0, 185.0)])
    obstacles = _Obstacles(circles, labels, 400.0, 300.0)
    skip = np.array([False, False, True])
    bends = (0.0, 0.12, -0.12, 0.22, -0.22, 0.34, -0.34, 2.5)
    for a, b in [((20.0, 20.0), (380.0, 280.0)), ((100.0, 100.0), (200.0, 140.0))]:
        together = obstacles.hits_many(a, b, bends, skip)
        for bend, hits in zip(bends, together, strict=True):
            assert hits == _one_bend(obstacles, a, b, bend, skip)


def _one_bend(obstacles, a, b, bend, skip):
    """The routing check as it was written before, one bend at a time."""
    import numpy as np

    cx, cy = _control(a, b, bend)
    t = np.linspace(0.1, 0.9, 17)
    u = 1 - t
    px = u * u * a[0] + 2 * u * t * cx + t * t * b[0]
    py = u * u * a[1] + 2 * u * t * cy + t * t * b[1]
    width, height = obstacles.width, obstacles.height
    if px.min() < 2 or py.min() < 2 or px.max() > width - 2 or py.max() > height - 2:
        return None
    c = obstacles.circles
    dist = (px[:, None] - c[None, :, 0]) ** 2 + (py[:, None] - c[None, :, 1]) ** 2
    nodes = ((dist < (c[None, :, 2] + 3) ** 2).any(axis=0) & ~skip).sum()
    box = obstacles.labels
    inside = (
        (px[:, None] > box[None, :, 0])
        & (px[:, None] < box[None, :, 2])
        & (py[:, None] > box[None, :, 1])
        & (py[:, None] < box[None, :, 3])
    )
    return int(nodes), int(inside.any(axis=0).sum())


# --- snapshot_take outside a transaction ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_snapshot_take_outside_a_transaction_reads_then_writes_briefly(org):
    group = group_of(org, 4)
    assert not connection.in_atomic_block
    first = snapshot_take(group=group)
    assert first is not None
    assert not connection.in_atomic_block
    assert not getattr(connection.connection, "in_transaction", False)  # nothing left open
    assert snapshot_take(group=group) is None  # the same day, the same scores: stored once
    assert Snapshot.objects.filter(group=group).count() == 1


@pytest.mark.django_db(transaction=True)
def test_snapshot_take_leaves_no_transaction_open_when_the_analysis_fails(org, monkeypatch):
    group = group_of(org, 3)

    def broken(*args, **kwargs):
        raise RuntimeError("analysis failed")

    monkeypatch.setattr("scoring.cached.analyze", broken)  # snapshot_take without `now`
    with pytest.raises(RuntimeError):
        snapshot_take(group=group)
    assert not getattr(connection.connection, "in_transaction", False)
    with transaction.atomic():  # the connection is still usable for writes
        Stakeholder.objects.filter(group=group).update(title="still works")
