"""A theme as people read it: its name in the content library, or its slug made readable
when the library does not have it (yet)."""

from collections.abc import Mapping


def theme_label(slug: str, names: Mapping[str, str]) -> str:
    return names.get(slug) or slug.replace("-", " ")
