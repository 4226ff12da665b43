"""Fast inserts for the benchmark data: rows as plain values, written in batches.

PostgreSQL gets COPY (psycopg 3), SQLite `executemany`. The ORM's `bulk_create` would build a
model instance per row, which at 12 million rows costs more time than the whole budget; the
rows here are tuples in column order, with the model's own defaults for what is not given, so
the tables stay whatever the migrations made them (a new required column fails loudly here).

Every flush writes the tables in a fixed parent-before-child order, so a child row never
reaches the database before its parent. With `fast` on PostgreSQL the foreign-key triggers
are switched off for the load (`session_replication_role = replica`, the same switch
`pg_restore --disable-triggers` uses); the tests seed without it, so the keys are checked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

_REQUIRED = object()


class _Table:
    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.name = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.columns = [f.column for f in self.fields]
        self.json = {i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)}
        self.defaults: list[Any] = [self._default(f) for f in self.fields]
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        start = model._default_manager.aggregate(m=Max("pk"))["m"] or 0
        self.next_id = int(start) + 1 if isinstance(start, int) else 1

    @staticmethod
    def _default(field: models.Field[Any, Any]) -> Any:
        if field.primary_key:
            return _REQUIRED
        if field.has_default():
            default = field.default
            if callable(default):
                # Fresh containers are fine; anything else (uuid4, now, today) must be given,
                # so that the data set stays deterministic.
                return default if default in (dict, list) else _REQUIRED
            return default
        if field.null:
            return None
        if field.empty_strings_allowed and field.blank:
            return ""
        return _REQUIRED

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        out: list[Any] = []
        for attname, default in zip(self.attnames, self.defaults, strict=True):
            if attname in values:
                value = values.pop(attname)
            elif default is _REQUIRED:
                raise ValueError(f"{self.model._meta.label}: {attname} saknas")
            else:
                value = default() if callable(default) else default
            out.append(value)
        if values:
            raise ValueError(f"{self.model._meta.label}: okända fält {sorted(values)}")
        return tuple(out)


class Writer:
    """Collects rows per table and writes them in batches, parents first."""

    def __init__(
        self,
        order: Iterable[type[models.Model]],
        *,
        fast: bool = True,
        batch: int = 50_000,
        dry_run: bool = False,
    ) -> None:
        self.tables = {model: _Table(model) for model in order}
        # A dry run writes nothing: it hashes every row, so that two runs can be compared.
        self.digest = hashlib.sha256() if dry_run else None
        self.fast = fast and connection.vendor == "postgresql"
        self.batch = batch
        self.pending = 0

    def next_id(self, model: type[models.Model]) -> int:
        table = self.tables[model]
        value = table.next_id
        table.next_id += 1
        return value

    def add(self, model: type[models.Model], **values: Any) -> int:
        """Queue one row; returns its primary key (given or the next free one)."""
        table = self.tables[model]
        pk_name = model._meta.pk.attname
        if pk_name not in values:
            values[pk_name] = self.next_id(model)
        pk = values[pk_name]
        table.rows.append(table.row(values))
        self.pending += 1
        if self.pending >= self.batch:
            self.flush()
        return int(pk)

    def flush(self) -> None:
        with transaction.atomic():
            if self.fast:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            for table in self.tables.values():
                if table.rows and self.digest is not None:
                    self.digest.update(table.name.encode())
                    for row in table.rows:
                        self.digest.update(repr(row).encode())
                elif table.rows:
                    self._write(table)
                    table.written += len(table.rows)
                    table.rows = []
        self.pending = 0

    def _write(self, table: _Table) -> None:
        columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        name = connection.ops.quote_name(table.name)
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                    if table.json:
                        for row in table.rows:
                            copy.write_row(
                                tuple(Jsonb(v) if i in table.json else v for i, v in enumerate(row))
                            )
                    else:
                        for row in table.rows:
                            copy.write_row(row)
            return
        prepared = [
            tuple(
                json.dumps(v) if i in table.json else f.get_db_prep_save(v, connection)
                for i, (f, v) in enumerate(zip(table.fields, row, strict=True))
            )
            for row in table.rows
        ]
        marks = ", ".join(["%s"] * len(table.columns))
        with connection.cursor() as cursor:
            # Names from the models' own metadata, values as parameters.
            sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, prepared)

    def close(self) -> dict[str, int]:
        """Write what is left, move the sequences past the ids given, and vacuum and gather the
        planner's statistics (without them PostgreSQL planned the work list's last-meeting
        query as a nested loop over every meeting: minutes instead of milliseconds, until
        autovacuum came round, if it runs at all); returns rows written per table."""
        self.flush()
        if self.digest is None:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    for sql in connection.ops.sequence_reset_sql(no_style(), list(self.tables)):
                        cursor.execute(sql)
                # VACUUM cannot run in a transaction (the tests seed inside one).
                vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
                cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        return {t.model._meta.label: t.written for t in self.tables.values()}
