from tortoise import migrations
from tortoise.migrations import operations as ops

from talent.analytics.freshness import COHORT_WATCHED, watch_install, watch_remove


async def install_triggers(apps, schema_editor):
    """The reports page keeps its figures under the data version (talent.analytics.reports.page_report):
    the cohorts and members its retention by cohort kind reads raise it too."""
    await watch_install(apps.get_model("models", "DataVersion")._meta.db, COHORT_WATCHED)


async def remove_triggers(apps, schema_editor):
    await watch_remove(apps.get_model("models", "DataVersion")._meta.db, COHORT_WATCHED)


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0002_foreign_key_indexes"), ("models", "0015_figure_cache")]

    initial = False

    operations = [ops.RunPython(install_triggers, remove_triggers)]
