"""Keyboard order on the stakeholder map: Tab reaches the people in the order they are
read (top to bottom, then left to right), on a phone (390 px) inside "Show everyone" of a
group of 30, where the people scroll in a box, as on a desktop (1280 px). It went bottom
up: the first Tab after "Show everyone" jumped to the last row of the box."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Organization
from bench.children import seed_group
from bench.group_spec import group_spec
from tests.e2e.axe import serious_violations
from tests.e2e.test_map_widths import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The focused person: their name and their node's centre in the drawing's units (the
# first circle of a node is centred on it).
FOCUSED = """() => {
  const link = document.activeElement;
  if (!link.closest('.map-everyone .map-drawing')) return null;
  const node = link.querySelector('g.node > circle');
  return {name: link.getAttribute('aria-label').split(/[,:]/)[0],
          x: +node.getAttribute('cx'), y: +node.getAttribute('cy')};
}"""

# Every person in the drawing shown, the same way.
PEOPLE = """() => {
  const drawing = [...document.querySelectorAll('.map-everyone .map-drawing')]
    .find((d) => getComputedStyle(d).display !== 'none');
  return [...drawing.querySelectorAll('a')].map((link) => {
    const node = link.querySelector('g.node > circle');
    return {name: link.getAttribute('aria-label').split(/[,:]/)[0],
            x: +node.getAttribute('cx'), y: +node.getAttribute('cy')};
  });
}"""


def reading_order(people: list[dict]) -> list[str]:
    """Names row by row from the top, each row left to right; a row is the people whose
    node is at most 12 units (about a line of text) below its first one."""
    rows = []
    for person in sorted(people, key=lambda p: (p["y"], p["x"])):
        if rows and person["y"] - rows[-1][0]["y"] <= 12:
            rows[-1].append(person)
        else:
            rows.append([person])
    return [p["name"] for row in rows for p in sorted(row, key=lambda p: p["x"])]


@pytest.fixture
def thirty(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    organization = Organization.objects.get(slug="northwind")
    spec = group_spec(members=30, ties=90, touches=60, end=timezone.now(), seed=30)
    return seed_group(organization, spec, name="Group of 30")


@pytest.mark.parametrize("width", [390, 1280])
def test_tab_reaches_everyone_in_reading_order(thirty, page_for, screenshots, width):
    page = page_for(width, 844)
    sign_in(page)
    page.goto(f"/groups/{thirty.pk}/")
    page.get_by_text("Show everyone (30 people, one by one)").click()
    people = page.evaluate(PEOPLE)
    assert len(people) == 30
    page.locator(".map-everyone > summary").focus()
    reached = []
    for _ in range(31):
        page.keyboard.press("Tab")
        where = page.evaluate(FOCUSED)
        if where is None:  # past the last person: focus left the map
            break
        reached.append(where)
        if width == 390 and len(reached) == 1:  # the box still shows its top row
            page.locator(".map-everyone").screenshot(
                path=str(screenshots / f"tab-order-first-{width}.png")
            )
    assert [p["name"] for p in reached] == reading_order(people)
    assert reached[0]["y"] == min(p["y"] for p in people)  # the first Tab: the top row
    assert serious_violations(page) == []
    assert page.problems.all() == []
