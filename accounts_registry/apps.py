from django.apps import AppConfig


class AccountsRegistryConfig(AppConfig):
    name = "accounts_registry"
    verbose_name = "Social media accounts"
