from django.apps import AppConfig

from accounts import stale_statements


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and organizations"

    def ready(self) -> None:
        stale_statements.connect()  # a request that met a stale statement renews it
