"""Every paginated list uses one partial: its links change the page and keep the search,
sort and filters the reader chose."""

import re

from django.urls import reverse

from tests.factories import BuyingGroupFactory, StakeholderFactory


def _links(html: str) -> dict[str, str]:
    return {
        rel: href.replace("&amp;", "&")
        for href, rel in re.findall(r'href="([^"]*)" rel="(prev|next)"', html)
    }


def test_the_group_list_keeps_search_sort_and_archive_filter_on_every_page(client, org, marketer):
    for n in range(45):
        BuyingGroupFactory(organization=org, name=f"Deal {n:02d}", archived=True)
    BuyingGroupFactory(organization=org, name="Something else", archived=True)
    client.force_login(marketer)

    html = client.get(
        reverse("group_list"), {"q": "Deal", "sort": "name", "archived": "1", "page": 2}
    ).content.decode()

    links = _links(html)
    assert links["prev"] == "?q=Deal&sort=name&archived=1&page=1"
    assert links["next"] == "?q=Deal&sort=name&archived=1&page=3"
    assert "Page 2 of 3 · 45 groups" in html


def test_the_people_page_links_to_itself_even_inside_the_group_page(client, org, marketer):
    group = BuyingGroupFactory(organization=org)
    for n in range(60):
        StakeholderFactory(group=group, name=f"Person {n:02d}", email=f"p{n:02d}@buyer.test")
    client.force_login(marketer)
    url = reverse("group_people", args=[group.pk])

    html = client.get(url, {"q": "Person"}).content.decode()

    assert _links(html) == {"next": f"{url}?q=Person&page=2"}
    assert "Page 1 of 2" in html
