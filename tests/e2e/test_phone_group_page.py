"""The group page on a phone (390 px) against a desktop (1280 px), as a phone user sees it:
the "Who heard what" legend is read whole without swiping although the heatmap itself
scrolls sideways, and "Show everyone" for a group of 30 fits one screen: the people
scroll inside a box under a cue, each one reachable by keyboard. On a desktop both stay
as they were: the one-line legend under the heatmap, everyone drawn at full height."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organization
from bench.children import seed_group
from bench.group_spec import group_spec
from planner.models import BuyingGroup, Touch
from tests.e2e.axe import serious_violations
from tests.e2e.test_map_widths import sign_in
from tests.factories import StakeholderFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_HEIGHT = 844

# The legend drawn (of the two in the heatmap, one is display: none), each text's box on
# screen, and the heatmap's scrolling region.
LEGEND = """() => {
  const region = document.querySelector('.chart--wide[role=region]');
  const shown = [...region.querySelectorAll('.heatmap-legend, .heatmap-legend-compact')]
    .filter((g) => getComputedStyle(g).display !== 'none');
  const box = region.getBoundingClientRect();
  return {
    shown: shown.map((g) => g.getAttribute('class')),
    texts: shown.flatMap((g) => [...g.querySelectorAll('text')].map((t) => {
      const r = t.getBoundingClientRect();
      return {text: t.textContent, left: r.left, right: r.right,
              size: parseFloat(getComputedStyle(t).fontSize)};
    })),
    region: {left: box.left, right: box.right, scrolls: region.scrollWidth > region.clientWidth},
    screen: document.documentElement.clientWidth,
  };
}"""

# The everyone view once open: its height, and its box of people (the drawing shown).
EVERYONE = """() => {
  const view = document.querySelector('.map-everyone');
  const box = [...view.querySelectorAll('.map-drawing')].find(
    (d) => getComputedStyle(d).display !== 'none');
  return {height: view.getBoundingClientRect().height, kind: box.className,
          scrollHeight: box.scrollHeight, clientHeight: box.clientHeight,
          people: box.querySelectorAll('g.node').length};
}"""

# Where the focused person is against the box they scroll in (null: focus left the box).
FOCUSED = """() => {
  const box = document.querySelector('.map-everyone .map-drawing--narrow');
  const link = document.activeElement;
  if (!box.contains(link)) return null;
  const r = link.getBoundingClientRect(), b = box.getBoundingClientRect();
  return {name: link.getAttribute('aria-label'), top: r.top, bottom: r.bottom,
          boxTop: b.top, boxBottom: b.bottom};
}"""


@pytest.fixture
def groups(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    organization = Organization.objects.get(slug="northwind")
    # Common ground: four of five people heard downtime and security (80% of the group),
    # each also two themes of their own, so the heatmap is wider than a phone.
    shared = BuyingGroup.objects.create(organization=organization, name="Shared story")
    at = timezone.now() - timedelta(days=2)
    for i in range(5):
        person = StakeholderFactory(
            group=shared, email=f"p{i}@buyer.test", name=f"Person {i}", influence=3
        )
        if i < 4:
            themes = {"cost-of-downtime": 1.0, "security": 1.0, f"own-{i}a": 1.0, f"own-{i}b": 1.0}
            Touch.objects.create(group=shared, stakeholder=person, occurred_at=at, themes=themes)
    spec = group_spec(members=30, ties=90, touches=60, end=timezone.now(), seed=30)
    return shared, seed_group(organization, spec, name="Group of 30")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_heatmap_legend_is_read_without_swiping(groups, page_for, screenshots, width):
    shared, _ = groups
    page = page_for(width, PHONE_HEIGHT)
    sign_in(page)
    page.goto(f"/groups/{shared.pk}/")
    found = page.evaluate(LEGEND)
    words = [t["text"] for t in found["texts"]]
    # Both legends name the scale's ends and its middle.
    assert {"Share of messages", "0%", "50%", "100%", "Common ground", "Not reached yet"} <= set(
        words
    )
    assert min(t["size"] for t in found["texts"]) >= 10.5
    if width == 390:
        assert found["region"]["scrolls"]  # the heatmap is wider than the phone...
        for text in found["texts"]:  # ...its legend is not
            assert found["region"]["left"] <= text["left"], text
            assert text["right"] <= min(found["region"]["right"], found["screen"]), text
        assert found["shown"] == ["heatmap-legend-compact"]
    else:
        assert found["shown"] == ["heatmap-legend"]  # the desktop's one line
    section = page.locator("section[aria-labelledby=heatmap-title]")
    section.screenshot(path=str(screenshots / f"phone-heatmap-legend-{width}.png"))
    assert serious_violations(page) == []
    assert page.problems.all() == []


@pytest.mark.parametrize("width", [390, 1280])
def test_everyone_one_by_one_fits_a_phone_screen(groups, page_for, screenshots, width):
    _, thirty = groups
    page = page_for(width, PHONE_HEIGHT)
    sign_in(page)
    page.goto(f"/groups/{thirty.pk}/")
    cue = page.get_by_text("Scroll inside the map to see all 30 people.")
    page.get_by_text("Show everyone (30 people, one by one)").click()
    found = page.evaluate(EVERYONE)
    assert found["people"] == 30
    if width == 1280:
        # The desktop draws everyone at full height, without a box or a cue.
        expect(cue).to_be_hidden()
        assert "--wide" in found["kind"]
        assert found["scrollHeight"] <= found["clientHeight"] + 1, found
        return
    expect(cue).to_be_visible()
    # It was over 2,000 px: now the switch, the cue and the box fit one screen...
    assert found["height"] <= PHONE_HEIGHT * 0.8, found
    assert found["scrollHeight"] > 3 * found["clientHeight"], found  # ...the people scroll
    page.locator(".map-everyone").screenshot(path=str(screenshots / "phone-everyone-390.png"))
    # Every person is reached by keyboard, and scrolled into the box when focused.
    page.locator(".map-everyone > summary").focus()
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        where = page.evaluate(FOCUSED)
        if where is None:
            break
        assert where["boxTop"] - 1 <= where["top"] and where["bottom"] <= where["boxBottom"] + 1
        reached.append(where["name"])
    assert len(reached) == 30
    page.evaluate(
        "() => { const b = document.querySelector('.map-everyone .map-drawing--narrow');"
        " b.scrollTop = b.scrollHeight; }"
    )
    page.locator(".map-everyone").screenshot(path=str(screenshots / "phone-everyone-end-390.png"))
    assert serious_violations(page) == []
    assert page.problems.all() == []
