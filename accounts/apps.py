from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and access"

    def ready(self):
        from accounts import checks, receivers  # noqa: F401  (system checks; login/logout records, see docs)
        from accounts.audit import register_audited_models

        register_audited_models()
