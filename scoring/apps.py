from django.apps import AppConfig

from planner.signals import group_changed


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Scoring"

    def ready(self) -> None:
        # Allowed by the import-graph test: models load only once the registry is ready.
        from scoring import tasks

        group_changed.connect(tasks.on_group_changed, dispatch_uid="rescore-group-changed")
