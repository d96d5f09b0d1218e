"""The people on the stakeholder map: inside the picture, sized by influence, stance shown
by colour and glyph, brokers ringed, no-consent marked, long names cut, links around."""

import re

from scoring.core.layout_sizes import BROKER_RING, node_radius
from tests.workspace.drawn_map import (
    SVG,
    draw,
    group_of,
    hover_text,
    insights_for,
    main_circle,
    nine_people,
    node_groups,
    parse,
)
from workspace.map_style import STANCES, MapNode


def test_everyone_is_drawn_inside_the_view_box():
    nodes, edges = nine_people()
    root = parse(draw(nodes, edges))
    groups = node_groups(root)
    assert len(groups) == 9
    for group in groups:
        for circle in group.iter(f"{SVG}circle"):
            cx, cy, r = (float(circle.get(a)) for a in ("cx", "cy", "r"))
            assert cx - r >= 0 and cx + r <= 960
            assert cy - r >= 0 and cy + r <= 600


def test_node_size_grows_with_influence():
    nodes, edges = nine_people()
    root = parse(draw(nodes, edges))
    sofia = float(main_circle(group_of(root, "Sofia Alvarez")).get("r"))
    kenji = float(main_circle(group_of(root, "Kenji Watanabe")).get("r"))
    robert = float(main_circle(group_of(root, "Robert Lang")).get("r"))
    assert sofia < kenji < robert
    assert (sofia, robert) == (node_radius(1), node_radius(5))


def test_stance_is_shown_by_colour_and_by_a_glyph():
    nodes = [
        MapNode(f"{stance}@x", stance.title(), "Other", 3, stance)
        for stance in ("supporter", "neutral", "skeptic", "unknown")
    ]
    root = parse(draw(nodes, []))
    fills, glyphs = set(), set()
    for group in node_groups(root):
        stance = hover_text(group).split()[0].lower()
        assert f"node--{stance}" in group.get("class")
        fills.add(main_circle(group).get("fill"))
        path = group.find(f"{SVG}path")
        text = [t.text for t in group.iter(f"{SVG}text")]
        # The glyph's shape: its path commands without the numbers, or the "?" text.
        glyphs.add(re.sub(r"[^A-Za-z]", "", path.get("d")) if path is not None else text[0])
    assert len(fills) == 4
    assert glyphs == {"MLL", "MH", "MLML", "?"}  # tick, bar, cross, question mark


def test_an_unknown_stance_is_drawn_as_unknown():
    root = parse(draw([MapNode("a@x", "Ann", "Other", 3, "enthusiastic")], []))
    group = node_groups(root)[0]
    assert "node--unknown" in group.get("class")
    assert main_circle(group).get("fill") == STANCES["unknown"].fill


def test_long_labels_are_cut_with_an_ellipsis_and_shown_in_full_on_hover():
    nodes, edges = nine_people()
    root = parse(draw(nodes, edges))
    lena = group_of(root, "Lena Fischer-Hoffmann")
    lines = [t.text for t in lena.iter(f"{SVG}text")]
    assert "Lena Fischer-Hoff\u2026" in lines
    assert "End User" in lines
    assert hover_text(lena).startswith("Lena Fischer-Hoffmann \u2014 End User")


def test_brokers_get_an_outline_ring():
    nodes, edges = nine_people()
    insights = insights_for(nodes, edges)
    assert insights.brokers
    root = parse(draw(nodes, edges))
    for node in nodes:
        group = group_of(root, node.name)
        circles = list(group.iter(f"{SVG}circle"))
        rings = [c for c in circles if c.get("fill") == "#ffffff" and c.get("stroke") != "#4b5563"]
        if node.key in insights.brokers:
            assert "node--broker" in group.get("class")
            assert "broker" in hover_text(group)
            (ring,) = rings
            expected = node_radius(node.influence) + BROKER_RING - 1
            assert abs(float(ring.get("r")) - expected) < 0.06
        else:
            assert not rings


def test_people_without_consent_are_marked():
    nodes, edges = nine_people()
    root = parse(draw(nodes, edges))
    tom = group_of(root, "Tom Becker")
    assert hover_text(tom).endswith("(no consent)")
    assert any(g.get("class") == "no-consent" for g in tom.iter(f"{SVG}g"))
    robert = group_of(root, "Robert Lang")
    assert "no consent" not in hover_text(robert)
    assert not any(g.get("class") == "no-consent" for g in robert.iter(f"{SVG}g"))


def test_a_link_wraps_the_whole_node():
    nodes, edges = nine_people()
    nodes[0] = MapNode(
        "cfo@buyer.test", "Margaret Chen", "Decision Maker", 5, "skeptic", href="/p/1/"
    )
    root = parse(draw(nodes, edges))
    (link,) = root.iter(f"{SVG}a")
    assert link.get("href") == "/p/1/"
    assert hover_text(link.find(f"{SVG}g")).startswith("Margaret Chen")
