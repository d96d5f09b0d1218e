"""The recipient picker's option lists, drawn in Python (workspace/templatetags/picker.py),
are the HTML the template loop drew: every name and email escaped, the ticked people
selected or checked."""

import pytest
from django.template import engines

from workspace.recipient_picker import PickPerson

HOSTILE = [
    '<script>alert("x")</script>',
    "\" onmouseover='alert(1)' x=\"",
    "O'Brien & <Sons>",
    "Zoë “quoted” — ünïcode",
]

# What recipient_picker.html drew before the tags: the reference.
LOOPS = {
    "options": (
        '{% for person in people %}<option value="{{ person.pk }}" data-s="{{ person.email }}"'
        "{% if person.pk in picked %} selected{% endif %}>{{ person.label }}</option>"
        "{% endfor %}"
    ),
    "checkboxes": (
        '{% for person in people %}<li data-s="{{ person.email }}"><label><input '
        'type="checkbox" name="{{ name }}" value="{{ person.pk }}"{% if person.pk in picked %}'
        " checked{% endif %}> {{ person.label }}</label></li>{% endfor %}"
    ),
}
TAGS = {
    "options": "{% load picker %}{% picker_options people picked %}",
    "checkboxes": "{% load picker %}{% picker_checkboxes people picked name %}",
}


def people() -> list:
    found = [
        PickPerson(pk=i + 1, label=f"{text} (Champion)", email=f"{text}@x.example")
        for i, text in enumerate(HOSTILE)
    ]
    return [*found, PickPerson(pk=1234, label="Ana Ruiz (Economic buyer)", email="ana@x.com")]


@pytest.mark.parametrize("kind", ["options", "checkboxes"])
@pytest.mark.parametrize("picked", [frozenset(), frozenset({1, 3}), frozenset({1, 2, 3, 4, 1234})])
def test_the_tags_draw_what_the_loop_drew(kind, picked):
    context = {"people": people(), "picked": picked, "name": 'touch-"recipients'}
    engine = engines["django"]
    ours = engine.from_string(TAGS[kind]).render(context)
    assert ours == engine.from_string(LOOPS[kind]).render(context)
    assert "<script>" not in ours and "&lt;script&gt;" in ours
    assert ours.count(" selected" if kind == "options" else " checked") == len(picked)


def test_nobody_draws_nothing():
    engine = engines["django"]
    for tag in TAGS.values():
        assert engine.from_string(tag).render({"people": [], "picked": set(), "name": "x"}) == ""
