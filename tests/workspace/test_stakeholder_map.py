"""The stakeholder map SVG as a document: valid, accessible, escaped, CSP-safe, and says
what it shows; and the legend that explains its symbols in words."""

import re
import xml.etree.ElementTree as ET

from tests.workspace.drawn_map import (
    SVG,
    draw,
    edge_groups,
    group_of,
    hover_text,
    nine_people,
    parse,
)
from workspace.map_legend import render_legend
from workspace.map_style import MapEdge, MapNode

EVIL = "<script>alert(1)</script> & Co"


# --------------------------------------------------------------- the document


def test_the_map_is_well_formed_svg_with_a_title_and_a_summary():
    nodes, edges = nine_people()
    root = parse(draw(nodes, edges))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "map-title map-desc"
    assert root.get("viewBox") == "0 0 960 600"
    assert root.get("width") == "100%"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert (title.get("id"), title.text) == ("map-title", "Stakeholder map of Acme")
    assert desc.get("id") == "map-desc"
    assert desc.text == "9 people, 15 relationships, 3 factions and 2 conflicts."


def test_the_summary_counts_people_without_relationships():
    nodes, edges = nine_people()
    nodes.append(MapNode("new@buyer.test", "New Person", "Other", 1, "unknown"))
    desc = parse(draw(nodes, edges)).find(f"{SVG}desc").text
    assert desc.startswith("10 people, 15 relationships")
    assert desc.endswith("; 1 person has no relationships yet.")


def test_no_style_attribute_or_element_anywhere():
    nodes, edges = nine_people()
    edges = [MapEdge(e.source, e.target, e.kind, e.strength, friction=0.7) for e in edges]
    for svg in (draw(nodes, edges), draw([], []), render_legend()):
        root = parse(svg)
        assert not re.search(r"\sstyle\s*=", svg)
        for element in root.iter():
            assert "style" not in element.attrib
            assert element.tag != f"{SVG}style"


def test_every_text_is_escaped():
    nodes = [
        MapNode("a@x", EVIL, EVIL, 3, "skeptic", href='/people/1/?next="x"&y=<1>'),
        MapNode("b@x", "Bob", "Champion", 3, "supporter"),
    ]
    edges = [MapEdge("a@x", "b@x", "conflicts_with", 3)]
    svg = draw(nodes, edges, title=f"Map of {EVIL}")
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in svg
    root = parse(svg)  # and the escaped document still parses
    assert root.find(f"{SVG}title").text == f"Map of {EVIL}"
    evil = group_of(root, EVIL)
    assert hover_text(evil).startswith(f"{EVIL} \u2014 {EVIL}")
    link = next(a for a in root.iter(f"{SVG}a"))
    assert link.get("href") == '/people/1/?next="x"&y=<1>'
    edge = edge_groups(root, "conflicts_with")[0]
    assert hover_text(edge) == f"{EVIL} is in conflict with Bob (strength 3/5)"


def test_unsafe_links_are_dropped():
    nodes = [
        MapNode("a@x", "Ann", "Champion", 3, "supporter", href="javascript:alert(1)"),
        MapNode("b@x", "Bob", "Champion", 3, "supporter", href="/groups/1/people/2/"),
    ]
    root = parse(draw(nodes, []))
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["/groups/1/people/2/"]
    assert "javascript" not in draw(nodes, [])


def test_ids_use_the_prefix_so_two_maps_can_share_a_page():
    nodes, edges = nine_people()
    first = parse(draw(nodes, edges, id_prefix="left"))
    second = parse(draw(nodes, edges, id_prefix="right"))
    ids_first = {e.get("id") for e in first.iter() if e.get("id")}
    ids_second = {e.get("id") for e in second.iter() if e.get("id")}
    assert ids_first and ids_second
    assert all(i.startswith("left-") for i in ids_first)
    assert all(i.startswith("right-") for i in ids_second)
    assert first.get("aria-labelledby") == "left-title left-desc"


def test_an_empty_group_gets_a_friendly_placeholder():
    svg = draw([], [])
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Stakeholder map of Acme"
    assert root.find(f"{SVG}desc").text
    assert "No people yet" in [t.text for t in root.iter(f"{SVG}text")]


def test_the_same_group_always_gives_the_same_picture():
    nodes, edges = nine_people()
    assert draw(nodes, edges) == draw(nodes[::-1], edges[::-1])


# ----------------------------------------------------------------------- legend


def test_the_legend_explains_every_symbol_in_words_with_glyphs_as_decoration():
    html = render_legend(id_prefix="key")
    root = ET.fromstring(html)  # noqa: S314 - our own output, parsed to check it
    assert root.get("id") == "key"
    # Words in HTML (they reflow on a phone), not text inside a drawing.
    words = " ".join("".join(li.itertext()) for li in root.iter("li"))
    for label in ("Supporter", "Neutral", "Skeptic", "Unknown", "Broker", "No consent"):
        assert label in words
    for label in ("Reports to", "Influences", "Collaborates", "conflict", "Faction"):
        assert label.lower() in words.lower()
    assert [h.text for h in root.iter("h3")] == [
        "Influence",
        "Stance",
        "Relationships",
        "Markers",
    ]
    glyphs = list(root.iter(f"{SVG}svg"))
    assert len(glyphs) == len(list(root.iter("li")))  # one glyph per symbol
    for glyph in glyphs:
        assert glyph.get("aria-hidden") == "true" and glyph.get("focusable") == "false"
        # No words hidden in a picture (the unknown stance's glyph is a question mark).
        assert {t.text for t in glyph.iter(f"{SVG}text")} <= {"?"}
        assert float(glyph.get("width")) <= 130  # fits a phone next to its words
    assert len(edge_groups(root, "conflicts_with")) == 1
