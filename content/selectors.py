"""Careful reads of the content library: the filtered asset list and theme labels."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from accounts.models import Organization
from content.models import Asset, GlossaryTerm, Theme

ASSET_SORTS = {
    "title": ("Title", [Lower("title"), "pk"]),
    "newest": ("Newest first", ["-created_at", "-pk"]),
}
DEFAULT_SORT = "title"


@dataclass(frozen=True)
class AssetFilters:
    query: str = ""
    theme: str = ""  # a theme slug
    framing: str = ""
    level: str = ""
    stage: str = ""
    sort: str = DEFAULT_SORT

    @property
    def active(self) -> bool:
        """True when anything narrows the list (the sort does not)."""
        return any((self.query, self.theme, self.framing, self.level, self.stage))


def asset_list(organization: Organization, filters: AssetFilters) -> QuerySet[Asset]:
    assets = Asset.objects.filter(organization=organization)
    if q := filters.query.strip():
        assets = assets.filter(
            Q(title__icontains=q) | Q(summary__icontains=q) | Q(slug__icontains=q)
        )
    if filters.theme:
        assets = assets.filter(themes__has_key=filters.theme)
    for name in ("framing", "level", "stage"):
        if value := getattr(filters, name):
            assets = assets.filter(**{name: value})
    return assets.order_by(*ASSET_SORTS.get(filters.sort, ASSET_SORTS[DEFAULT_SORT])[1])


def themes_of(organization: Organization) -> list[Theme]:
    return list(Theme.objects.filter(organization=organization).order_by(Lower("name")))


@dataclass(frozen=True)
class ThemeChip:
    slug: str
    name: str
    weight: float


def theme_chips(themes: dict, names: dict[str, str]) -> list[ThemeChip]:
    """An asset's themes, heaviest first, named as the library names them."""
    ordered = sorted(themes.items(), key=lambda item: (-item[1], item[0]))
    return [ThemeChip(slug, names.get(slug, slug), weight) for slug, weight in ordered]


def theme_names(organization_id: int) -> dict[str, str]:
    """Slug -> name of every theme of the organization, in the library's order (by name)."""
    return dict(Theme.objects.filter(organization_id=organization_id).values_list("slug", "name"))


def with_theme_chips(assets: Iterable[Asset], organization: Organization) -> list[Asset]:
    """The assets, each with `.theme_chips` set, in one query for the theme names."""
    assets = list(assets)
    wanted = {slug for asset in assets for slug in asset.themes}
    names = dict(
        Theme.objects.filter(organization=organization, slug__in=wanted).values_list("slug", "name")
    )
    for asset in assets:
        asset.theme_chips = theme_chips(asset.themes, names)
    return assets


def glossary_list(organization: Organization, *, query: str = "") -> QuerySet[GlossaryTerm]:
    terms = GlossaryTerm.objects.filter(organization=organization).prefetch_related("themes")
    if q := query.strip():
        terms = terms.filter(Q(term__icontains=q) | Q(definition__icontains=q))
    return terms.order_by(Lower("term"), "pk")


def terms_for_themes(organization: Organization, slugs: Sequence[str]) -> list[GlossaryTerm]:
    """Glossary terms linked to any of these themes: the words to use with an asset."""
    if not slugs:
        return []
    return list(
        GlossaryTerm.objects.filter(organization=organization, themes__slug__in=slugs)
        .distinct()
        .order_by(Lower("term"))
    )
