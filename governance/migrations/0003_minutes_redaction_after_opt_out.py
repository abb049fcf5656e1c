"""Locked minutes may be redacted, and only that: after a National Data Opt-Out the free
text about the case is replaced inside ``governance_case_stop``, which sets
``leder.allow_minutes_redaction`` for its own transaction (``SET LOCAL``)."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION governance_decision_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_off_at IS NOT NULL
       AND current_setting('leder.allow_minutes_redaction', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION 'governance_decision % is signed off and cannot change', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION governance_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('leder.allow_minutes_redaction', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only (UPDATE refused)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""

REVERSE = """
CREATE OR REPLACE FUNCTION governance_decision_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_off_at IS NOT NULL THEN
        RAISE EXCEPTION 'governance_decision % is signed off and cannot change', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION governance_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (UPDATE refused)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_minutes_locked")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
