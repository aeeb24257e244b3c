
from talent.figures.freshness import PAY_LIST_WATCHED, watch_tables
from talent.core import migration_ops


class Migration(migration_ops.Migration):
    """The compliance and proposed-changes lists keep their rows under the data version
    (talent.figures.freshness.cached_rows): the allowances, performance steps, assessments and decisions the
    proposals read raise it too."""

    dependencies = [("pay", "0004_report_watch")]

    initial = False

    operations = [watch_tables(PAY_LIST_WATCHED)]
