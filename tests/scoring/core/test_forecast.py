"""The consensus forecast (Friedkin-Johnsen social influence on the stories members heard)."""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring.core.divergence import Member, divergence
from scoring.core.forecast import (
    Group,
    Model,
    Parameters,
    Send,
    first_recipients,
    forecast,
    listening,
    openness,
)
from scoring.core.graph import Person, Tie

THEMES = ["cost", "security", "uptime", "roi", "compliance"]
STANCES = ["supporter", "neutral", "skeptic", "unknown"]
KINDS = ["influences", "reports_to", "collaborates", "conflicts_with"]
FAST = settings(max_examples=40, deadline=None)
CLOSED = Parameters(stance_openness=dict.fromkeys(STANCES, 0.0), unknown_openness=0.0)

mixes = st.dictionaries(
    st.sampled_from(THEMES), st.floats(min_value=0.05, max_value=5), min_size=1, max_size=3
)


@st.composite
def groups(draw, *, min_size=2, max_size=8, ties=True):
    n = draw(st.integers(min_size, max_size))
    keys = [f"p{i}" for i in range(n)]
    people = tuple(
        Person(
            key=k,
            influence=draw(st.integers(1, 5)),
            role=draw(st.sampled_from(["Champion", "Blocker", "Other", "Decision Maker"])),
            stance=draw(st.sampled_from(STANCES)),
        )
        for k in keys
    )
    exposures = {k: draw(mixes) for k in keys if draw(st.booleans()) or k == "p0"}
    links = ()
    if ties:
        links = tuple(
            Tie(source=a, target=b, kind=draw(st.sampled_from(KINDS)), strength=s)
            for a, b, s in draw(
                st.lists(
                    st.tuples(st.sampled_from(keys), st.sampled_from(keys), st.integers(1, 5)),
                    max_size=2 * n,
                )
            )
            if a != b
        )
    mass = {k: draw(st.floats(min_value=0.5, max_value=10)) for k in exposures}
    return Group(people=people, ties=links, exposures=exposures, mass=mass)


def today(group: Group) -> float:
    return divergence(
        [Member(p.key, p.influence, group.exposures.get(p.key, {})) for p in group.people]
    ).score


def sends(group: Group):
    keys = [p.key for p in group.people]
    return st.one_of(
        st.none(),
        st.builds(Send, themes=mixes, recipients=st.lists(st.sampled_from(keys), max_size=3)),
    )


@FAST
@given(data=st.data())
def test_every_forecast_mix_stays_a_distribution(data):
    group = data.draw(groups())
    result = forecast(group, weeks=data.draw(st.integers(0, 15)), send=data.draw(sends(group)))
    for mix in result.mixes.values():
        assert not mix or math.isclose(sum(mix.values()), 1.0, abs_tol=1e-9)
        assert all(v > 0 for v in mix.values())
    assert len(result.trajectory) == result.weeks + 1
    assert all(0.0 <= v <= 1.0 for v in (*result.trajectory, result.steady))


@FAST
@given(group=groups(ties=False), weeks=st.integers(0, 20))
def test_no_relationships_means_no_change(group, weeks):
    result = forecast(group, weeks=weeks)
    assert result.trajectory == pytest.approx([today(group)] * (weeks + 1), abs=1e-9)
    assert result.steady == pytest.approx(today(group), abs=1e-9)
    for key, mix in result.mixes.items():
        assert dict(mix) == pytest.approx(_shares(group.exposures.get(key, {})), abs=1e-9)


@FAST
@given(group=groups(), weeks=st.integers(0, 20))
def test_nobody_open_means_no_change(group, weeks):
    result = forecast(group, weeks=weeks, parameters=CLOSED)
    assert set(result.openness.values()) <= {0.0}
    assert result.trajectory == pytest.approx([today(group)] * (weeks + 1), abs=1e-9)
    assert result.steady == pytest.approx(today(group), abs=1e-9)


@FAST
@given(data=st.data())
def test_a_connected_open_group_ends_closer_than_it_started(data):
    n = data.draw(st.integers(2, 7))
    keys = [f"p{i}" for i in range(n)]
    people = tuple(Person(key=k, influence=3, stance="neutral") for k in keys)
    ring = [Tie(keys[i], keys[(i + 1) % n], "collaborates", 3) for i in range(n)]
    exposures = {k: data.draw(mixes) for k in keys}
    distinct = {tuple(sorted(_shares(m).items())) for m in exposures.values()}
    assume(len(distinct) > 1)
    group = Group(people=people, ties=tuple(ring), exposures=exposures)
    result = forecast(group, weeks=12)
    start = today(group)
    assume(start > 1e-6)
    assert result.divergence < start
    assert result.steady < start


@FAST
@given(data=st.data())
def test_ranking_single_first_recipients_equals_forecasting_each_send(data):
    group = data.draw(groups())
    themes = data.draw(mixes)
    weeks = data.draw(st.integers(0, 12))
    model = Model(group)
    ranked = model.first_recipients(themes, weeks=weeks)
    assert [r.divergence for r in ranked] == sorted(r.divergence for r in ranked)
    for r in ranked:
        alone = model.forecast(weeks=weeks, send=Send(themes=themes, recipients=(r.key,)))
        assert r.divergence == pytest.approx(alone.divergence, abs=1e-9)


@FAST
@given(data=st.data())
def test_asking_a_model_again_with_other_candidates_gives_what_a_new_model_gives(data):
    group = data.draw(groups())
    themes = data.draw(mixes)
    keys = [p.key for p in group.people]
    some = data.draw(st.lists(st.sampled_from(keys), unique=True))
    model = Model(group)
    model.first_recipients(themes, candidates=some)  # scored and kept for these people
    assert model.first_recipients(themes) == Model(group).first_recipients(themes)
    assert model.first_recipients(themes, candidates=some) == Model(group).first_recipients(
        themes, candidates=some
    )


def test_steady_state_is_the_closed_form_and_the_iteration_reaches_it():
    group = Group(
        people=(Person("a", 5, stance="supporter"), Person("b", 3, stance="neutral")),
        ties=(Tie("a", "b", "collaborates", 3),),
        exposures={"a": {"cost": 1.0}, "b": {"security": 1.0}},
    )
    model = Model(group)
    closed = model.steady_state(model.x0)
    x = model.x0
    for _ in range(200):
        x = model.step(x, model.x0)
    assert np.allclose(x, closed)
    result = model.forecast(weeks=200)
    assert result.divergence == pytest.approx(result.steady, abs=1e-12)


def test_who_listens_to_whom():
    people = [Person(k, 3) for k in "abcde"]
    w = listening(
        people,
        [
            Tie("a", "b", "influences", 3),  # b hears a
            Tie("c", "d", "reports_to", 3),  # c hears d
            Tie("d", "e", "collaborates", 3),  # both
            Tie("a", "e", "conflicts_with", 5),  # nothing
        ],
    )
    assert w[1, 0] == 1.0
    assert w[2, 3] == 1.0
    assert w[3, 4] == 1.0 and w[4, 3] == 1.0
    assert w[0].sum() == 0.0  # a listens to nobody


def test_openness_by_stance_and_role_and_zero_for_someone_who_listens_to_nobody():
    assert openness(Person("a", 3, "Other", "neutral"), listens=True) == 0.6
    assert openness(Person("a", 3, "Blocker", "skeptic"), listens=True) == pytest.approx(0.15)
    assert openness(Person("a", 3, "Champion", "neutral"), listens=False) == 0.0


def test_someone_who_heard_nothing_takes_what_they_hear():
    group = Group(
        people=(Person("a", 3), Person("b", 3)),
        ties=(Tie("a", "b", "influences", 3),),
        exposures={"a": {"cost": 1.0}},
    )
    result = forecast(group, weeks=3)
    assert dict(result.mixes["b"]) == {"cost": 1.0}
    assert result.trajectory[0] == 0.5  # b, half the influence, is unaligned today
    assert result.divergence == 0.0


def test_telling_the_two_leaders_of_the_karate_club_moves_the_forecast_more():
    """Zachary's karate club (1977): Mr. Hi (0) and the Officer (33) lead the two sides."""
    club = nx.karate_club_graph()
    people = tuple(Person(key=str(n), influence=3, stance="neutral") for n in club.nodes)
    ties = tuple(
        Tie(str(a), str(b), "collaborates", min(5, int(d.get("weight", 3))))
        for a, b, d in club.edges(data=True)
    )
    exposures = {
        str(n): {"cost": 1.0} if club.nodes[n]["club"] == "Mr. Hi" else {"security": 1.0}
        for n in club.nodes
    }
    group = Group(people=people, ties=ties, exposures=exposures)
    model = Model(group)
    shared = {"cost": 1.0, "security": 1.0}  # a shared-problem asset that speaks to both sides
    nothing = model.forecast(weeks=12).divergence
    leaders = model.forecast(weeks=12, send=Send(themes=shared, recipients=("0", "33")))
    degree = dict(club.degree)
    edge = tuple(str(n) for n in sorted(club.nodes, key=lambda n: (degree[n], n))[:2])
    peripheral = model.forecast(weeks=12, send=Send(themes=shared, recipients=edge))
    assert edge == ("11", "9")  # one tie each
    assert nothing - leaders.divergence > 2 * abs(nothing - peripheral.divergence)
    assert nothing - leaders.divergence > 0.01
    best = first_recipients(group, shared)[:2]
    assert {r.key for r in best} == {"0", "33"}


def _shares(weights):
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()} if total else {}
