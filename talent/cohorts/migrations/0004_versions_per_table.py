
from talent.figures.freshness import COHORT_WATCHED, rewatch_tables
from talent.core import migration_ops


class Migration(migration_ops.Migration):
    """The cohorts' watched tables with a version each (as models 0022 does for its own)."""

    dependencies = [("cohorts", "0003_report_watch"), ("models", "0022_figure_versions_per_table")]

    initial = False

    operations = [rewatch_tables(COHORT_WATCHED)]
