from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "reviews.records"
    label = "records"
    verbose_name = "GP record requests"
    default_auto_field = "django.db.models.BigAutoField"
