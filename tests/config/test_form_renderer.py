"""config.form_renderer draws inputs, textareas and selects in Python: the HTML is byte for
byte what Django's templates draw, for every kind of value, including text typed to
break out of an attribute or a tag."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, Engine
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from config.form_renderer import FormRenderer
from planner.forms import RelationshipForm, StakeholderForm, TouchForm
from tests.factories import group_of
from workspace.widget_html import drawn, formatted, render_widget, text

HOSTILE = [
    '<script>alert("x")</script>',
    "\" onmouseover='alert(1)' x=\"",
    "O'Brien & <Sons>",
    "Zoë “quoted” — ünïcode",
    "",
    "  spaced  ",
]


def both(widget, name, value, attrs=None) -> tuple[str, str]:
    ours = widget.render(name, value, attrs=attrs, renderer=FormRenderer())
    django = widget.render(name, value, attrs=attrs, renderer=DjangoTemplates())
    return ours, django


WIDGETS = [
    forms.TextInput(),
    forms.TextInput(attrs={"list": "people", "autocomplete": "off", "data-x": True}),
    forms.EmailInput(attrs={"required": True, "maxlength": 254}),
    forms.NumberInput(attrs={"min": 1, "max": 5, "step": Decimal("0.5")}),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.DateInput(attrs={"type": "date"}),
    forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    forms.TimeInput(),
    forms.SearchInput() if hasattr(forms, "SearchInput") else forms.TextInput(),
    forms.TelInput() if hasattr(forms, "TelInput") else forms.TextInput(),
    forms.ColorInput() if hasattr(forms, "ColorInput") else forms.TextInput(),
    forms.CheckboxInput(),
    forms.Textarea(attrs={"rows": 2}),
]

VALUES = [
    None,
    "",
    0,
    3,
    1234567,
    2.5,
    Decimal("10.50"),
    True,
    False,
    date(2026, 11, 5),
    datetime(2026, 11, 5, 12, 30),
    mark_safe("<b>safe</b>"),
    *HOSTILE,
]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
def test_inputs_and_textareas_are_drawn_as_django_draws_them(widget):
    in_python = render_widget(widget.template_name, widget.get_context("f", "v", None)["widget"])
    assert in_python is not None  # drawn in Python, not left to Django
    direct = not isinstance(widget, forms.PasswordInput)  # (it may leave its value out)
    for value in VALUES:
        for attrs in (None, {"id": "id_x", "class": 'a"b', "disabled": False, "hx": True}):
            ours, django = both(widget, "field", value, attrs)
            assert ours == django, (value, attrs)
            assert drawn(widget, "field", value, attrs or {}) == (django if direct else None)
    hostile_attrs = {"title": HOSTILE[0], HOSTILE[2]: "x", "placeholder": HOSTILE[1]}
    ours, django = both(widget, 'na"me<', HOSTILE[0], hostile_attrs)
    assert ours == django
    assert "<script>" not in ours
    if direct:
        assert drawn(widget, 'na"me<', HOSTILE[0], hostile_attrs) == django


CHOICES = [
    [],
    [("", "---------")],
    [(1, "One"), (2, "Two"), (3, 3)],
    [("", "---------"), *[(str(i), text) for i, text in enumerate(HOSTILE)]],
    [(text, text) for text in HOSTILE],
    [
        ("Group <one>", [("a", "A"), ("b", "B & b")]),
        ("c", "C"),
        ('Group "two"', [(1, "x"), (2, "y")]),
    ],
    [(Decimal("1.5"), "one and a half"), (True, "yes"), (None, "none")],
]


@pytest.mark.parametrize("choices", CHOICES)
@pytest.mark.parametrize("multiple", [False, True])
def test_selects_are_drawn_as_django_draws_them(choices, multiple):
    widget_class = forms.SelectMultiple if multiple else forms.Select
    widget = widget_class(choices=choices, attrs={"data-x": HOSTILE[1], "size": 3})
    assert render_widget(widget.template_name, widget.get_context("f", "", None)["widget"])
    values = [None, "", "1", 1, "a", [1, "b"], HOSTILE[0], [HOSTILE[1]], ["", "c"]]
    grouped = any(isinstance(label, list) for _, label in choices)
    for value in values:
        ours, django = both(widget, "pick", value, {"id": "id_pick", "required": True})
        assert ours == django, value
        direct = drawn(widget, "pick", value, {"id": "id_pick", "required": True})
        # Drawn straight from a single select (a group of options is left to Django)
        assert direct == (None if multiple or grouped else django), value


def test_a_select_with_options_of_their_own_template_is_left_to_django():
    class Fancy(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    ours, django = both(Fancy(choices=[(1, "One <b>")]), "x", 1)
    assert ours == django
    fancy = forms.Select(choices=[(1, "One <b>")])
    fancy.option_template_name = Fancy.option_template_name
    assert drawn(fancy, "x", 1, {}) is None


def test_other_widgets_are_left_to_django():
    class Mine(forms.TextInput):
        pass

    own_template = forms.TextInput()
    own_template.template_name = "django/forms/widgets/radio.html"
    for widget in (
        forms.RadioSelect(choices=[(1, "One"), (2, HOSTILE[0])]),
        forms.CheckboxSelectMultiple(choices=[(1, "One"), (2, HOSTILE[1])]),
        forms.ClearableFileInput(),
        forms.SplitDateTimeWidget(),
    ):
        ours, django = both(widget, "x", None)
        assert ours == django
        assert drawn(widget, "x", None, {}) is None
    for widget in (Mine(), own_template, forms.NullBooleanSelect(), forms.SelectMultiple()):
        assert drawn(widget, "x", None, {}) is None  # a class or template of its own


def test_the_group_pages_forms_are_drawn_as_django_draws_them(org):
    group = group_of(org, 30)
    group.stakeholders.filter(pk=group.stakeholders.first().pk).update(name=HOSTILE[0])
    people = list(group.stakeholders.order_by("name"))
    posted = {"person-name": HOSTILE[1], "person-influence": "9", "person-notes": HOSTILE[2]}
    forms_drawn = [
        StakeholderForm(group=group, prefix="person"),
        StakeholderForm(posted, group=group, prefix="person"),
        RelationshipForm(group=group, stakeholders=people, prefix="tie"),
        RelationshipForm(group=group, stakeholders=people[:5], prefix="tie"),
        TouchForm(group=group, stakeholders=people, prefix="touch"),
    ]
    for form in forms_drawn:
        assert isinstance(form.renderer, FormRenderer)  # the settings' renderer
        ours = [str(field) for field in form]
        form.renderer = DjangoTemplates()
        assert ours == [str(field) for field in form]


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.text(), st.integers(), st.booleans(), st.floats(allow_nan=False)))
def test_a_value_is_written_as_the_template_engine_writes_it(value):
    """`{{ value }}` and `{{ value|stringformat:'s' }}`, whatever the value (the short ways
    for plain text and whole numbers included)."""
    engine = Engine()
    context = Context({"value": value})
    assert text(value) == engine.from_string("{{ value }}").render(context)
    assert formatted(value) == engine.from_string("{{ value|stringformat:'s' }}").render(context)
