"""The stakeholder map SVG: valid, accessible, escaped, CSP-safe, and says what it shows."""

import math
import re
import xml.etree.ElementTree as ET

from scoring.core.graph import Person, Tie, analyze_graph
from scoring.core.layout_sizes import BROKER_RING, node_radius
from workspace.map_legend import render_legend
from workspace.map_style import STANCES, MapEdge, MapNode
from workspace.stakeholder_map import render_map

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & Co"


def nine_people():
    nodes = [
        MapNode("cfo@buyer.test", "Margaret Chen", "Decision Maker", 5, "skeptic"),
        MapNode("vpit@buyer.test", "Daniel Okafor", "Champion", 4, "supporter"),
        MapNode("sec@buyer.test", "Priya Raman", "Blocker", 3, "skeptic"),
        MapNode("legal@buyer.test", "Tom Becker", "Legal & Compliance", 2, "neutral", False),
        MapNode("eu1@buyer.test", "Sofia Alvarez", "End User", 1, "supporter"),
        MapNode("eu2@buyer.test", "Kenji Watanabe", "End User", 2, "unknown"),
        MapNode("eu3@buyer.test", "Lena Fischer-Hoffmann", "End User", 1, "neutral"),
        MapNode("ceo@buyer.test", "Robert Lang", "Executive Sponsor", 5, "supporter"),
        MapNode("inf@buyer.test", "Aisha Mensah", "Influencer", 3, "neutral"),
    ]
    edges = [
        MapEdge("cfo@buyer.test", "ceo@buyer.test", "reports_to", 4),
        MapEdge("vpit@buyer.test", "cfo@buyer.test", "reports_to", 3),
        MapEdge("sec@buyer.test", "vpit@buyer.test", "reports_to", 4),
        MapEdge("eu1@buyer.test", "vpit@buyer.test", "reports_to", 3),
        MapEdge("eu2@buyer.test", "vpit@buyer.test", "reports_to", 3),
        MapEdge("eu3@buyer.test", "vpit@buyer.test", "reports_to", 2),
        MapEdge("legal@buyer.test", "cfo@buyer.test", "reports_to", 3),
        MapEdge("inf@buyer.test", "ceo@buyer.test", "influences", 4),
        MapEdge("inf@buyer.test", "cfo@buyer.test", "influences", 3),
        MapEdge("vpit@buyer.test", "ceo@buyer.test", "influences", 2),
        MapEdge("eu1@buyer.test", "eu2@buyer.test", "collaborates", 2),
        MapEdge("eu2@buyer.test", "eu3@buyer.test", "collaborates", 2),
        MapEdge("legal@buyer.test", "sec@buyer.test", "collaborates", 3),
        MapEdge("sec@buyer.test", "vpit@buyer.test", "conflicts_with", 4),
        MapEdge("cfo@buyer.test", "vpit@buyer.test", "conflicts_with", 3),
    ]
    return nodes, edges


def insights_for(nodes, edges):
    return analyze_graph(
        [Person(n.key, n.influence, n.role_label, n.stance) for n in nodes],
        [Tie(e.source, e.target, e.kind, e.strength) for e in edges],
    )


def draw(nodes, edges, **options):
    options.setdefault("title", "Stakeholder map of Acme")
    return render_map(nodes, edges, insights=insights_for(nodes, edges), **options)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it


def node_groups(root):
    return [g for g in root.iter(f"{SVG}g") if "node" in g.get("class", "").split()]


def edge_groups(root, kind=None):
    wanted = f"edge--{kind.replace('_', '-')}" if kind else "edge"
    return [g for g in root.iter(f"{SVG}g") if wanted in g.get("class", "").split()]


def hover_text(group):
    return group.find(f"{SVG}title").text


def group_of(root, name):
    return next(g for g in node_groups(root) if hover_text(g).startswith(name))


def main_circle(group):
    """The node's own circle: the one filled with a stance colour."""
    fills = {s.fill for s in STANCES.values()}
    return next(c for c in group.iter(f"{SVG}circle") if c.get("fill") in fills)


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


# ------------------------------------------------------------------------ nodes


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


# ------------------------------------------------------------------------ edges


def test_conflicts_are_red_zigzags_with_a_marker():
    nodes, edges = nine_people()
    root = parse(draw(nodes, edges))
    conflicts = edge_groups(root, "conflicts_with")
    assert len(conflicts) == 2
    for group in conflicts:
        assert "is in conflict with" in hover_text(group)
        line = group.find(f"{SVG}path")
        assert line.get("stroke") == "#c81e1e"
        assert line.get("d").count("L") > 8  # a zig-zag, not a straight line
        badge = group.find(f"{SVG}polygon")  # the lightning bolt
        assert badge is not None and badge.get("fill") == "#c81e1e"


def test_friction_colours_edges_but_conflicts_stay_marked():
    nodes, edges = nine_people()
    calm = [MapEdge(e.source, e.target, e.kind, e.strength, friction=0.0) for e in edges]
    hot = [MapEdge(e.source, e.target, e.kind, e.strength, friction=1.0) for e in edges]
    calm_root, hot_root = parse(draw(nodes, calm)), parse(draw(nodes, hot))
    calm_colour = {g.find(f"{SVG}path").get("stroke") for g in edge_groups(calm_root)}
    hot_colour = {g.find(f"{SVG}path").get("stroke") for g in edge_groups(hot_root)}
    assert len(calm_colour) == len(hot_colour) == 1
    assert calm_colour != hot_colour
    assert hot_colour == {"#c81e1e"}
    for group in edge_groups(calm_root, "conflicts_with"):
        assert group.find(f"{SVG}polygon").get("fill") == "#c81e1e"  # still marked
        assert group.find(f"{SVG}path").get("d").count("L") > 8
        assert "friction 0%" in hover_text(group)


def test_edge_kinds_look_different():
    nodes, edges = nine_people()
    root = parse(draw(nodes, edges))
    for group in edge_groups(root, "reports_to"):
        assert group.find(f"{SVG}polygon") is not None  # arrowhead
        assert group.find(f"{SVG}path").get("stroke-dasharray") is None
    for group in edge_groups(root, "influences"):
        assert group.find(f"{SVG}polygon") is not None
        assert group.find(f"{SVG}path").get("stroke-dasharray")
    for group in edge_groups(root, "collaborates"):
        assert group.find(f"{SVG}polygon") is None  # no arrow
        assert group.find(f"{SVG}path").get("stroke-dasharray") is None


def test_stronger_ties_are_drawn_thicker():
    nodes = [MapNode(k, k, "Other", 3, "neutral") for k in ("a", "b", "c")]
    edges = [MapEdge("a", "b", "reports_to", 1), MapEdge("b", "c", "reports_to", 5)]
    root = parse(draw(nodes, edges))
    widths = {
        hover_text(g): float(g.find(f"{SVG}path").get("stroke-width")) for g in edge_groups(root)
    }
    assert widths["a reports to b (strength 1/5)"] < widths["b reports to c (strength 5/5)"]


def test_arrowheads_point_at_the_managers_border():
    nodes, edges = nine_people()
    root = parse(draw(nodes, edges))
    centre = {}
    for node in nodes:
        circle = main_circle(group_of(root, node.name))
        centre[node.name] = (float(circle.get("cx")), float(circle.get("cy")))
    insights = insights_for(nodes, edges)
    names = {n.key: n for n in nodes}
    for edge in edges:
        if edge.kind != "reports_to":
            continue
        source, target = names[edge.source], names[edge.target]
        title = f"{source.name} reports to {target.name} (strength {edge.strength}/5)"
        group = next(g for g in edge_groups(root) if hover_text(g) == title)
        points = group.find(f"{SVG}polygon").get("points").split()
        tip = tuple(float(v) for v in points[0].split(","))
        border = node_radius(target.influence) + (
            BROKER_RING if target.key in insights.brokers else 0
        )
        assert abs(math.dist(tip, centre[target.name]) - border) < 3  # at the edge, not inside
        assert math.dist(tip, centre[target.name]) < math.dist(tip, centre[source.name])


def test_edges_are_drawn_under_the_nodes():
    nodes, edges = nine_people()
    root = parse(draw(nodes, edges))
    layers = [g.get("class") for g in root if g.tag == f"{SVG}g"]
    assert layers.index("edges") < layers.index("nodes")


def test_edges_to_unknown_people_or_of_unknown_kinds_are_left_out():
    nodes = [MapNode("a", "Ann", "Other", 3, "neutral"), MapNode("b", "Bob", "Other", 3, "neutral")]
    edges = [
        MapEdge("a", "b", "collaborates", 3),
        MapEdge("a", "ghost", "reports_to", 3),
        MapEdge("a", "b", "likes", 3),
        MapEdge("a", "a", "reports_to", 3),
    ]
    root = parse(draw(nodes, edges))
    assert len(edge_groups(root)) == 1
    assert root.find(f"{SVG}desc").text.startswith("2 people, 1 relationship,")


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
