"""`{% form_fields form %}`: a form's fields as templates/partials/form_fields.html draws
them, written in Python, for the group page's three forms (the page's most expensive
part as a template: a dozen lookups of a bound field for each of some twenty fields).

The HTML is byte for byte the partial's (tests/workspace/test_form_fields.py renders
both for the group page's forms, empty, with errors and with a sensitive-data warning,
for every shape of the recipient picker, and for other forms of the app): change one,
change the other. The recipient picker is written here too, as
templates/partials/recipient_picker.html (which the partial includes) draws it, its
lists by workspace/templatetags/picker.py. Each widget is still drawn by the form's
renderer (`str(field)`), and the sensitive-data warning by its own template. Every text
is escaped as `{{ }}` escapes it; a field's help text is written as it is, as the
partial's `|safe` does (help texts are ours), except the picker's, escaped as its
template does.
"""

import functools
import re

from django import template
from django.forms import BaseForm, MultiWidget
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from workspace.templatetags.picker import picker_checkboxes, picker_options, picker_sets
from workspace.widget_html import drawn
from workspace.widget_html import text as _text

register = template.Library()

PARTIAL = "partials/form_fields.html"
SENSITIVE = "partials/sensitive_check.html"


_SEARCH = (
    '<div class="picker__search">\n'
    '      <label for="{id}_q">Find people <span class="optional">by name, email, title or '
    "role</span></label>\n"
    '      <div class="picker__search-row"><input type="search" id="{id}_q" name="q" '
    'form="{find_form}" value="{query}" autocomplete="off" data-picker-search><button '
    'type="submit" class="button button--small" form="{find_form}" data-picker-find>Find'
    "</button></div>\n"
    "    </div>"
)
_SETS = (
    '<div class="picker__sets" role="group" aria-labelledby="{id}_{kind}"><span '
    'id="{id}_{kind}" class="picker__sets-title">Select by {title}</span>{buttons}{more}</div>'
)
_HOLD_CTRL = (
    '\n  <p class="small muted" data-picker-nojs>Hold Ctrl (⌘ on a Mac) to select several '
    "people.</p>"
)


def _picker(form, field) -> str:
    """templates/partials/recipient_picker.html for the recipients `field` of `form`, whose
    `picker` (workspace.recipient_picker.Picker) lists the people."""
    picker, picked = form.picker, form.recipient_ids()
    id_ = _text(field.auto_id)
    errors = field.errors
    find_form = _text(picker.find_form)
    search = (
        _SEARCH.format(id=id_, find_form=find_form, query=_text(picker.query))
        if picker.searchable
        else ""
    )
    roles = ""
    if len(picker.roles) > 1:
        buttons = picker_sets(picker.roles, picker.find_form, "role")
        roles = _SETS.format(id=id_, kind="roles", title="role", buttons=buttons, more="")
    factions = ""
    if len(picker.factions) > 1:
        more = ""
        if picker.factions_hidden:
            hidden = picker.factions_hidden
            more = (
                f' <span class="small muted">and {_text(hidden)} smaller faction'
                f"{'' if hidden == 1 else 's'}</span>"
            )
        buttons = picker_sets(picker.factions, picker.find_form, "faction")
        factions = _SETS.format(
            id=id_, kind="factions", title="faction", buttons=buttons, more=more
        )
    found = ""
    if picker.found:
        found = (
            f" · found {len(picker.people)} for “{_text(picker.query)}”: "
            f'<a href="{_text(picker.find_url)}">show everyone</a>'
        )
    name = field.html_name
    if picker.checkboxes:
        people = (
            picker_checkboxes(picker.people, picked, name)
            if picker.people
            else '<li class="muted">Nobody found.</li>'
        )
        listed = f'<ul class="picker__list" data-picker-list>{people}</ul>\n  '
    else:
        listed = (
            f'<select multiple size="10" name="{_text(name)}" id="{id_}" '
            f'aria-labelledby="{id_}_legend" class="picker__select" data-picker-select>'
            f"{picker_options(picker.people, picked)}</select>{_HOLD_CTRL}"
        )
    help_text = ""
    if field.help_text:
        help_text = f'<div class="help" id="{id_}_helptext">{_text(field.help_text)}</div>'
    shown = "".join(f'<p class="error" id="{id_}_error">{_text(e)}</p>' for e in errors)
    return (
        f'\n<fieldset class="field picker{" field--error" if errors else ""}" data-picker '
        f'aria-describedby="{id_}_helptext{f" {id_}_error" if errors else ""}">\n'
        f'  <legend id="{id_}_legend">{_text(field.label)}</legend>\n'
        '  <div class="picker__tools">\n'
        f"    {search}\n"
        f"    {roles}\n"
        f"    {factions}\n"
        '    <p class="picker__status small" data-picker-status aria-live="polite"><span '
        f"data-picker-count>{len(picked)}</span> of {_text(picker.size)} selected{found} "
        '<button type="button" class="link-button" data-picker-clear hidden>Clear the '
        "selection</button></p>\n"
        "  </div>\n"
        f"  {listed}\n"
        f"  {help_text}\n"
        f"  {shown}\n"
        "</fieldset>\n\n"  # and the newline after the template's {% endwith %}
    )


def _field(field) -> str:
    """One visible field: the partial's `<div class="field">` block."""
    errors = field.errors if field.form.errors else ()  # (an empty form has none)
    auto_id = field.auto_id
    checkbox = _widget_type(type(field.field.widget)) == "checkbox"
    classes = "field"
    if errors:
        classes += " field--error"
    if checkbox:
        classes += " field--checkbox"
    widget = field.field.widget
    label_for = _text(widget.id_for_label(widget.attrs.get("id") or auto_id))
    label = _text(field.label)
    drawn = _widget(field, auto_id)
    if checkbox:
        body = f'\n    {drawn} <label for="{label_for}">{label}</label>\n  '
    else:
        optional = "" if field.field.required else ' <span class="optional">(optional)</span>'
        body = f'\n    <label for="{label_for}">{label}{optional}</label>\n    {drawn}\n  '
    help_text = ""
    auto_id = _text(auto_id)
    if field.help_text:
        help_text = f'<div class="help" id="{auto_id}_helptext">{field.help_text}</div>'
    shown = "".join(f'<p class="error" id="{auto_id}_error">{_text(e)}</p>' for e in errors)
    return f'\n<div class="{classes}">\n  {body}\n  {help_text}\n  {shown}\n</div>\n'


@functools.cache
def _widget_type(widget: type) -> str:
    """`BoundField.widget_type` of a widget of this class."""
    return re.sub(r"widget$|input$", "", widget.__name__.lower())


def _widget(field, auto_id) -> str:
    """`str(field)`: its widget, as `BoundField.as_widget` draws it. For a field of a form
    not bound to data (an empty form, as most views of the group page show all three) it
    is asked for directly: the attributes `as_widget` adds (required, aria-describedby,
    id) and the initial value, as it works them out (tests/workspace/test_form_fields.py
    compares every field of the app's forms)."""
    form, bound, widget = field.form, field.field, field.field.widget
    if (
        form.is_bound
        or bound.localize
        or bound.disabled
        or bound.show_hidden_initial
        or isinstance(widget, MultiWidget)
    ):
        return str(field)
    initial = field.initial
    attrs = {}
    if widget.use_required_attribute(initial) and bound.required and form.use_required_attribute:
        attrs["required"] = True
    if (
        auto_id
        and bound.help_text
        and not widget.is_hidden
        and not widget.use_fieldset
        and not widget.attrs.get("aria-describedby")
    ):
        attrs["aria-describedby"] = f"{auto_id}_helptext"
    if auto_id and "id" not in widget.attrs:
        attrs["id"] = auto_id
    value = bound.prepare_value(initial)
    if getattr(form.renderer, "draws_django_templates", False):
        html = drawn(widget, field.html_name, value, attrs)
        if html is not None:
            return html
    return widget.render(name=field.html_name, value=value, attrs=attrs, renderer=form.renderer)


@register.simple_tag(takes_context=True)
def form_fields(context, form) -> str:
    """templates/partials/form_fields.html for `form`."""
    if not isinstance(form, BaseForm):  # not a form (a missing variable): the partial
        with context.push(form=form):
            return context.template.engine.get_template(PARTIAL).render(context)
    return mark_safe(form_html(form))  # noqa: S308 - see form_html


def form_html(form: BaseForm) -> str:
    """templates/partials/form_fields.html for `form`, a form. Widgets are the renderer's
    HTML, the sensitive-data warning is its template's (autoescaped), every text below
    goes through `_text`, and help texts are written by us (the partial's `|safe`)."""
    parts = []
    if getattr(form, "sensitive_findings", None):
        parts.append(get_template(SENSITIVE).render({"form": form}))
    parts.append("\n")
    non_field_errors = form.non_field_errors()
    if non_field_errors:
        shown = "".join(f"<p>{_text(error)}</p>" for error in non_field_errors)
        parts.append(f'\n<div class="form-errors" role="alert">{shown}</div>\n')
    parts.append("\n")
    parts.extend(str(field) for field in form.hidden_fields())
    parts.append("\n")
    picker = getattr(form, "picker", None)
    for field in form.visible_fields():
        parts.append("\n")
        if field.name == "recipients" and picker:
            parts.append(_picker(form, field))
        else:
            parts.append(_field(field))
        parts.append("\n")
    parts.append("\n")
    return "".join(parts)
