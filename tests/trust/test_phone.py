"""Issue 15, items 6 and 7 (server side): on a phone the people table reads as cards and
the map offers the list; the add-person form is one skip link away from the top."""

import pytest

pytestmark = pytest.mark.django_db


def test_people_table_turns_into_cards_and_the_map_points_to_the_list(client, marketer, group):
    client.force_login(marketer)
    page = client.get(group.get_absolute_url()).content.decode()
    assert '<table class="table table--cards">' in page
    for label in ("Buying role", "Influence", "Stance", "Priorities", "Measured on"):
        assert f'data-label="{label}"' in page
    # The map has a drawing made for a phone's width (no sideways swipe) and points to
    # the same people as a list.
    assert 'class="map-drawing map-drawing--narrow"' in page and 'href="#people-title"' in page


def test_a_skip_link_leads_editors_to_the_add_person_form(client, marketer, sales_rep, group):
    client.force_login(marketer)
    page = client.get(group.get_absolute_url()).content.decode()
    assert page.index('href="#add-person"') < page.index('class="site-header"')
    assert 'id="add-person"' in page and "data-refocus" in page
    client.force_login(sales_rep)
    assert 'href="#add-person"' not in client.get(group.get_absolute_url()).content.decode()


def test_the_heatmap_scroll_region_is_reachable_by_keyboard(client, sales_rep, group):
    client.force_login(sales_rep)
    page = client.get(group.get_absolute_url()).content.decode()
    assert 'class="chart chart--wide" tabindex="0" role="region"' in page
