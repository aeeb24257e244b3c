
from talent.figures.freshness import EXAM_WATCHED, watch_tables
from talent.core import migration_ops


class Migration(migration_ops.Migration):
    """The reports pages keep their figures under the data version (talent.analytics.reports.page_report):
    the exam results and subjects its pass rates read raise the data version too."""

    dependencies = [("models", "0015_figure_cache")]

    initial = False

    operations = [watch_tables(EXAM_WATCHED)]
