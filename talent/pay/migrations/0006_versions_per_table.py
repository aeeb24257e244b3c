
from talent.figures.freshness import PAY_LIST_WATCHED, PAY_WATCHED, rewatch_tables
from talent.core import migration_ops


class Migration(migration_ops.Migration):
    """Pay's watched tables with a version each (as models 0022 does for its own)."""

    dependencies = [("pay", "0005_pay_lists_watch"), ("models", "0022_figure_versions_per_table")]

    initial = False

    operations = [rewatch_tables(PAY_WATCHED + PAY_LIST_WATCHED)]
