"""The map of a big group: factions as circles on the group page, each opening its own
map; small groups drawn person by person, twice (wide and narrow), scaled to the box."""

import re
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from bench.children import seed_group
from bench.group_spec import group_spec
from planner.models import Stakeholder
from tests.factories import BuyingGroupFactory, RelationshipFactory, StakeholderFactory, group_of
from tests.security.hostile import UNESCAPED, hostile
from workspace.map_view import EVERYONE_MAX, PEOPLE_MAX

SVG = re.compile(r"<svg .*?</svg>", re.S)


@pytest.fixture
def big_group(org):
    spec = group_spec(members=45, ties=135, touches=90, end=timezone.now(), seed=45)
    return seed_group(org, spec, name="Initech platform")


def drawings(html: str) -> dict[str, str]:
    found = re.findall(r'<div class="map-drawing map-drawing--(\w+)">(.*?)</div>', html, re.S)
    return {name: SVG.search(body).group(0) for name, body in found}


def test_a_small_group_is_drawn_person_by_person_for_both_widths(client, marketer, group):
    client.force_login(marketer)
    html = client.get(f"/groups/{group.pk}/").content.decode()
    found = drawings(html)
    assert set(found) == {"wide", "narrow"}
    widths = {}
    for name, svg in found.items():
        root = ElementTree.fromstring(svg)  # noqa: S314 - our own output, parsed to check it
        assert root.get("width") == "100%"  # scales to its box, no fixed pixel width
        widths[name] = float(root.get("viewBox").split()[2])
        assert svg.count('class="node ') == 4
    assert widths == {"wide": 640.0, "narrow": 340.0}
    assert "min-width" not in html


def test_labels_are_bigger_in_drawing_units_on_the_narrow_drawing(client, marketer, group):
    client.force_login(marketer)
    found = drawings(client.get(f"/groups/{group.pk}/").content.decode())
    smallest = {
        name: min(float(size) for size in re.findall(r'font-size="([\d.]+)"', svg))
        for name, svg in found.items()
    }
    # Shown about 1:1 (wide at 600 to 820 px, narrow at 280 to 480 px): never under 11 px.
    assert smallest["wide"] >= 12 and smallest["narrow"] >= 12.5


def test_a_big_group_shows_its_factions_as_circles_that_open_their_own_map(
    client, marketer, big_group
):
    assert PEOPLE_MAX < EVERYONE_MAX < 45
    client.force_login(marketer)
    html = client.get(f"/groups/{big_group.pk}/").content.decode()
    # One plain sentence says what the circles are; no "Show everyone" above 40 people.
    assert re.search(r'<p class="map-note">45 people in \d+ factions', html)
    assert "map-everyone" not in html
    for name, svg in drawings(html).items():
        assert 'class="node ' not in svg, name
        links = re.findall(r'<a href="(/groups/\d+/map/\d+/)" aria-label="([^"]*)"', svg)
        assert len(links) == svg.count('class="cluster"') >= 3
        assert links[0][1].startswith("Faction 1, ")
    href = re.search(r'<a href="(/groups/\d+/map/\d+/)"', html).group(1)
    page = client.get(href)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<h1>Faction 1" in text and "Back to all factions" in text
    members = drawings(text)["wide"].count('class="node ')
    assert members >= 3
    assert text.count('data-label="Stance"') == members  # the same people as a list


def test_everyone_in_a_small_faction_is_on_the_everyone_else_map(client, marketer, big_group):
    # Two people with no relationships are in no faction of three: whatever the seed made
    # of the others, the map has a circle for everyone else, and they are on its page.
    loners = [
        StakeholderFactory(group=big_group, email=f"loner{n}@buyer.test", name=f"Loner {n}")
        for n in (1, 2)
    ]
    client.force_login(marketer)
    html = client.get(f"/groups/{big_group.pk}/").content.decode()
    wide = drawings(html)["wide"]
    last = re.findall(r'<a href="(/groups/\d+/map/\d+/)" aria-label="(Everyone else[^"]*)"', wide)
    assert len(last) == 1, "no circle for everyone else"
    assert wide.rindex('aria-label="Everyone else') > wide.rindex('aria-label="Faction ')
    text = client.get(last[0][0]).content.decode()
    assert "<h1>Everyone else" in text
    assert all(loner.name in text for loner in loners)
    first = re.search(r'<a href="(/groups/\d+/map/\d+/)" aria-label="Faction 1, ', wide)
    faction = client.get(first.group(1)).content.decode()
    assert "<h1>Faction 1" in faction and not any(loner.name in faction for loner in loners)


def test_a_sales_rep_opening_a_faction_gets_timelines_not_edit_forms(client, sales_rep, big_group):
    client.force_login(sales_rep)
    person = Stakeholder.objects.filter(group=big_group).order_by("-influence", "email").first()
    text = client.get(f"/groups/{big_group.pk}/map/{person.pk}/").content.decode()
    assert f"/groups/{big_group.pk}/people/" in text
    assert re.search(r"/people/\d+/touches/", text)
    assert not re.search(r'href="/groups/\d+/people/\d+/"', text)  # no edit links


def test_names_in_circles_and_on_the_faction_page_are_escaped(client, marketer, big_group):
    people = Stakeholder.objects.filter(group=big_group)
    for person in people:
        person.name = hostile(f"person-{person.pk}")[:120]
    Stakeholder.objects.bulk_update(people, ["name"])
    big_group.name = hostile("group")
    big_group.save()
    client.force_login(marketer)
    html = client.get(f"/groups/{big_group.pk}/").content.decode()
    assert not UNESCAPED.search(html)
    href = re.search(r'<a href="(/groups/\d+/map/\d+/)"', html).group(1)
    text = client.get(href).content.decode()
    assert not UNESCAPED.search(text)
    assert "&lt;b id=&quot;xss-" in text


def test_another_organizations_faction_is_404(client, other_org_marketer, big_group):
    client.force_login(other_org_marketer)
    person = Stakeholder.objects.filter(group=big_group).first()
    assert client.get(f"/groups/{big_group.pk}/map/{person.pk}/").status_code == 404


def test_a_person_of_another_group_is_404(client, marketer, org, big_group):
    other = group_of(org, 3, name="Other deal")
    person = Stakeholder.objects.filter(group=other).first()
    client.force_login(marketer)
    assert client.get(f"/groups/{big_group.pk}/map/{person.pk}/").status_code == 404


@pytest.fixture
def group_of_30(org):
    spec = group_spec(members=30, ties=90, touches=60, end=timezone.now(), seed=30)
    return seed_group(org, spec, name="Globex rollout")


def test_a_group_of_30_looks_the_same_on_a_phone_and_a_desktop(client, marketer, group_of_30):
    """Issue 15.6: between 17 and 40 people the phone showed circles, the desktop people."""
    client.force_login(marketer)
    html = client.get(f"/groups/{group_of_30.pk}/").content.decode()
    switch = html[html.index('<div class="map-switch">') :]
    factions = switch[: switch.index('<details class="map-everyone">')]
    everyone = switch[switch.index('<details class="map-everyone">') :]
    circles = drawings(factions)
    assert set(circles) == {"wide", "narrow"}
    counts = {name: svg.count('class="cluster"') for name, svg in circles.items()}
    assert counts["wide"] == counts["narrow"] >= 2  # the same picture at both widths
    sentence = re.findall(r'<p class="map-note">([^<]*)</p>', html)
    numbered = counts["wide"] - ("Everyone else" in circles["wide"])
    rest = " and a circle for everyone else" if "Everyone else" in circles["wide"] else ""
    assert sentence == [
        f"30 people in {numbered} factions{rest}: open a faction to see its people."
    ]
    # "Show everyone" opens the same 30 people one by one, at both widths, without JS.
    assert '<summary><span class="map-everyone__show">Show everyone (30 people, one by one)' in (
        everyone
    )
    people = drawings(everyone)
    assert set(people) == {"wide", "narrow"}
    assert all(svg.count('class="node ') == 30 for svg in people.values())
    # On a phone they scroll in a box (CSS): the cue above it says so, with the count.
    assert '<p class="map-everyone__cue">Scroll inside the map to see all 30 people.</p>' in (
        everyone
    )


def test_a_group_of_16_is_drawn_person_by_person_everywhere(client, marketer, org):
    group = group_of(org, PEOPLE_MAX, name="Sixteen")
    client.force_login(marketer)
    html = client.get(f"/groups/{group.pk}/").content.decode()
    assert "map-note" not in html and "map-everyone" not in html
    found = drawings(html)
    assert all(svg.count('class="node ') == PEOPLE_MAX for svg in found.values())


@pytest.fixture
def two_teams(org):
    """Two teams of four, each all collaborating; between them one conflict (a1 with b1)
    and one weak collaboration (a2 with b2)."""
    group = BuyingGroupFactory(organization=org, name="Two teams")
    team = {}
    for side in "ab":
        for i in range(1, 5):
            team[f"{side}{i}"] = StakeholderFactory(
                group=group,
                email=f"{side}{i}@buyer.test",
                name=f"{side.upper()}{i} Person",
                influence=5 if i == 1 else 2,
            )
    for side in "ab":
        for i in range(1, 5):
            for j in range(i + 1, 5):
                RelationshipFactory(
                    group=group, source=team[f"{side}{i}"], target=team[f"{side}{j}"], strength=5
                )
    RelationshipFactory(
        group=group, source=team["a1"], target=team["b1"], kind="conflicts_with", strength=2
    )
    RelationshipFactory(group=group, source=team["b2"], target=team["a2"], strength=1)
    return group, team


def test_a_faction_page_lists_its_ties_to_other_factions_with_links(client, marketer, two_teams):
    group, team = two_teams
    client.force_login(marketer)
    text = client.get(f"/groups/{group.pk}/map/{team['a1'].pk}/").content.decode()
    section = text[text.index('<h2 id="outside-title">') :]
    other = re.search(
        r'<h3 class="outside-ties__faction"><a href="([^"]+)">(Faction \d)</a>', section
    )
    # The other team is the other faction, and its link opens its map.
    assert other.group(1) == f"/groups/{group.pk}/map/{team['b1'].pk}/"
    assert "4 people) · 2 ties · " in section and "1 conflict</span>" in section
    inner = section[section.index("</h3>") : section.index("</ul>")]
    items = re.findall(r"<li>(.*?)</li>", inner, re.S)
    words = [re.sub(r"<[^>]+>", "", item).split() for item in items]
    # The conflict first, each tie once, named as the people table names them.
    assert [" ".join(w) for w in words] == [
        "A1 Person is in conflict with B1 Person",
        "B2 Person collaborates with A2 Person",
    ]
    assert client.get(other.group(1)).status_code == 200
    back = client.get(other.group(1)).content.decode()
    assert re.search(r'<a href="[^"]+">Faction \d</a>', back[back.index("outside-title") :])
