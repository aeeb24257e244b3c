"""The migration builders in talent.core.migration_ops build the very objects the generated long form spelt out,
so the migrations written with them do what they did before."""

import pytest
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from talent.core.migration_ops import IndexForeignKey, create_model, foreign_key, foreign_key_field, index_foreign_key


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
