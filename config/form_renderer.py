"""The form renderer (settings.FORM_RENDERER): Django's, with its most common widgets
(an <input> of any type, a <textarea>, a <select> and its options) written out in Python
instead of through templates, byte for byte the same HTML (workspace.widget_html). Any
other template, or a widget or option with a template of its own, is rendered by Django
as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates

from workspace.widget_html import render_widget


class FormRenderer(DjangoTemplates):
    """Django's default renderer, drawing the common widgets in Python."""

    draws_django_templates = True  # what it draws is what Django's own templates draw

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict):
            html = render_widget(template_name, widget)
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
