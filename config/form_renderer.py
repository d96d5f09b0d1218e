"""The form renderer (settings.FORM_RENDERER): Django's, with its most common widgets
written out in Python instead of through templates, byte for byte the same HTML.

Django draws every widget with a template, and each option of a <select> with a template
of its own that includes another for its attributes: a form with a few selects costs a
page milliseconds. These few templates (an <input> of any type, a <textarea>, a <select>
and its options) are short and fixed, so this renderer writes them as they would come out,
escaping every text as the template would (`render_value_in_context`: localized, then
escaped unless marked safe; attribute values through `stringformat:"s"`). Any other
template, or a widget or option with a template of its own, is rendered by Django as
before. Tests compare both renderings for many widgets, values and hostile texts.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
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


def _text(value) -> str:
    """`{{ value }}`. A plain `str` (most values) is only escaped: the template engine's
    localizing and time-zone steps leave it as it is."""
    if type(value) is str:
        return escape(value)
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}` (the filter is safe: marked-safe text stays so). For
    a plain `str` or `int` that is the escaped `str()` of it."""
    if type(value) in _PLAIN:
        return escape(str(value))
    out = stringformat(value, "s")
    return out if isinstance(value, SafeData) else _text(out)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {_text(name)}")
            if value is not True:
                parts.append(f'="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>"
    )


def _option(option: dict) -> str:
    """select_option.html, with the newline that ends the file (an include keeps it)."""
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option.get("template_name") != OPTION:
                return None
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_widget(template_name: str, widget: dict) -> str | None:
    """The widget's HTML as `template_name` would draw it, or None: not one of ours."""
    if template_name in INPUTS:
        return _input(widget)
    if template_name == SELECT:
        return _select(widget)
    if template_name == TEXTAREA:
        return _textarea(widget)
    return None


class FormRenderer(DjangoTemplates):
    """Django's default renderer, drawing the widgets above in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict):
            html = render_widget(template_name, widget)
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
