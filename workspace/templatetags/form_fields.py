"""`{% form_fields form %}`: a form's fields as templates/partials/form_fields.html draws
them, written in Python, for the group page's three forms (the page's most expensive
part as a template: a dozen lookups of a bound field for each of some twenty fields).

The HTML is byte for byte the partial's (tests/workspace/test_form_fields.py renders
both for the group page's forms, empty, with errors and with a sensitive-data warning,
and for other forms of the app): change one, change the other. Each widget is still drawn
by the form's renderer (`str(field)`), and the recipient picker and the sensitive-data
warning by their own templates. Every text is escaped as `{{ }}` escapes it; a field's
help text is written as it is, as the partial's `|safe` does (help texts are ours).
"""

from django import template
from django.forms import BaseForm
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import mark_safe

from workspace.escaping import escape

register = template.Library()

PARTIAL = "partials/form_fields.html"
PICKER = "partials/recipient_picker.html"
SENSITIVE = "partials/sensitive_check.html"
_CONTEXT = Context()  # autoescape on; time zone and localization from the settings


def _text(value) -> str:
    """`{{ value }}` (a plain `str` is only escaped: the engine's other steps keep it)."""
    if type(value) is str:
        return escape(value)
    return render_value_in_context(value, _CONTEXT)


def _field(field) -> str:
    """One visible field: the partial's `<div class="field">` block."""
    errors = field.errors
    auto_id = _text(field.auto_id)
    checkbox = field.widget_type == "checkbox"
    classes = "field"
    if errors:
        classes += " field--error"
    if checkbox:
        classes += " field--checkbox"
    label_for = _text(field.id_for_label)
    label = _text(field.label)
    if checkbox:
        body = f'\n    {field} <label for="{label_for}">{label}</label>\n  '
    else:
        optional = "" if field.field.required else ' <span class="optional">(optional)</span>'
        body = f'\n    <label for="{label_for}">{label}{optional}</label>\n    {field}\n  '
    help_text = ""
    if field.help_text:
        help_text = f'<div class="help" id="{auto_id}_helptext">{field.help_text}</div>'
    shown = "".join(f'<p class="error" id="{auto_id}_error">{_text(e)}</p>' for e in errors)
    return f'\n<div class="{classes}">\n  {body}\n  {help_text}\n  {shown}\n</div>\n'


@register.simple_tag(takes_context=True)
def form_fields(context, form) -> str:
    """templates/partials/form_fields.html for `form`."""
    engine = context.template.engine
    if not isinstance(form, BaseForm):  # not a form (a missing variable): the partial
        with context.push(form=form):
            return engine.get_template(PARTIAL).render(context)
    parts = []
    if getattr(form, "sensitive_findings", None):
        with context.push(form=form):
            parts.append(engine.get_template(SENSITIVE).render(context))
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
            with context.push(form=form, field=field):
                parts.append(engine.get_template(PICKER).render(context))
        else:
            parts.append(_field(field))
        parts.append("\n")
    parts.append("\n")
    # Widgets are the renderer's HTML, the templates' output is escaped, every text above
    # went through `_text`, and help texts are written by us (the partial's `|safe`).
    return mark_safe("".join(parts))  # noqa: S308
