"""Trigram indexes for the staff search of notifications (pg_trgm, a trusted extension: the
database owner may create it). Measured at 50,000 notifications, the biggest ICB's search
read 6,129 buffers (every notification of the ICB, all years); with these, 198."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("leder", "0002_accesslog_append_only"),
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="notification",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("reference"), name="gin_trgm_ops"
                ),
                name="notif_reference_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("given_name"), name="gin_trgm_ops"
                ),
                name="notif_given_name_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("family_name"), name="gin_trgm_ops"
                ),
                name="notif_family_name_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("other_names"), name="gin_trgm_ops"
                ),
                name="notif_other_names_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass("name_key", name="gin_trgm_ops"),
                name="notif_name_key_trgm",
            ),
        ),
    ]
