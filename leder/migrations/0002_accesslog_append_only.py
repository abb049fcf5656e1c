"""The access log is append-only: UPDATE is refused, DELETE only inside the retention job."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION leder_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('leder.allow_access_log_delete', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'leder_accesslog is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER leder_accesslog_append_only
    BEFORE UPDATE OR DELETE ON leder_accesslog
    FOR EACH ROW EXECUTE FUNCTION leder_accesslog_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS leder_accesslog_append_only ON leder_accesslog;
DROP FUNCTION IF EXISTS leder_accesslog_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("leder", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
