from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "HTTP API and webhooks"

    def ready(self) -> None:
        from api import events, key_owners  # noqa: F401  (connects the receivers)
