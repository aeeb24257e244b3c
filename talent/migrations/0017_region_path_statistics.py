from tortoise.migrations import operations as ops
from talent.core import migration_ops

# The region-path columns every scope and report filters by a range ("32/3201/" ≤ path < "32/32010"). PostgreSQL's
# default histogram (100 buckets) put a city's 150 of 36,822 stations inside one bucket and estimated the range at
# one row; it then drove statements from those "few" stations (a city's retention by pay status: 675 ms against its
# twin's 55). With 1,000 buckets it estimates 128. SQLite keeps no histogram of this kind: nothing to do there.
COLUMNS = (
    ("stations", "region_path"),
    ("workers", "registered_region_path"),
    ("exam_results", "region_path"),
)


def _statements(target: int) -> list[str]:
    return [f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET STATISTICS {target}' for table, column in COLUMNS]


async def _set(apps, target: int) -> None:
    conn = apps.get_model("models", "Station")._meta.db
    if conn.capabilities.dialect != "postgres":
        return
    for statement in _statements(target):
        await conn.execute_script(statement)
    # The new target counts from the next ANALYZE; a migrated database with data needs it now.
    await conn.execute_script("ANALYZE " + ", ".join(f'"{table}"' for table, _ in COLUMNS))


async def forward(apps, schema_editor) -> None:
    await _set(apps, 1000)


async def backward(apps, schema_editor) -> None:
    await _set(apps, -1)


class Migration(migration_ops.Migration):
    dependencies = [("models", "0016_report_watch")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
