from django.apps import AppConfig

from planner.signals import group_changed, organization_changed
from scoring.signals import snapshot_stored


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = "Workspace"

    def ready(self) -> None:
        # The one import inside a function the import-graph test allows: a module that
        # imports models can only be loaded once the app registry is ready.
        from workspace import page_cache

        group_changed.connect(page_cache.on_group_changed, dispatch_uid="page-group-changed")
        organization_changed.connect(
            page_cache.on_organization_changed, dispatch_uid="page-organization-changed"
        )
        snapshot_stored.connect(page_cache.on_group_changed, dispatch_uid="page-snapshot-stored")
