from django.contrib import admin

from content.models import Asset, GlossaryTerm, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "organization", "created_at"]
    list_filter = ["organization"]
    search_fields = ["name", "slug"]


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "kind", "framing", "level", "stage", "organization"]
    list_filter = ["organization", "kind", "framing", "level", "stage"]
    search_fields = ["title", "slug", "summary"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "organization", "updated_at"]
    list_filter = ["organization"]
    search_fields = ["term", "definition"]
    filter_horizontal = ["themes"]
    readonly_fields = ["created_at", "updated_at"]
