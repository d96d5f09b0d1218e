from django.apps import AppConfig

from planner.signals import group_changed, organization_changed


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Scoring"

    def ready(self) -> None:
        # Allowed by the import-graph test: models load only once the registry is ready.
        from scoring import tasks, versions

        group_changed.connect(tasks.on_group_changed, dispatch_uid="rescore-group-changed")
        # Every write the planner announces makes a new version of the group (or of every
        # group of the organization): cached analyses of the old one are never read again.
        group_changed.connect(versions.on_group_changed, dispatch_uid="version-group-changed")
        organization_changed.connect(
            versions.on_organization_changed, dispatch_uid="version-organization-changed"
        )
        versions.connect()
        # Read the source once at start-up (about 10 ms), not in the first request, and
        # from the files as they were when this process loaded them.
        versions.code_fingerprint()
