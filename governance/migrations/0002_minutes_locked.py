"""Signed-off decisions, signatures and minutes addenda are never changed.

PostgreSQL refuses an UPDATE of a decision once it is signed off (the one update that
signs it off is allowed), and any UPDATE of a signature or an addendum. Deletes stay
possible (a decision withdrawn before sign-off; retention), so the services are the
guard there.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION governance_decision_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_off_at IS NOT NULL THEN
        RAISE EXCEPTION 'governance_decision % is signed off and cannot change', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER governance_decision_locked
    BEFORE UPDATE ON governance_decision
    FOR EACH ROW EXECUTE FUNCTION governance_decision_locked();

CREATE OR REPLACE FUNCTION governance_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (UPDATE refused)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER governance_decisionsignature_append_only
    BEFORE UPDATE ON governance_decisionsignature
    FOR EACH ROW EXECUTE FUNCTION governance_append_only();

CREATE TRIGGER governance_minutesaddendum_append_only
    BEFORE UPDATE ON governance_minutesaddendum
    FOR EACH ROW EXECUTE FUNCTION governance_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS governance_decision_locked ON governance_decision;
DROP TRIGGER IF EXISTS governance_decisionsignature_append_only ON governance_decisionsignature;
DROP TRIGGER IF EXISTS governance_minutesaddendum_append_only ON governance_minutesaddendum;
DROP FUNCTION IF EXISTS governance_decision_locked();
DROP FUNCTION IF EXISTS governance_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
