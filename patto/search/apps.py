from django.apps import AppConfig


class SearchConfig(AppConfig):
    """An app only for its migrations: the full-text configuration and the indexes the search
    reads on PostgreSQL."""

    name = "patto.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"
