"""A migration operation Tortoise gets wrong on SQLite, written once for every app's migrations."""

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
