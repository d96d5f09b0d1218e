"""`{{ slug|theme_name:theme_names }}`: a theme's name, as the charts and suggestions show
it, from the organization's {slug: name} map (`GroupAnalysis.theme_names`). Plain text:
autoescaping escapes it like any other value."""

from django import template

from content.theme_labels import theme_label

register = template.Library()


@register.filter
def theme_name(slug: str, names: dict[str, str] | None) -> str:
    return theme_label(slug, names or {})
