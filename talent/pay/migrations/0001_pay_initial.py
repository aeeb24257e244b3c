from talent.pay.models import PayLevel, StandardStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

from talent.core.migration_ops import create_model, foreign_key
from talent.core import migration_ops


class Migration(migration_ops.Migration):
    dependencies = [("models", "0007_worker_registration_audit_jurisdictions")]

    initial = True

    operations = [
        create_model("SalaryRecord", app="pay", table="pay_salary_records", unique_together=(("worker", "effective_from"),), description="A worker's monthly pay from `effective_from` on: pay on day d is the latest record effective on or", fields=[
            foreign_key("worker", "models.Worker", "salary_records", OnDelete.RESTRICT),
            ("effective_from", fields.DateField()),
            ("monthly_base", fields.DecimalField(max_digits=12, decimal_places=2)),
            ("monthly_allowances", fields.DecimalField(default=0, max_digits=12, decimal_places=2)),
            ("note", fields.CharField(default="", max_length=255)),
            ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model("SalaryStandard", app="pay", table="pay_standards", indexes=[Index(fields=["status", "effective_from"])], description="A salary standard for full-time station workers, issued by the bureau of `region`. A published standard is", fields=[
            foreign_key("region", "models.Region", "pay_standards", OnDelete.RESTRICT),
            ("region_path", fields.CharField(db_index=True, max_length=255)),
            ("title", fields.CharField(max_length=200)),
            ("document_no", fields.CharField(default="", max_length=100)),
            ("effective_from", fields.DateField()),
            ("status", fields.CharEnumField(default=StandardStatus.DRAFT, description="DRAFT: draft\nPUBLISHED: published", enum_type=StandardStatus, max_length=16)),
            ("floor", fields.DecimalField(max_digits=12, decimal_places=2)),
            ("benchmark", fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
            ("benchmark_label", fields.CharField(default="", max_length=100)),
            foreign_key("previous", "pay.SalaryStandard", "versions", OnDelete.SET_NULL, null=True),
            ("uplift_pct", fields.DecimalField(null=True, max_digits=6, decimal_places=2)),
            ("notes", fields.TextField(default="", unique=False)),
            ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ("published_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ]),
        create_model("SalaryAllowance", app="pay", table="pay_allowances", description="A monthly allowance of a standard: for a certificate level (level set), or a named other one.", fields=[
            foreign_key("standard", "pay.SalaryStandard", "allowances", OnDelete.CASCADE),
            ("name", fields.CharField(max_length=100)),
            ("level", fields.CharEnumField(null=True, description="NONE: none\nASSISTANT: assistant\nINTERMEDIATE: intermediate\nSENIOR: senior", enum_type=PayLevel, max_length=16)),
            ("amount", fields.DecimalField(max_digits=12, decimal_places=2)),
        ]),
        create_model("SalaryBand", app="pay", table="pay_bands", indexes=[Index(fields=["standard_id", "level", "years_from"])], description="Certificate level × years of service [years_from, years_to) → monthly min / mid / max (total monthly", fields=[
            foreign_key("standard", "pay.SalaryStandard", "bands", OnDelete.CASCADE),
            ("level", fields.CharEnumField(description="NONE: none\nASSISTANT: assistant\nINTERMEDIATE: intermediate\nSENIOR: senior", enum_type=PayLevel, max_length=16)),
            ("years_from", fields.SmallIntField(default=0)),
            ("years_to", fields.SmallIntField(null=True)),
            ("min_pay", fields.DecimalField(max_digits=12, decimal_places=2)),
            ("mid_pay", fields.DecimalField(max_digits=12, decimal_places=2)),
            ("max_pay", fields.DecimalField(max_digits=12, decimal_places=2)),
        ]),
    ]
