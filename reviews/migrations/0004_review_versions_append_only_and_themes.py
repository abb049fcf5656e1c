"""Review versions and sign-offs are append-only; the default learning themes.

PostgreSQL refuses UPDATE and DELETE on ``reviews_reviewversion`` and
``reviews_reviewsignoff``. The one exception: after a National Data Opt-Out the service
``review_erase`` replaces a version's content, with ``leder.review_version_erase`` set
for its own transaction only (docs/adr/0009).
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION reviews_version_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('leder.review_version_erase', true) = 'on' THEN
        IF NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.number = OLD.number
           AND NEW.submitted_by_id = OLD.submitted_by_id
           AND NEW.submitted_at = OLD.submitted_at THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'reviews_reviewversion is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION reviews_signoff_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'reviews_reviewsignoff is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reviews_reviewversion_append_only
    BEFORE UPDATE OR DELETE ON reviews_reviewversion
    FOR EACH ROW EXECUTE FUNCTION reviews_version_append_only();
CREATE TRIGGER reviews_reviewsignoff_append_only
    BEFORE UPDATE OR DELETE ON reviews_reviewsignoff
    FOR EACH ROW EXECUTE FUNCTION reviews_signoff_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS reviews_reviewversion_append_only ON reviews_reviewversion;
DROP TRIGGER IF EXISTS reviews_reviewsignoff_append_only ON reviews_reviewsignoff;
DROP FUNCTION IF EXISTS reviews_version_append_only();
DROP FUNCTION IF EXISTS reviews_signoff_append_only();
"""

THEMES = [
    (
        "Recognising and responding to deterioration",
        "Signs of illness noticed and acted on in time",
    ),
    ("Reasonable adjustments", "Changes made so the person could use services"),
    ("Mental Capacity Act", "Assessments of capacity and best-interests decisions"),
    ("DNACPR decisions", "Do not attempt CPR decisions made and followed correctly"),
    ("Annual health checks and health action plans", ""),
    ("Communication between services", "Sharing information and co-ordinating care"),
    ("Family and carer involvement", "Listening to the family and carers"),
    ("Dysphagia and aspiration pneumonia", "Eating, drinking and swallowing"),
    ("Constipation", ""),
    ("Epilepsy", ""),
    ("Sepsis", ""),
    ("Diagnostic overshadowing", "Symptoms put down to the learning disability"),
    ("Access to screening and immunisation", ""),
    ("Discharge and transitions between services", ""),
    ("Medication", "Prescribing, reviews and over-medication (STOMP)"),
    ("End of life care", ""),
    ("Obesity and weight management", ""),
    ("Mental health", ""),
]


def seed_themes(apps, schema_editor):
    LearningTheme = apps.get_model("reviews", "LearningTheme")
    for position, (name, description) in enumerate(THEMES, start=1):
        LearningTheme.objects.get_or_create(
            name=name, defaults={"description": description, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_review")]
    operations = [
        migrations.RunSQL(SQL, REVERSE),
        migrations.RunPython(seed_themes, migrations.RunPython.noop),
    ]
