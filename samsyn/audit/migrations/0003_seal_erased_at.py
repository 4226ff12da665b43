"""Retention (gallring) may erase whole sealed blocks of audit records (decision D49).

The append-only trigger still refuses every UPDATE and DELETE, except inside a transaction in
which the retention job has run `set_config('samsyn.retention', 'on', true)`: then it lets
records be deleted, and a seal be marked erased (only `erased_at`, from empty to set). Seal rows
are never deleted, so the chain of seal hashes still links.
"""

from django.db import migrations, models

_FUNCTION = """
CREATE OR REPLACE FUNCTION samsyn_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('samsyn.retention', true), '') = 'on' THEN
        IF TG_TABLE_NAME = 'audit_auditrecord' AND TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        -- Nested: PL/pgSQL does not promise to stop at the first false condition, and
        -- only seals have erased_at.
        IF TG_TABLE_NAME = 'audit_auditseal' AND TG_OP = 'UPDATE' THEN
            IF OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
               AND (NEW.number, NEW.first_record_id, NEW.last_record_id, NEW.record_count,
                    NEW.record_index, NEW.previous_hash, NEW.seal_hash, NEW.sealed_at)
                   IS NOT DISTINCT FROM
                   (OLD.number, OLD.first_record_id, OLD.last_record_id, OLD.record_count,
                    OLD.record_index, OLD.previous_hash, OLD.seal_hash, OLD.sealed_at) THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION 'samsyn: the audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

_ORIGINAL = """
CREATE OR REPLACE FUNCTION samsyn_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'samsyn: the audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_ORIGINAL, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditseal",
            name="erased_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
