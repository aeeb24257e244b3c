"""The migration builders in talent.core.migration_ops build the very objects the generated long form spelt out,
so the migrations written with them do what they did before."""

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops
from tortoise.migrations.schema_generator.state import State
from tortoise.migrations.schema_generator.state_apps import StateApps

from talent.core.migration_ops import (
    IndexForeignKey,
    Migration,
    create_model,
    foreign_key,
    foreign_key_field,
    index_foreign_key,
)


def _state(field) -> list:
    """The field's whole state in order (validators, new objects each time, by their class and state)."""
    return [
        (key, [(type(v), vars(v)) for v in value] if key == "validators" else value)
        for key, value in vars(field).items()
    ]


def _same(a, b) -> None:
    assert type(a) is type(b)
    assert a.deconstruct() == b.deconstruct()
    # the whole state too, in order: what deconstruct leaves out must not differ either
    assert _state(a) == _state(b)


@pytest.mark.parametrize(
    ("options", "long_form"),
    [
        (
            {},
            fields.ForeignKeyField(
                "models.Worker",
                source_field="worker_id",
                db_constraint=True,
                to_field="id",
                related_name="spells",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        (
            {"null": True},
            fields.ForeignKeyField(
                "models.Worker",
                source_field="worker_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="spells",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        (
            {"null": True, "db_index": True},
            fields.ForeignKeyField(
                "models.Worker",
                source_field="worker_id",
                null=True,
                db_index=True,
                db_constraint=True,
                to_field="id",
                related_name="spells",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
    ],
)
def test_foreign_key_builds_the_long_form_field(options, long_form):
    _same(foreign_key_field("worker", "models.Worker", "spells", OnDelete.RESTRICT, **options), long_form)
    name, field = foreign_key("worker", "models.Worker", "spells", OnDelete.RESTRICT, **options)
    assert name == "worker"
    _same(field, long_form)


@pytest.mark.parametrize("null", [False, True])
def test_index_foreign_key_builds_the_long_form_operation(null):
    nullable = {"null": True} if null else {}
    long_form = IndexForeignKey(
        model_name="EmploymentSpell",
        name="worker",
        field=fields.ForeignKeyField(
            "models.Worker",
            source_field="worker_id",
            **nullable,
            db_index=True,
            db_constraint=True,
            to_field="id",
            related_name="spells",
            on_delete=OnDelete.CASCADE,
        ),
    )
    built = index_foreign_key("EmploymentSpell", "worker", "models.Worker", "spells", OnDelete.CASCADE, null=null)
    assert type(built) is IndexForeignKey
    assert (built.model_name, built.name) == (long_form.model_name, long_form.name)
    assert vars(built).keys() == vars(long_form).keys()
    _same(built.field, long_form.field)


def _same_create_model(built, long_form) -> None:
    assert type(built) is ops.CreateModel
    assert (built.name, built.bases) == (long_form.name, long_form.bases)
    assert [name for name, _ in built.fields] == [name for name, _ in long_form.fields]
    for (_, a), (_, b) in zip(built.fields, long_form.fields, strict=True):
        _same(a, b)
    # the options in the generated order (dicts compare equal whatever their order)
    assert list(built.options) == list(long_form.options)
    assert built.options["table"] == long_form.options["table"]
    assert repr(built.options) == repr(long_form.options)


def test_create_model_builds_the_long_form_operation():
    long_form = ops.CreateModel(
        name="Note",
        fields=[
            ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
            (
                "worker",
                fields.ForeignKeyField(
                    "models.Worker",
                    source_field="worker_id",
                    db_constraint=True,
                    to_field="id",
                    related_name="notes",
                    on_delete=OnDelete.CASCADE,
                ),
            ),  # noqa: E501
            ("text", fields.TextField(default="", unique=False)),
        ],
        options={
            "table": "notes",
            "app": "models",
            "unique_together": (("worker", "text"),),
            "indexes": [Index(fields=["worker_id", "text"])],
            "pk_attr": "id",
            "table_description": "A note.",
        },
        bases=["Model"],
    )
    built = create_model(
        "Note",
        app="models",
        table="notes",
        pk=fields.BigIntField,
        unique_together=(("worker", "text"),),
        indexes=[Index(fields=["worker_id", "text"])],
        description="A note.",
        fields=[
            foreign_key("worker", "models.Worker", "notes", OnDelete.CASCADE),
            ("text", fields.TextField(default="", unique=False)),
        ],
    )
    _same_create_model(built, long_form)


def test_create_model_defaults_and_an_own_primary_key():
    plain = ops.CreateModel(
        name="Tag",
        fields=[
            ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
            ("name", fields.CharField(max_length=50)),
        ],
        options={"table": "tags", "app": "models", "pk_attr": "id"},
        bases=["Model"],
    )
    _same_create_model(
        create_model("Tag", app="models", table="tags", fields=[("name", fields.CharField(max_length=50))]), plain
    )
    own_key = ops.CreateModel(
        name="Key",
        fields=[("id", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64))],
        options={"table": "keys", "app": "models", "pk_attr": "id"},
        bases=["Model"],
    )
    built = create_model(
        "Key",
        app="models",
        table="keys",
        pk=None,
        fields=[("id", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64))],
    )
    _same_create_model(built, own_key)


class _Editor:
    """What Migration.apply asks of a schema editor, recording the tables it would create."""

    collect_sql = False
    atomic_migration = True

    def __init__(self) -> None:
        self.client = SimpleNamespace(capabilities=SimpleNamespace(supports_transactions=False))
        self.created: list[str] = []

    async def create_model(self, model) -> None:
        self.created.append(model._meta.db_table)


def _empty_state() -> State:
    return State(models={}, apps=StateApps())


def _migration(*operations) -> Migration:
    migration = Migration("0001_test", "models")
    migration.operations = list(operations)
    return migration


async def test_an_operation_that_reads_only_the_state_after_it_runs_without_a_copy_of_the_state(monkeypatch):
    copies = []
    original = State.clone
    monkeypatch.setattr(State, "clone", lambda state: copies.append(state) or original(state))
    editor = _Editor()
    table = create_model("Probe", app="models", table="probes", fields=[("name", fields.CharField(max_length=8))])

    await _migration(table).apply(_empty_state(), schema_editor=editor)

    assert editor.created == ["probes"]
    assert copies == []


async def test_an_operation_that_reads_the_state_before_it_still_gets_that_state():
    # RunPython hands its code the models as they were before it; the table created by the operation before it
    # is there, and the copy is not the state that goes on changing.
    seen = []
    state = _empty_state()
    table = create_model("Probe", app="models", table="probes", fields=[("name", fields.CharField(max_length=8))])
    look = ops.RunPython(lambda apps, editor: seen.append(apps))

    await _migration(table, look).apply(state, schema_editor=_Editor())

    assert len(seen) == 1
    assert seen[0] is not state.apps
    assert seen[0].get_model("models.Probe")._meta.db_table == "probes"


def test_every_migration_applies_through_the_project_base_class():
    # A migration written by makemigrations subclasses Tortoise's Migration and would copy the whole state before
    # each of its operations again.
    from talent.db import APPS

    others = []
    for _modules, package in APPS.values():
        folder = Path(importlib.import_module(package).__file__).parent
        for path in sorted(folder.glob("0*.py")):
            module = importlib.import_module(f"{package}.{path.stem}")
            if not issubclass(module.Migration, Migration):
                others.append(f"{package}.{path.stem}")
    assert len(list(APPS)) >= 5
    assert others == []
