"""Trigram indexes for the staff search of notifications (pg_trgm, a trusted extension: the
database owner may create it). Measured at 50,000 notifications, the biggest ICB's search
read 6,129 buffers (every notification of the ICB, all years); with these, 198.

The indexes are in the models' state everywhere, but created only where the server has
pg_trgm: the embedded PostgreSQL of ``make run`` / ``make test`` (pgserver) is built
without the contrib extensions, and there the search works without them (it reads the
ICB's notifications, as before this migration). A later migration that alters or drops
these indexes must use ``IF EXISTS`` for the same reason.
"""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations

TRIGRAM_INDEXES = (
    "notif_reference_trgm",
    "notif_given_name_trgm",
    "notif_family_name_trgm",
    "notif_other_names_trgm",
    "notif_name_key_trgm",
)


def trigram_available(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


def create_indexes(apps, schema_editor):
    if not trigram_available(schema_editor):
        print(
            "\n  pg_trgm is not available on this PostgreSQL server: notification searches "
            "work without their trigram indexes (slower on large data)."
        )
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    model = apps.get_model("notifications", "Notification")
    for index in model._meta.indexes:
        if index.name in TRIGRAM_INDEXES:
            schema_editor.add_index(model, index)


def drop_indexes(apps, schema_editor):
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("leder", "0002_accesslog_append_only"),
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
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
                            django.db.models.functions.text.Upper("family_name"),
                            name="gin_trgm_ops",
                        ),
                        name="notif_family_name_trgm",
                    ),
                ),
                migrations.AddIndex(
                    model_name="notification",
                    index=django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Upper("other_names"),
                            name="gin_trgm_ops",
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
            ],
            database_operations=[],
        ),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
