from tortoise import migrations
from tortoise.migrations import operations as ops

from talent.analytics.freshness import PAY_WATCHED, watch_install, watch_remove


async def install_triggers(apps, schema_editor):
    """The reports page keeps its figures under the data version (talent.analytics.reports.page_report):
    the standards, bands and salary records its retention by pay status reads raise it too."""
    await watch_install(apps.get_model("models", "DataVersion")._meta.db, PAY_WATCHED)


async def remove_triggers(apps, schema_editor):
    await watch_remove(apps.get_model("models", "DataVersion")._meta.db, PAY_WATCHED)


class Migration(migrations.Migration):
    dependencies = [("pay", "0003_foreign_key_indexes"), ("models", "0015_figure_cache")]

    initial = False

    operations = [ops.RunPython(install_triggers, remove_triggers)]
