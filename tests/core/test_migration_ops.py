"""The migration builders in talent.core.migration_ops build the very objects the generated long form spelt out,
so the migrations written with them do what they did before."""

import pytest
from tortoise import fields
from tortoise.fields.base import OnDelete

from talent.core.migration_ops import IndexForeignKey, foreign_key, foreign_key_field, index_foreign_key


def _same(a, b) -> None:
    assert type(a) is type(b)
    assert a.deconstruct() == b.deconstruct()
    # the whole state too, in order: what deconstruct leaves out must not differ either
    assert list(vars(a).items()) == list(vars(b).items())


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
