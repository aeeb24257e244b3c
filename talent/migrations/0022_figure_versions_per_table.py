
from talent.figures.freshness import EXAM_WATCHED, FIRST_WATCHED, rewatch_tables
from talent.core import migration_ops


class Migration(migration_ops.Migration):
    """Each watched table has a version of its own (talent.figures.freshness): figures are kept under the tables
    they read, and a change elsewhere leaves them served. This app's watched tables (pay 0006 and cohorts 0004
    theirs); the stored figures are forgotten, kept under the version of every change until now."""

    dependencies = [("models", "0021_list_sort_indexes")]

    initial = False

    operations = [rewatch_tables(FIRST_WATCHED + EXAM_WATCHED, forget_figures=True)]
