"""What the group page reads of the group's organization alone (the content library: the
suggestions' candidates and the touch form's asset options) is read once per version of
the organization, not again after every write to one of its groups; a change to the
library still shows on the next view."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import Asset
from planner import services
from planner.models import Stakeholder
from scoring import cached as scoring_cached
from tests.scoring.cached_page import cached, page

LIBRARY = '"content_asset"."stage" AS "stage"'  # only the read of the suggestions' library
OPTIONS = '"content_asset"."id" AS "pk", "content_asset"."title" AS "title"'


def log_a_touch(group) -> None:
    person = Stakeholder.objects.filter(group=group).order_by("name").first()
    services.touches_record(
        group=group, stakeholders=[person], occurred_at=timezone.now(), themes={"security": 3}
    )  # a theme the organization has: a new one would be a new version of the organization


def touches_listed(html: str) -> int:
    return html.split('id="touches-title"')[1].split("</section>")[0].count("Remove this touch?")


def queries_of_a_view_after_a_touch(client, group) -> str:
    listed = touches_listed(page(client, group))
    log_a_touch(group)
    with CaptureQueriesContext(connection) as captured:
        html = page(client, group)
    assert touches_listed(html) == listed + 1  # the write shows
    return " ".join(query["sql"] for query in captured.captured_queries)


def test_a_write_to_the_group_reads_the_library_no_more(client, marketer, touched, shared_asset):
    client.force_login(marketer)
    html = cached(client, touched)
    assert "The shared story" in html.split('id="suggest-title"')[1]
    sql = queries_of_a_view_after_a_touch(client, touched)
    assert "planner_touch" in sql  # analysed again
    assert LIBRARY not in sql and OPTIONS not in sql
    html = page(client, touched)
    assert "The shared story" in html.split('id="suggest-title"')[1]
    assert "The shared story" in html.split('name="touch-asset"')[1].split("</select>")[0]


def test_a_changed_library_is_read_again_once(client, marketer, touched, shared_asset):
    client.force_login(marketer)
    cached(client, touched)
    Asset.objects.create(  # the content app bumps nothing: the fingerprint tells
        organization=touched.organization,
        slug="second-story",
        title="A second story",
        themes={"uptime": 2},
    )
    with CaptureQueriesContext(connection) as captured:
        html = page(client, touched)
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert LIBRARY in sql and OPTIONS in sql
    assert "A second story" in html.split('name="touch-asset"')[1].split("</select>")[0]
    assert LIBRARY not in queries_of_a_view_after_a_touch(client, touched)


def test_without_a_cache_what_is_shared_is_computed(touched):
    analysis = scoring_cached.current_analysis(touched)
    assert analysis.organization_key is not None
    assert scoring_cached.shared(analysis, "answer", lambda: 42) == 42
    assert scoring_cached.shared(analysis, "answer", lambda: 0) == 42  # kept
    assert scoring_cached.shared(analysis, "other", lambda: 7) == 7
    uncached = scoring_cached.analyze(touched)
    assert uncached.organization_key is None
    assert scoring_cached.shared(uncached, "answer", lambda: 0) == 0
