"""Weighted betweenness of a relationship map: networkx's Brandes algorithm, step for step,
on lists instead of a networkx graph.

Why not `networkx.betweenness_centrality` itself: on a 500-member group it was a third of
the whole analysis (the uncached group page has a budget of one second at that size), and
most of that is networkx's generality: a weight function called for every edge looked at,
adjacency views. This is the same algorithm (Brandes 2001, Dijkstra for weighted ties),
visiting the same nodes in the same order, adding the same numbers in the same order, with
the same seeded choice of sources (Brandes and Pich's pivot sampling) and the same
rescaling: the results are equal to networkx's float for float
(`tests/scoring/core/test_betweenness.py` checks that on many maps). About three times faster.

Plain Python, no Django.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from heapq import heappop, heappush

# adjacency[i]: (j, length) for every tie of i, in the order networkx's graph would list
# them (the order the edges were added).
Adjacency = Sequence[Sequence[tuple[int, int]]]


def betweenness(
    adjacency: Adjacency, nodes: Sequence[int], *, k: int | None, seed: int
) -> dict[int, float]:
    """Normalised betweenness (endpoints excluded) of `nodes` (networkx's node order),
    from every node or, with `k`, from `k` sources sampled as networkx samples them with
    `seed`: `networkx.betweenness_centrality(g, k=k, weight=..., normalized=True,
    seed=seed)` on the graph `adjacency` describes."""
    result = dict.fromkeys(nodes, 0.0)
    if k == len(nodes):
        k = None
    sources = list(nodes) if k is None else random.Random(seed).sample(list(nodes), k)
    size = len(adjacency)
    for s in sources:
        order, preds, sigma = _paths(adjacency, s, size)
        _accumulate(result, order, preds, sigma, s)
    return _rescale(result, len(nodes), sampled=None if k is None else sources)


def _paths(adjacency: Adjacency, s: int, size: int):
    """Dijkstra from s: the nodes in the order they were settled, each node's predecessors
    on shortest paths and its number of shortest paths (networkx's
    `_single_source_dijkstra_path_basic`).

    networkx's heap holds (distance, push counter, ...): nodes leave it by distance, ties
    in push order. Lengths are whole numbers, so here the heap holds each distance once and
    a list per distance keeps its nodes in push order: the same order, fewer heap moves."""
    order: list[int] = []
    preds: list[list[int]] = [[] for _ in range(size)]
    sigma = [0.0] * size
    done = [False] * size
    seen: list[int | None] = [None] * size
    sigma[s] = 1.0
    seen[s] = 0
    waiting: dict[int, list[tuple[int, int]]] = {0: [(s, s)]}  # distance -> (pred, node)
    distances = [0]
    push, pop, settle, waiting_at = heappush, heappop, order.append, waiting.get
    while distances:
        dist = pop(distances)
        # Lengths are >= 0: a push at this very distance opens a new list, taken next,
        # after this one, as its later push counter would on networkx's heap.
        for pred, v in waiting.pop(dist):
            if done[v]:
                continue
            sigma[v] += sigma[pred]
            settle(v)
            done[v] = True
            for w, length in adjacency[v]:
                vw = dist + length
                known = seen[w]
                if not done[w] and (known is None or vw < known):
                    seen[w] = vw
                    found = waiting_at(vw)
                    if found is None:
                        waiting[vw] = [(v, w)]
                        push(distances, vw)
                    else:
                        found.append((v, w))
                    sigma[w] = 0.0
                    preds[w] = [v]
                elif vw == known:
                    sigma[w] += sigma[v]
                    preds[w].append(v)
    return order, preds, sigma


def _accumulate(result: dict[int, float], order, preds, sigma, s: int) -> None:
    """networkx's `_accumulate_basic`."""
    delta = [0] * len(sigma)
    while order:
        w = order.pop()
        coeff = (1 + delta[w]) / sigma[w]
        for v in preds[w]:
            delta[v] += sigma[v] * coeff
        if w != s:
            result[w] += delta[w]


def _rescale(result: dict[int, float], n: int, *, sampled) -> dict[int, float]:
    """networkx's `_rescale` for normalised, undirected, endpoints excluded."""
    big_n = n - 1
    if big_n < 2:
        return result
    if sampled is None:
        scale = 1 / (big_n * (big_n - 1))
        if scale != 1:
            for v in result:
                result[v] *= scale
        return result
    k = len(sampled)
    scale_source = 1 / ((k - 1) * (big_n - 1)) if k > 1 else math.nan
    scale_other = 1 / (k * (big_n - 1))
    chosen = set(sampled)
    for v in result:
        result[v] *= scale_source if v in chosen else scale_other
    return result
