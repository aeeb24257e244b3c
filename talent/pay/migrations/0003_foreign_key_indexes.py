from tortoise.fields.base import OnDelete

from talent.core.migration_ops import index_foreign_key
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0012_session_ce_rules'), ('pay', '0002_incentives')]

    initial = False

    operations = [
        index_foreign_key('ChangeDecision', 'salary_record', 'pay.SalaryRecord', 'decisions', OnDelete.SET_NULL, null=True),
        index_foreign_key('SalaryAllowance', 'standard', 'pay.SalaryStandard', 'allowances', OnDelete.CASCADE),
        index_foreign_key('SalaryStandard', 'previous', 'pay.SalaryStandard', 'versions', OnDelete.SET_NULL, null=True),
        index_foreign_key('SalaryStandard', 'region', 'models.Region', 'pay_standards', OnDelete.RESTRICT),
    ]
