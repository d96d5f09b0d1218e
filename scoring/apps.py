from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Scoring"

    def ready(self) -> None:
        from planner.signals import group_changed
        from scoring import tasks

        group_changed.connect(tasks.on_group_changed, dispatch_uid="rescore-group-changed")
