"""The index the search by person needs (decision D52), built without blocking writes."""

from typing import Any

import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexWithoutBlocking(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL: every audited read inserts into this table,
    and a plain CREATE INDEX would hold those inserts for as long as it builds over millions of
    rows. Other databases get a plain index."""

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *args)
        else:
            migrations.AddIndex.database_forwards(self, app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *args)
        else:
            migrations.AddIndex.database_backwards(self, app_label, schema_editor, *args)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("audit", "0003_seal_erased_at")]

    operations = [
        AddIndexWithoutBlocking(
            model_name="auditrecord",
            index=models.Index(
                django.db.models.functions.text.Upper("actor_username"),
                name="audit_actor_username_upper",
            ),
        ),
    ]
