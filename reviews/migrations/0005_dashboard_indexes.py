"""Indexes for the dashboard and the KPIs: cases by ICB and status with the id (counts per
queue from the index alone); status changes by kind and date (completions this year,
allocations and completions in a period)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("leder", "0002_accesslog_append_only"),
        ("notifications", "0001_initial"),
        ("reviews", "0004_review_versions_append_only_and_themes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="reviews_cas_icb_id_342315_idx",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["icb", "status"], include=("id",), name="reviews_case_icb_status_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="casestatuschange",
            index=models.Index(
                fields=["to_status", "at"], include=("subject",), name="reviews_csc_to_at_idx"
            ),
        ),
    ]
