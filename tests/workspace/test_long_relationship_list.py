"""A group with many relationships lists the first ones on its page with a link to all of
them; an htmx change made from the full list keeps it full, one from the short list short."""

from planner.models import Relationship
from tests.factories import group_of
from tests.scoring.cached_page import page
from workspace import views


def test_long_relationship_lists_show_the_first_ones_and_a_link_to_all(client, marketer, org):
    big = group_of(org, 30)  # 29 relationships in a chain, plus one conflict
    client.force_login(marketer)
    html = page(client, big)
    ties = html.split('id="ties-title"')[1].split("</section>")[0]
    assert ties.count('class="list-row"') == views.RELATIONSHIPS_SHOWN
    assert f'href="/groups/{big.pk}/?relationships=all#ties-title"' in ties
    assert "Show all 30 relationships" in ties
    assert "30 relationships" in html.split('class="map"')[0]  # the map card still counts all
    every = client.get(f"/groups/{big.pk}/?relationships=all")
    ties = every.content.decode().split('id="ties-title"')[1].split("</section>")[0]
    assert ties.count('class="list-row"') == 30
    assert ties.count("Remove<span") == 30  # every action is still there


def test_an_htmx_change_from_the_long_list_keeps_it_long(client, marketer, org):
    big = group_of(org, 30)
    client.force_login(marketer)
    tie = Relationship.objects.filter(group=big).order_by("-pk").first()
    response = client.post(
        f"/groups/{big.pk}/relationships/{tie.pk}/delete/",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": f"http://testserver/groups/{big.pk}/?relationships=all",
        },
    )
    ties = response.content.decode().split('id="ties-title"')[1].split("</section>")[0]
    assert ties.count('class="list-row"') == 29
    short = client.post(
        f"/groups/{big.pk}/relationships/{Relationship.objects.filter(group=big).first().pk}/delete/",
        headers={"HX-Request": "true"},
    )
    ties = short.content.decode().split('id="ties-title"')[1].split("</section>")[0]
    assert ties.count('class="list-row"') == views.RELATIONSHIPS_SHOWN
