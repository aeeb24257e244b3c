
from talent.figures.freshness import COHORT_WATCHED, watch_tables
from talent.core import migration_ops


class Migration(migration_ops.Migration):
    """The reports pages keep their figures under the data version (talent.analytics.reports.page_report):
    the cohorts and members its retention by cohort kind reads raise the data version too."""

    dependencies = [("cohorts", "0002_foreign_key_indexes"), ("models", "0015_figure_cache")]

    initial = False

    operations = [watch_tables(COHORT_WATCHED)]
