"""The HTML of Django's most common widgets, written in Python: an <input> of any type, a
<textarea>, a <select> and its options, byte for byte what Django's templates draw.

Django draws every widget with a template, and each option of a <select> with a template
of its own that includes another for its attributes: a form with a few selects costs a
page milliseconds. These few templates are short and fixed, so they are written out here
as they would come out, escaping every text as the template would (`text`: localized,
then escaped unless marked safe; attribute values through `stringformat:"s"`,
`formatted`). Two ways in:

- :func:`render_widget`: from the context `Widget.get_context` made (the form renderer,
  config.form_renderer, for every widget of every form);
- :func:`drawn`: straight from a widget of one of Django's own classes, its value and the
  attributes a bound field adds, without the context dictionaries (one per option of a
  select) `Widget.render` builds first (the group page's empty forms,
  workspace.templatetags.form_fields).

Any other template, or a widget or option with a template of its own, is left to Django
(None). tests/config/test_form_renderer.py compares both ways with Django's templates for
many widgets, values and hostile texts.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData

from workspace.escaping import escape

WIDGETS = "django/forms/widgets/"
INPUTS = frozenset(
    WIDGETS + f"{name}.html"
    for name in (
        "input",
        "text",
        "email",
        "number",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
    )
)
SELECT = WIDGETS + "select.html"
OPTION = WIDGETS + "select_option.html"
TEXTAREA = WIDGETS + "textarea.html"

_CONTEXT = Context()  # autoescape on; time zone and localization from the settings
_PLAIN = (str, int)  # exactly these types (not subclasses: bool, or text marked safe)


def text(value) -> str:
    """`{{ value }}`. A plain `str` (most values) is only escaped, and a plain `int` written
    as it is unless numbers are written with thousand separators: the template engine's
    localizing and time-zone steps leave them as they are."""
    kind = type(value)
    if kind is str:
        return escape(value)
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return render_value_in_context(value, _CONTEXT)


def formatted(value) -> str:
    """`{{ value|stringformat:'s' }}` (the filter is safe: marked-safe text stays so). For
    a plain `str` or `int` that is the escaped `str()` of it."""
    if type(value) in _PLAIN:
        return escape(str(value))
    out = stringformat(value, "s")
    return out if isinstance(value, SafeData) else text(out)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {text(name)}")
            if value is not True:
                parts.append(f'="{formatted(value)}"')
    return "".join(parts)


def _input(type_, name, value, attrs: dict) -> str:
    shown = f' value="{formatted(value)}"' if value is not None else ""
    return f'<input type="{text(type_)}" name="{text(name)}"{shown}{_attrs(attrs)}>'


def _textarea(name, value, attrs: dict) -> str:
    return (
        f'<textarea name="{text(name)}"{_attrs(attrs)}>\n{text(value) if value else ""}</textarea>'
    )


def _option(value, label, selected: bool) -> str:
    """select_option.html (its option's attributes are at most `selected`), with the
    newline that ends the file (an include keeps it)."""
    return (
        f'\n  <option value="{formatted(value)}"{" selected" if selected else ""}>'
        f"{text(label)}</option>\n"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{text(group_name)}">')
        for option in options:
            if option.get("template_name") != OPTION:
                return None
            attrs = option["attrs"]
            if attrs and attrs != {"selected": True}:  # attributes of its own
                parts.append(
                    f'\n  <option value="{formatted(option["value"])}"{_attrs(attrs)}>'
                    f"{text(option['label'])}</option>\n"
                )
            else:
                parts.append(_option(option["value"], option["label"], bool(attrs)))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_widget(template_name: str, widget: dict) -> str | None:
    """The widget's HTML as `template_name` would draw it from the context `widget`
    (`Widget.get_context(...)["widget"]`), or None: not one of ours."""
    if template_name in INPUTS:
        return _input(widget["type"], widget["name"], widget["value"], widget["attrs"])
    if template_name == SELECT:
        return _select(widget)
    if template_name == TEXTAREA:
        return _textarea(widget["name"], widget["value"], widget["attrs"])
    return None


# Django's own widget classes whose contexts are only what Widget.get_context makes (and
# an input's type); a subclass may make more of them.
_INPUT_CLASSES = frozenset(
    {
        forms.TextInput,
        forms.NumberInput,
        forms.EmailInput,
        forms.URLInput,
        forms.ColorInput,
        forms.SearchInput,
        forms.TelInput,
        forms.HiddenInput,
        forms.DateInput,
        forms.DateTimeInput,
        forms.TimeInput,
    }
)


def drawn(widget: forms.Widget, name: str, value, attrs: dict) -> str | None:
    """`widget.render(name, value, attrs)` with a renderer that draws Django's templates,
    for a widget of one of Django's own input, textarea or select classes (None for any
    other, or one given a template of its own, or a select with groups of options)."""
    kind = type(widget)
    template_name = widget.template_name
    if kind in _INPUT_CLASSES or kind is forms.CheckboxInput:
        if template_name not in INPUTS:
            return None
        if kind is forms.CheckboxInput and widget.check_test(value):
            attrs = {**attrs, "checked": True}
        built = {**widget.attrs, **attrs}
        return _input(widget.input_type, name, widget.format_value(value), built)
    if kind is forms.Textarea and template_name == TEXTAREA:
        return _textarea(name, widget.format_value(value), {**widget.attrs, **attrs})
    if kind is forms.Select and template_name == SELECT and widget.option_template_name == OPTION:
        return _choices(widget, name, widget.format_value(value), {**widget.attrs, **attrs})
    return None


def _choices(widget: forms.Select, name: str, values: list[str], attrs: dict) -> str | None:
    """A single select's options, as `ChoiceWidget.optgroups` picks them (the first option
    whose value is among `values` is selected)."""
    parts = [f'<select name="{text(name)}"{_attrs(attrs)}>']
    picked = False
    for value, label in widget.choices:
        if isinstance(label, list | tuple):
            return None  # a group of options: left to Django
        if value is None:
            value = ""
        selected = not picked and str(value) in values
        picked = picked or selected
        parts.append(_option(value, label, selected))
    parts.append("\n</select>")
    return "".join(parts)
