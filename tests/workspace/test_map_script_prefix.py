"""The cached stakeholder map links its people under the script prefix of the request that
shows it: a site served at / and at /planner/ at once gets each its own links (the map is
drawn once per version of the group, `workspace.group_charts.cached_map`)."""

import re

import pytest
from django.urls import get_script_prefix, set_script_prefix

from scoring.cached import current_analysis
from workspace.group_charts import cached_map


@pytest.fixture
def script_prefix():
    before = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(before)


def _links(svg: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', svg))


@pytest.mark.django_db
def test_each_script_prefix_gets_the_map_with_its_own_links(group, script_prefix):
    analysis = current_analysis(group)  # the group fixture: four people, linked on the map
    assert analysis.cache_key is not None  # the cached path, not one computed each time

    at_root = _links(cached_map(analysis, can_edit=True))
    script_prefix("/a b%/")
    under_prefix = _links(cached_map(analysis, can_edit=True))
    script_prefix("/")

    assert at_root and all(link.startswith(f"/groups/{group.pk}/") for link in at_root)
    assert under_prefix == {"/a%20b%25" + link for link in at_root}
    assert _links(cached_map(analysis, can_edit=True)) == at_root  # and back, still cached
