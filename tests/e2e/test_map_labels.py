"""Issue 15.6 in the browser, as the text is really drawn: on the phone (390 px) and the
desktop (1280 px) no person's label touches another label or someone else's node; a
group of 30 shows the same factions at both widths with one sentence and a "Show
everyone" switch that works without JavaScript; the legend reads as a list on a phone;
a faction's page lists its ties to other factions with links. axe-core finds no serious
or critical problem and nothing scrolls sideways."""

from __future__ import annotations

import io
import math
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organization
from bench.children import seed_group
from bench.group_spec import group_spec
from tests.e2e.axe import serious_violations
from tests.e2e.test_map_widths import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every visible person on the map: the boxes of their label lines and their node circles.
LABELS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('.map svg')) {
    if (!svg.checkVisibility()) continue;  // the other width's, or a closed switch's
    const scale = svg.getScreenCTM().a;
    for (const g of svg.querySelectorAll('g.node')) {
      const lines = [...g.querySelectorAll(':scope > text:not([aria-hidden])')];
      const texts = lines.map((t) => t.getBoundingClientRect());
      const circles = [...g.querySelectorAll(':scope > circle, :scope > .no-consent > circle')]
        .map((c) => { const r = c.getBoundingClientRect();
                      return [r.left + r.width / 2, r.top + r.height / 2, r.width / 2]; });
      const box = [Math.min(...texts.map((r) => r.left)), Math.min(...texts.map((r) => r.top)),
                   Math.max(...texts.map((r) => r.right)), Math.max(...texts.map((r) => r.bottom))];
      const font = Math.min(...lines.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
      out.push({id: g.id, box, circles, font, shown: lines.map((t) => t.textContent)});
    }
  }
  const page = document.documentElement;
  return {people: out, overflow: page.scrollWidth - page.clientWidth};
}"""


def assert_labels_apart(found: dict, width: int) -> int:
    people = found["people"]
    assert found["overflow"] <= 0, f"the page scrolls sideways at {width}px"
    for person in people:
        assert person["font"] >= 11, person
        left, _, right, _ = person["box"]
        assert left >= 0 and right <= width, person
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            (al, at, ar, ab), (bl, bt, br, bb) = a["box"], b["box"]
            apart = ar <= bl + 0.5 or br <= al + 0.5 or ab <= bt + 0.5 or bb <= at + 0.5
            assert apart, (width, a["shown"], b["shown"])
        for b in people:
            if b is a:
                continue
            for cx, cy, r in b["circles"]:
                left, top, right, bottom = a["box"]
                near = math.hypot(cx - min(max(cx, left), right), cy - min(max(cy, top), bottom))
                assert near >= r - 0.5, (width, a["shown"], "covers the node of", b["shown"])
    return len(people)


@pytest.fixture
def groups(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    organization = Organization.objects.get(slug="northwind")
    made = {}
    for members, seed in ((14, 14), (30, 30)):
        spec = group_spec(
            members=members, ties=3 * members, touches=members, end=timezone.now(), seed=seed
        )
        made[members] = seed_group(organization, spec, name=f"Group of {members}")
    return made


@pytest.mark.parametrize("width", [390, 1280])
def test_labels_never_touch_and_big_groups_look_the_same_everywhere(
    groups, page_for, screenshots, width
):
    page = page_for(width, 844)
    sign_in(page)
    problems = []

    # 14 people, person by person: no label touches another label or another node.
    page.goto(f"/groups/{groups[14].pk}/")
    assert assert_labels_apart(page.evaluate(LABELS), width) == 14
    # The legend: words in HTML next to small glyphs, readable on a phone.
    page.get_by_text("How to read the map").click()
    legend = page.locator(".map-legend")
    expect(legend.get_by_text("Skeptic", exact=True)).to_be_visible()
    sizes = legend.locator("li").evaluate_all(
        "(items) => items.map((li) => parseFloat(getComputedStyle(li).fontSize))"
    )
    assert min(sizes) >= 13
    assert legend.bounding_box()["width"] <= width
    problems += serious_violations(page)
    page.screenshot(path=str(screenshots / f"labels-14-{width}.png"), full_page=True)

    # 30 people: the same factions on a phone and a desktop, said in one sentence.
    page.goto(f"/groups/{groups[30].pk}/")
    note = page.locator(".map-note")
    expect(note).to_have_count(1)
    expect(note).to_contain_text(re.compile(r"^30 people in \d+ factions"))
    circles = page.locator(".map-factions .map-drawing:visible g.cluster")
    assert circles.count() >= 2
    assert page.evaluate(LABELS)["people"] == []  # nobody drawn one by one yet
    problems += serious_violations(page)
    # "Show everyone": the same 30 people one by one, labels apart; "Show factions" back.
    page.get_by_text("Show everyone (30 people, one by one)").click()
    expect(page.locator(".map-factions")).to_be_hidden()
    assert assert_labels_apart(page.evaluate(LABELS), width) == 30
    problems += serious_violations(page)
    page.screenshot(path=str(screenshots / f"labels-30-everyone-{width}.png"), full_page=True)
    page.get_by_text("Show factions").click()
    expect(page.locator(".map-factions")).to_be_visible()

    # A faction's page: its people apart, and its ties to other factions, with links.
    circles.first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Faction 1")
    assert assert_labels_apart(page.evaluate(LABELS), width) >= 3
    ties = page.locator("section[aria-labelledby=outside-title]")
    expect(ties.get_by_role("heading", name="Ties to other factions")).to_be_visible()
    other = ties.locator("h3 a").first
    title = other.inner_text()
    problems += serious_violations(page)
    page.screenshot(path=str(screenshots / f"labels-faction-{width}.png"), full_page=True)
    other.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    assert problems == []
    assert page.problems.all() == []


def test_show_everyone_works_without_javascript(groups, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page)
    page.goto(f"/groups/{groups[30].pk}/")
    everyone = page.locator(".map-everyone .map-drawing--narrow svg")
    expect(everyone).to_be_hidden()
    page.get_by_text("Show everyone (30 people, one by one)").click()
    expect(everyone).to_be_visible()
    expect(page.locator(".map-factions")).to_be_hidden()
    context.close()
