from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender: Any, **kwargs: Any) -> None:
    # leder syncs the role groups after its own migrate, before this app's permissions
    # exist: sync again once they do, so ROLE_PERMISSIONS entries for notifications apply.
    from leder.services.roles import sync_roles

    sync_roles()


class NotificationsConfig(AppConfig):
    name = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="notifications.sync_roles")
