from django.contrib import admin

from digests.models import DigestOutbox


@admin.register(DigestOutbox)
class DigestOutboxAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "iso_year", "iso_week", "status", "attempts", "sent_at"]
    list_filter = ["status", "iso_year", "iso_week"]
    search_fields = ["user__email", "organization__name", "message_id"]
    readonly_fields = [f.name for f in DigestOutbox._meta.fields]
