"""The ICB-and-status index of cases carries the notification too, so the KPIs' joins from
status changes to an ICB's cases and their notifications read the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("leder", "0002_accesslog_append_only"),
        ("notifications", "0001_initial"),
        ("reviews", "0005_dashboard_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="reviews_case_icb_status_idx",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["icb", "status"],
                include=("id", "notification"),
                name="reviews_case_icb_status2_idx",
            ),
        ),
    ]
