"""The people on the stakeholder map come in reading order (top to bottom, a row left to
right), the order Tab reaches their links in; tests/e2e/test_map_tab_order.py presses
Tab in the browser."""

from tests.workspace.drawn_map import draw, main_circle, nine_people, node_groups, parse
from workspace.stakeholder_map import ROW, reading_order


def test_a_row_is_read_left_to_right_before_the_next_row():
    positions = {
        "ana": (100.0, 50.0),  # 10 below the row's first node (cy): the same row
        "bo": (20.0, 58.0),  # 18 below it: the next row
        "cy": (300.0, 40.0),
        "di": (10.0, 200.0),
        "ed": (5.0, 40.0 + ROW),  # at the row's bound: still in it
    }
    assert reading_order(positions) == ["ed", "ana", "cy", "bo", "di"]


def test_people_at_one_height_are_read_by_their_left_then_by_key():
    positions = {"b": (10.0, 5.0), "a": (10.0, 5.0), "c": (0.0, 5.5)}
    assert reading_order(positions) == ["c", "a", "b"]
    assert reading_order({}) == []


def test_the_drawing_lists_its_people_in_reading_order():
    nodes, edges = nine_people()
    root = parse(draw(nodes, edges))
    centres = {}
    for group in node_groups(root):
        circle = main_circle(group)
        centres[group.get("id")] = (float(circle.get("cx")), float(circle.get("cy")))
    drawn = [group.get("id") for group in node_groups(root)]
    assert len(drawn) == 9 and drawn == reading_order(centres)
    heights = [centres[key][1] for key in drawn]
    assert heights[0] == min(heights) and heights[-1] >= max(heights) - ROW
