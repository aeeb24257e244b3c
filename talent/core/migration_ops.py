"""The base class, operations and builders written once for every app's migrations.

The base class: Migration, which applies them without the state copies Tortoise makes for every operation (a
migration written by makemigrations must be changed to subclass it; a test sees to that).
The operations: the ones Tortoise gets wrong on SQLite (IndexForeignKey, DescribeField). The builders: makemigrations
spells out the same things again and again (every foreign key as `fields.ForeignKeyField(to, source_field='<name>_id',
db_constraint=True, to_field='id', related_name=..., on_delete=...)`, 9 lines each where formatted; every table as
ops.CreateModel with its generated `id`, its options and bases=['Model']), so the duplicate finder counted ~50 pairs of
places in the migrations. The builders return the very field and operation objects the long form did
(tests/core/test_migration_ops.py compares them), so a migration written with them does exactly what it did before,
makemigrations sees no change, and each table still shows its fields.
"""

from typing import Any

from tortoise import fields, migrations
from tortoise.fields.base import Field, OnDelete
from tortoise.fields.relational import ForeignKeyFieldInstance
from tortoise.migrations import operations as ops


class IndexForeignKey(ops.AlterField):
    """Give an existing foreign key its index: the migration state records db_index=True as AlterField does,
    but the database sees one CREATE INDEX. Tortoise 1.1's AlterField rebuilds a SQLite table to change a
    field and drops every index the table had without recreating any (the schema test in
    tests/test_migrations.py caught it), so it cannot be used to add an index to a large table on SQLite."""

    def describe(self) -> str:
        return f"Index foreign key {self.name} on {self.model_name}"

    @staticmethod
    def _column(model, name: str) -> str:
        field = model._meta.fields_map[name]
        return field.source_field or name

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if not state_editor:
            return
        model = new_state.apps.get_model(f"{app_label}.{self.model_name}")
        await state_editor._run_sql(state_editor._get_index_sql(model, [self._column(model, self.name)]))

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if not state_editor:
            return
        model = old_state.apps.get_model(f"{app_label}.{self.model_name}")
        name = state_editor._generate_index_name("idx", model, [self._column(model, self.name)])
        await state_editor._run_sql(f'DROP INDEX "{name}"')


class DescribeField(ops.AlterField):
    """Record a field change the database cannot see, such as a member added to the enum of a CharEnumField (its
    description lists the members; the column, a varchar, stays as it is). The migration state changes as with
    AlterField, the database not at all: AlterField would rebuild a SQLite table and drop its indexes."""

    def describe(self) -> str:
        return f"Describe field {self.name} on {self.model_name}"

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None


class Migration(migrations.Migration):
    """Every migration's base: Tortoise 1.1's Migration.apply copies the whole migration state (re-rendering every
    model class) before each operation, for the operations that compare the schema before and after. Profiled on
    SQLite, those copies were half of `talent migrate`'s 26 s from an empty database. The operations below read
    only the state after them, so they run without the copy; any other operation still gets it. An operation that
    did read the missing copy would fail on None, not run against a wrong state."""

    async def apply(self, state, *, dry_run=False, schema_editor=None, collect_sql=False):
        if dry_run or collect_sql or schema_editor is None:
            return await super().apply(state, dry_run=dry_run, schema_editor=schema_editor, collect_sql=collect_sql)
        supports_transactions = schema_editor.client.capabilities.supports_transactions
        for operation in self.operations:
            old_state = None if isinstance(operation, NEW_STATE_ONLY) else state.clone()
            operation.state_forward(self.app_label, state)
            await self._run_database_forward(operation, old_state, state, schema_editor, supports_transactions)
        state.validate_relations_initialized()
        return state


# The operations whose database_forward reads only the state after them, or no state (Tortoise 1.1's source).
NEW_STATE_ONLY = (
    ops.CreateModel,
    ops.AddField,
    ops.AddIndex,
    ops.AddConstraint,
    ops.AlterModelOptions,
    ops.RunSQL,
    IndexForeignKey,
    DescribeField,
)


def foreign_key_field(
    name: str, to: str, related_name: str, on_delete: OnDelete, *, null: bool = False, db_index: bool = False
) -> ForeignKeyFieldInstance:
    """The field `name` of a model, a foreign key to the model `to` ('app.Model') in the column `<name>_id`, with
    its constraint; its arguments are those of fields.ForeignKeyField, in its order."""
    options: dict[str, bool] = {}
    if null:
        options["null"] = True
    if db_index:
        options["db_index"] = True
    return fields.ForeignKeyField(
        to,
        source_field=f"{name}_id",
        **options,
        db_constraint=True,
        to_field="id",
        related_name=related_name,
        on_delete=on_delete,
    )


def foreign_key(
    name: str, to: str, related_name: str, on_delete: OnDelete, *, null: bool = False, db_index: bool = False
) -> tuple[str, ForeignKeyFieldInstance]:
    """One `(name, field)` entry of CreateModel(fields=[...]): the foreign key foreign_key_field builds."""
    return name, foreign_key_field(name, to, related_name, on_delete, null=null, db_index=db_index)


def index_foreign_key(
    model_name: str, name: str, to: str, related_name: str, on_delete: OnDelete, *, null: bool = False
) -> IndexForeignKey:
    """IndexForeignKey for the foreign key `name` of `model_name`: the field as it was, now with db_index=True."""
    return IndexForeignKey(
        model_name=model_name,
        name=name,
        field=foreign_key_field(name, to, related_name, on_delete, null=null, db_index=True),
    )


def create_model(
    name: str,
    *,
    app: str,
    table: str,
    fields: list[tuple[str, Field]],
    pk: type[Field] | None = fields.IntField,
    unique_together: tuple[tuple[str, ...], ...] | None = None,
    indexes: list[Any] | None = None,
    description: str | None = None,
) -> ops.CreateModel:
    """ops.CreateModel as makemigrations writes it: a generated `id` primary key of the class `pk` first (pk=None:
    `fields` holds the primary key itself), then `fields`; the options in the generated order; bases=['Model']."""
    if pk is not None:
        fields = [("id", pk(generated=True, primary_key=True, unique=True, db_index=True)), *fields]
    options: dict[str, Any] = {"table": table, "app": app}
    if unique_together is not None:
        options["unique_together"] = unique_together
    if indexes is not None:
        options["indexes"] = indexes
    options["pk_attr"] = "id"
    if description is not None:
        options["table_description"] = description
    return ops.CreateModel(name=name, fields=fields, options=options, bases=["Model"])
