"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit tables.

TRUNCATE is left to the table owner (the migration role); the application role in
production gets INSERT and SELECT only (docs/operations.md).
"""

from django.db import migrations

_TABLES = ["audit_auditrecord", "audit_auditseal"]

_FUNCTION = """
CREATE OR REPLACE FUNCTION samsyn_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'samsyn: the audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_FUNCTION, params=None)
    for table in _TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION samsyn_audit_append_only();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in _TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS samsyn_audit_append_only();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
