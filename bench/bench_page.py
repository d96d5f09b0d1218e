"""The group page with 50 members: within 3x a bare Django page, constant query count.

Runs in a child process on a scratch SQLite database (production-like settings: DEBUG
off) with the in-process cache and, when `BENCH_POSTGRES_URL` is set, again on that
PostgreSQL database with `BENCH_REDIS_URL` (if set) as the cache, as CI runs. Seeds an
organization, a signed-in marketer, a 50-member group (150 ties, 2,000 touches, weekly
snapshots) and a 5-member group. Through django.test.Client and the
full middleware stack it measures the median of GET /groups/<id>/ against a bare view
defined here (`Organization.objects.count()` in an HttpResponse), served by the same
stack via this module as ROOT_URLCONF (config.urls plus /bench/bare/), the two timed side
by side (`bench.results.medians_side_by_side`). Query counts come
from CaptureQueriesContext. When the page misses its goal, a cProfile of it goes to stderr.

The group's analysis, and what is derived from it (the plan, the forecast, the map and
the heatmap), is computed once per version of the group and cached (`scoring.cached`);
the page itself is rendered on every view, like any Django page. So the headline numbers
are the page as most views get it (the analysis cached, the page rendered); the query
count at 5 vs 50 members is taken on the first GET (everything computed) and again with
the analysis cached; and the uncached page (the group's version bumped before every GET,
as after each write) is reported next to them, for 50 and 5 members. At 50 members it is
held to issue 14's 40 ms as the ratio to the bare page that budget was written at (25x,
`bench.results.UNCACHED_PAGE`), timed side by side with the bare page.

Beside them, the floor of any group page (/bench/floor/<id>/: the group looked up for
the member through `planner.access`, and an empty page on base.html with its header and
menu), so the ratio the page is held to can be read against what a page costs before it
shows anything.
"""

from __future__ import annotations

import cProfile
import functools
import io
import os
import pstats
import sys
from datetime import timedelta

from bench.children import (
    log,
    run_on_both,
    seed_group,
    seed_library,
    seed_organization,
    settle_database,
    setup_django,
)
from bench.group_spec import group_spec
from bench.results import UNCACHED_PAGE, Result, median_ms, medians_side_by_side, within_budget

GOAL_RATIO = 3.0
BARE_PATH = "bench/bare/"
FLOOR_PATH = "bench/floor/"
FLOOR_TEMPLATE = (
    '{% extends "base.html" %}{% block content %}<h1>{{ group.name }}</h1>{% endblock %}'
)
SNAPSHOT_WEEKS = 8

_urlpatterns: list | None = None


def bare_view(request):
    from django.http import HttpResponse

    from accounts.models import Organization

    return HttpResponse(f"{Organization.objects.count()} organizations")


def floor_view(request, pk: int):
    """What any group page pays before showing anything: the group looked up for the
    signed-in member (`planner.access`) and an empty page on base.html (header, menu)."""
    from django.http import HttpResponse

    from planner.access import get_group_for_user

    group = get_group_for_user(request, pk)
    return HttpResponse(_floor_template().render({"group": group}, request))


@functools.cache
def _floor_template():
    from django.template import engines

    return engines["django"].from_string(FLOOR_TEMPLATE)


def __getattr__(name: str):
    """`urlpatterns`, built on first use: this module is the bench's ROOT_URLCONF, and is
    imported before Django is set up (where config.urls cannot be imported yet)."""
    global _urlpatterns
    if name != "urlpatterns":
        raise AttributeError(name)
    if _urlpatterns is None:
        from django.urls import path

        import config.urls

        _urlpatterns = [
            path(BARE_PATH, bare_view, name="bench_bare"),
            path(f"{FLOOR_PATH}<int:pk>/", floor_view, name="bench_floor"),
            *config.urls.urlpatterns,
        ]
    return _urlpatterns


def _seed():
    from django.utils import timezone

    from accounts.models import Membership, User
    from accounts.roles import Role
    from scoring.snapshots import snapshot_take

    organization = seed_organization(f"bench-page-{os.getpid()}")  # a shared PostgreSQL too
    seed_library(organization)  # so the page suggests and forecasts, as for a real team
    email = f"marketer-{os.getpid()}@bench.example"
    user = User.objects.create_user(email, "not-used-password-1", name="M")
    Membership.objects.create(user=user, organization=organization, role=Role.MARKETER)
    now = timezone.now()
    groups = {}
    for size, ties, touches in ((50, 150, 2_000), (5, 6, 200)):
        spec = group_spec(members=size, ties=ties, touches=touches, end=now, seed=size)
        group = seed_group(organization, spec, name=f"Group of {size}")
        for weeks in range(SNAPSHOT_WEEKS, 0, -1):  # the trend line and "what changed"
            snapshot_take(group=group, now=now - timedelta(weeks=weeks))
        groups[size] = group
    return user, groups


def _profile(client, url: str, runs: int = 20) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"--- cProfile of {runs} GETs of {url}, by cumulative time ---\n")
    stats.sort_stats("cumulative").print_stats(45)
    out.write("--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


def _child() -> list[dict]:
    setup_django()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from scoring.versions import bump_group

    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    user, groups = _seed()
    settle_database()
    log(f"page: seeded a 50-member and a 5-member group on {engine}")
    client = Client()
    client.force_login(user)

    with override_settings(ROOT_URLCONF="bench.bench_page"):
        urls = {size: reverse("group_detail", args=[g.pk]) for size, g in groups.items()}
        bare = "/" + BARE_PATH

        def get(url: str):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            return response

        queries, cached_queries = {}, {}
        for url in urls.values():  # warm (content types, sessions, templates, and what a
            get(url)  # process reads once for good, such as last week's snapshot document)
        for size, url in urls.items():
            bump_group(groups[size].pk)
            with CaptureQueriesContext(connection) as captured:
                get(url)  # everything computed, and cached
            queries[size] = len(captured.captured_queries)
            with CaptureQueriesContext(connection) as captured:
                get(url)  # the analysis cached
            cached_queries[size] = len(captured.captured_queries)
        with CaptureQueriesContext(connection) as captured:
            get(bare)
        bare_queries = len(captured.captured_queries)

        # The goal's two pages timed side by side (bench.results.medians_side_by_side)
        page, reference = medians_side_by_side(
            lambda: get(urls[50]), lambda: get(bare), rounds=10, runs=4, baseline_runs=30
        )
        page5 = median_ms(lambda: get(urls[5]), runs=40, warmup=5)
        floor = median_ms(lambda: get(f"/{FLOOR_PATH}{groups[50].pk}/"), runs=200, warmup=20)

        def bump(size: int):
            """The write before an uncached GET: its version bump (timed with the write)."""
            return functools.partial(bump_group, groups[size].pk)

        # The GET after a write, timed side by side with the bare page, as its budget is a
        # ratio to it (`bench.results.Budget`)
        cold, cold_bare = medians_side_by_side(
            lambda: get(urls[50]), lambda: get(bare), rounds=5, runs=3, before=bump(50)
        )
        cold5 = median_ms(lambda: get(urls[5]), runs=15, warmup=3, before=bump(5))
        log(
            f"page ({engine}): 50 members {page:.1f} ms, 5 members {page5:.1f} ms, bare "
            f"{reference:.2f} ms ({bare_queries} queries incl. session, user and membership), "
            f"floor {floor:.2f} ms; "
            f"uncached: 50 members {cold:.1f} ms (bare beside it {cold_bare:.2f} ms, "
            f"{cold / cold_bare:.1f}x), 5 members {cold5:.1f} ms; queries uncached "
            f"{queries[50]}/{queries[5]}, analysis cached {cached_queries[50]}/{cached_queries[5]}"
        )
        if page > GOAL_RATIO * reference:
            print(_profile(client, urls[50]), file=sys.stderr, flush=True)

    return [
        {
            "name": f"page: group page (50 members), analysis cached, page rendered, vs bare page "
            f"(1 query + same middleware) ({engine})",
            "value": page,
            "unit": "ms",
            "goal": f"<= {GOAL_RATIO:g}x",
            "baseline": reference,
            "ok": page <= GOAL_RATIO * reference,
        },
        {
            "name": f"page: floor of any group page (the group looked up, an empty page on "
            f"base.html) vs bare page ({engine})",
            "value": floor,
            "unit": "ms",
            "goal": "report",
            "baseline": reference,
            "ok": True,
        },
        {
            "name": f"page: group page (5 members), analysis cached, vs bare page ({engine})",
            "value": page5,
            "unit": "ms",
            "goal": "report",
            "baseline": reference,
            "ok": True,
        },
        {
            "name": f"page: group page queries at 5 vs 50 members, uncached ({engine})",
            "value": queries[50],
            "unit": "queries",
            "goal": "equal",
            "baseline": queries[5],
            "ok": queries[50] == queries[5],
        },
        {
            "name": f"page: group page queries at 5 vs 50 members, analysis cached ({engine})",
            "value": cached_queries[50],
            "unit": "queries",
            "goal": "equal",
            "baseline": cached_queries[5],
            "ok": cached_queries[50] == cached_queries[5],
        },
        within_budget(
            f"page: group page (50 members) UNCACHED, as after every write "
            f"(version bumped before each GET) vs bare page beside it ({engine})",
            cold,
            cold_bare,
            UNCACHED_PAGE[50],
        ),
        {
            "name": f"page: group page (5 members) UNCACHED vs bare page ({engine})",
            "value": cold5,
            "unit": "ms",
            "goal": "report",
            "baseline": reference,
            "ok": True,
        },
    ]


def run() -> list[Result]:
    return run_on_both("bench.bench_page", timeout=300)


if __name__ == "__main__":
    from bench.children import child_main

    sys.exit(child_main(sys.argv[1:], _child))
