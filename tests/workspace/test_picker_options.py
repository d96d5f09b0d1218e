"""The recipient picker's option lists and role and faction buttons, drawn in Python
(workspace/templatetags/picker.py), are the HTML the template loops drew: every name,
email and label escaped, the ticked people selected or checked."""

import pytest
from django.template import engines
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import cached
from workspace.recipient_picker import PickPeople, PickPerson, PickSet

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
SETS_LOOP = (
    '{% for set in sets %} <button type="submit" class="chip-button" form="{{ find_form }}" '
    'name="role" value="{{ set.value }}" data-ids="{{ set.id_list }}">{{ set.label }} '
    '<span class="chip-button__count">{{ set.ids|length }}</span></button>{% endfor %}'
)
SETS_TAG = '{% load picker %}{% picker_sets sets find_form "role" %}'


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


text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20))
ids = st.integers(min_value=1, max_value=10**9)


@settings(max_examples=100, deadline=None)
@given(
    found=st.lists(st.builds(PickPerson, pk=ids, label=text, email=text), max_size=6),
    picked=st.frozensets(ids, max_size=3),
    name=text,
    sets=st.lists(
        st.builds(PickSet, value=text, label=text, ids=st.lists(ids, max_size=4).map(tuple)),
        max_size=5,
    ),
    find_form=text,
)
def test_any_text_is_drawn_as_the_loops_drew_it(found, picked, name, sets, find_form):
    picked = picked | {p.pk for p in found[:1]}
    context = {"people": found, "picked": picked, "name": name, "sets": sets}
    context["find_form"] = find_form
    engine = engines["django"]
    for kind, tag in TAGS.items():
        ours = engine.from_string(tag).render(context)
        assert ours == engine.from_string(LOOPS[kind]).render(context)
    ours = engine.from_string(SETS_TAG).render(context)
    assert ours == engine.from_string(SETS_LOOP).render(context)


def test_a_pickers_people_keep_their_escaped_texts_but_do_not_pickle_them():
    listed = PickPeople(people())
    assert listed.escaped is listed.escaped  # worked out once
    assert listed.escaped[0].label == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; (Champion)"
    )
    assert listed.escaped[2].email == "O&#x27;Brien &amp; &lt;Sons&gt;@x.example"
    assert listed.escaped[-1].pk == 1234
    copied = cached.loads(cached.dumps(listed))  # as the analysis cache stores it
    assert type(copied) is PickPeople and copied == listed and "escaped" not in vars(copied)


def test_a_pickers_people_keep_their_lines_and_draw_what_the_loops_drew():
    """The lines a picker's people keep (options, and checkboxes per field name) give what
    the loops drew whatever is picked, in any order of views, and are not pickled."""
    listed = PickPeople(people())
    engine = engines["django"]
    views = [frozenset(), frozenset({1, 3}), frozenset(), frozenset({1234}), frozenset()]
    for picked in views:
        for name in ("touch-recipients", 'touch-"recipients'):
            kept_context = {"people": listed, "picked": picked, "name": name}
            plain_context = {**kept_context, "people": list(listed)}
            for kind, tag in TAGS.items():
                ours = engine.from_string(tag).render(kept_context)
                assert ours == engine.from_string(LOOPS[kind]).render(plain_context)
    nothing_picked = engine.from_string(TAGS["options"]).render({"people": listed, "picked": ()})
    assert nothing_picked.count("<option ") == 5 and " selected" not in nothing_picked
    copied = cached.loads(cached.dumps(listed))
    assert "_kept" not in vars(copied) and "_kept" in vars(listed)
