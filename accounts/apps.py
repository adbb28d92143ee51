from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and access"

    def ready(self):
        from accounts import receivers  # noqa: F401  (login/logout records; see docs)
        from accounts.audit import register_audited_models

        register_audited_models()
