"""The group page's structure, pinned: its sections in order, every element closed, the
People table, relationships and latest touches with one row each (and their buttons for
editors only), the three forms with their fields, every typed text escaped. Much of the
page is written in Python for speed (workspace/templatetags/): this is what it must keep."""

import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from bench.children import seed_group
from bench.group_spec import group_spec
from planner import services
from planner.models import Stakeholder
from tests.factories import member
from tests.security.hostile import UNESCAPED, hostile

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
OPTIONAL_END = {"option"}  # `<option value="email"><option value="call">` closes itself
SECTIONS = [
    "scores-title",
    "changes-title",
    "map-title",
    "numbers-title",
    "insights-title",
    "suggest-title",
    "sends-title",
    "kits-title",
    "heatmap-title",
    "people-title",
    "ties-title",
    "touches-title",
]
FORMS = ["add-touch-title", "add-tie-title", "add-person-title"]


class Balance(HTMLParser):
    """Every element opened is closed, in order (void elements, self-closed SVG shapes and
    options, whose end tag HTML lets out, aside), and which ids the page has."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.ids: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs).get("id")
        if found:
            self.ids.append(found)
        if tag in OPTIONAL_END and self.open and self.open[-1] == tag:
            self.open.pop()
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        found = dict(attrs).get("id")
        if found:
            self.ids.append(found)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.open and self.open[-1] in OPTIONAL_END and self.open[-1] != tag:
            self.open.pop()
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1] if self.open else None}>")
            return
        self.open.pop()


def parsed(html: str) -> Balance:
    checker = Balance()
    checker.feed(html)
    checker.close()
    return checker


def section(html: str, title_id: str) -> str:
    return html.split(f'id="{title_id}"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def busy_group(org):
    """30 people (a select picker, a typed relationship form) with hostile names, 90 ties
    (more than the 20 shown), touches (more than the 15 shown)."""
    spec = group_spec(members=30, ties=90, touches=120, end=timezone.now(), seed=30)
    group = seed_group(org, spec, name=hostile("group-name"))
    people = list(Stakeholder.objects.filter(group=group).order_by("pk"))
    for i, person in enumerate(people[:5]):
        person.name = hostile(f"name-{i}")
        person.title = hostile(f"title-{i}")
        person.outcome = hostile(f"outcome-{i}")
        person.consent = i != 2
        person.save()
    services.touches_record(
        group=group,
        stakeholders=people[:3],
        occurred_at=timezone.now(),
        channel=hostile("channel"),
        asset=None,
        themes={"theme-01": 1.0},
    )
    return group


@pytest.mark.parametrize("role", ["marketer", "sales"])
def test_the_group_page_keeps_its_structure(client, org, busy_group, role):
    viewer = member(org, role=role)
    client.force_login(viewer)
    html = client.get(f"/groups/{busy_group.pk}/").content.decode()
    editor = role == "marketer"

    checker = parsed(html)
    assert checker.errors == [] and checker.open == []
    expected = SECTIONS + (FORMS if editor else [])
    shown = [i for i in checker.ids if i in SECTIONS + FORMS]
    assert shown == expected  # every section, once, in this order
    assert not UNESCAPED.search(html)

    people = section(html, "people-title")
    rows = re.findall(r"<tr>\s*<td><strong>(.*?)</strong>", people, re.S)
    assert len(rows) == 25  # the most influential 25 of 30
    assert people.count('<td data-label="Stance">') == 25
    assert people.count("/touches/") == 25  # each person's timeline
    assert people.count('hx-target="#editor"') == (25 if editor else 0)
    assert people.count("no consent") == (1 if "&lt;b id=&quot;xss-name-2" in people else 0)

    ties = section(html, "ties-title")
    assert ties.count('<div class="list-row">') == 20
    assert ties.count("Show all 90 relationships") == 1
    assert len(re.findall(r'hx-get="/groups/\d+/relationships/\d+/"', ties)) == (
        20 if editor else 0
    )
    assert len(re.findall(r'hx-post="/groups/\d+/relationships/\d+/delete/"', ties)) == (
        20 if editor else 0
    )
    assert ties.count('name="csrfmiddlewaretoken"') == (20 if editor else 0)

    touches = section(html, "touches-title")
    assert touches.count('<div class="list-row">') == 15
    assert touches.count("&lt;b id=&quot;xss-channel") == 3
    assert touches.count('data-confirm="Remove this touch?"') == (15 if editor else 0)

    if editor:
        touch = section(html, "add-touch-title")
        assert 'data-picker aria-describedby="id_touch-recipients_helptext"' in touch
        assert touch.count("<option value=") >= 30  # the people, then the assets
        for field in ("occurred_at", "channel", "asset", "themes"):
            assert f'<label for="id_touch-{field}">' in touch
        tie = section(html, "add-tie-title")
        assert 'list="group-people"' in tie and '<datalist id="group-people">' in tie
        person = section(html, "add-person-title")
        for field in ("name", "email", "title", "buying_role", "influence", "notes"):
            assert f'id="id_person-{field}"' in person
        assert person.count('<span class="optional">(optional)</span>') >= 4
