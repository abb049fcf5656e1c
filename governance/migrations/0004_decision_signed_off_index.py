"""The KPIs' learning themes: decisions signed off in a period with their agenda item, from
an index alone (docs/performance.md)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0003_minutes_redaction_after_opt_out"),
        ("reviews", "0005_dashboard_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(
                fields=["signed_off_at"],
                include=("item", "id"),
                name="governance_dec_signed_item_idx",
            ),
        ),
    ]
