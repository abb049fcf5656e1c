from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LederConfig(AppConfig):
    name = "leder"
    verbose_name = "LeDeR core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from leder.auth import security_log
        from leder.services.roles import sync_roles_after_migrate

        # Sign-ins, failed sign-ins and sign-outs on the leder.security log.
        security_log.connect()

        # Permissions exist only after migrate, so the role groups are synced then.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="leder.sync_roles")
