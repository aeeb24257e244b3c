from tortoise.fields.base import OnDelete

from talent.core.migration_ops import index_foreign_key
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('cohorts', '0001_initial'), ('models', '0011_foreign_key_indexes')]

    initial = False

    operations = [
        index_foreign_key('Cohort', 'organisation', 'models.Organisation', 'cohorts', OnDelete.RESTRICT, null=True),
        index_foreign_key('Cohort', 'region', 'models.Region', 'cohorts', OnDelete.RESTRICT),
        index_foreign_key('CohortMember', 'mentor', 'models.Supervisor', 'mentees', OnDelete.SET_NULL, null=True),
        index_foreign_key('CohortMember', 'worker', 'models.Worker', 'cohort_memberships', OnDelete.RESTRICT),
        index_foreign_key('Milestone', 'cohort', 'cohorts.Cohort', 'milestones', OnDelete.CASCADE),
        index_foreign_key('Milestone', 'subject', 'models.ExamSubject', 'milestones', OnDelete.RESTRICT, null=True),
        index_foreign_key('MilestoneMark', 'member', 'cohorts.CohortMember', 'marks', OnDelete.CASCADE),
    ]
