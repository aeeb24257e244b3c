
from talent.figures.freshness import PAY_WATCHED, watch_tables
from talent.core import migration_ops


class Migration(migration_ops.Migration):
    """The reports pages keep their figures under the data version (talent.analytics.reports.page_report):
    the standards, bands and salary records its retention by pay status reads raise the data version too."""

    dependencies = [("pay", "0003_foreign_key_indexes"), ("models", "0015_figure_cache")]

    initial = False

    operations = [watch_tables(PAY_WATCHED)]
