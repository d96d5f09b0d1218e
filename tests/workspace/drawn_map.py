"""A nine-person buying group drawn as a stakeholder map, and the small readers that find
its parts (nodes, edges, hover texts, a person's circle) in the SVG."""

import xml.etree.ElementTree as ET

from scoring.core.graph import Person, Tie, analyze_graph
from workspace.map_style import STANCES, MapEdge, MapNode
from workspace.stakeholder_map import render_map

SVG = "{http://www.w3.org/2000/svg}"


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
