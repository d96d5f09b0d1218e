"""The relationships on the stakeholder map: conflicts as red zig-zags, friction as colour,
each kind its own line, stronger ties thicker, arrows at the border, under the people."""

import math

from scoring.core.layout_sizes import BROKER_RING, node_radius
from tests.workspace.drawn_map import (
    SVG,
    draw,
    edge_groups,
    group_of,
    hover_text,
    insights_for,
    main_circle,
    nine_people,
    parse,
)
from workspace.map_style import MapEdge, MapNode


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
