from courses.catalog.models import Category, CourseStatus, Delivery
from courses.enrolment.models import EnrolmentStatus
from courses.materials.models import MaterialKind
from decimal import Decimal
from talent.places.models import CertLevel
from tortoise.fields.base import OnDelete
from tortoise import fields

from talent.core.migration_ops import create_model, foreign_key
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('models', '0002_imports_and_ce_ledger')]

    initial = True

    operations = [
        create_model('Course', app='courses', table='courses', fields=[
            ('title', fields.CharField(max_length=200)),
            ('summary', fields.CharField(default='', max_length=500)),
            ('description', fields.TextField(default='', unique=False)),
            ('category', fields.CharEnumField(db_index=True, description='EXAM_PREP: exam_prep\nPRACTICAL: practical\nPOLICY: policy\nCASE_WORK: case_work\nGROUP_WORK: group_work\nCOMMUNITY_WORK: community_work\nSUPERVISION: supervision\nETHICS: ethics', enum_type=Category, max_length=16)),
            ('target_level', fields.CharEnumField(null=True, description='ASSISTANT: assistant\nINTERMEDIATE: intermediate\nSENIOR: senior', enum_type=CertLevel, max_length=16)),
            ('delivery', fields.CharEnumField(default=Delivery.ONLINE, description='ONLINE: online\nCLASSROOM: classroom\nBLENDED: blended', enum_type=Delivery, max_length=16)),
            ('ce_hours', fields.DecimalField(default=Decimal('0'), max_digits=5, decimal_places=1)),
            ('capacity', fields.IntField(null=True)),
            ('seats_taken', fields.IntField(default=0)),
            ('waitlisted', fields.IntField(default=0)),
            ('enrol_opens_on', fields.DateField(null=True)),
            ('enrol_closes_on', fields.DateField(null=True)),
            ('starts_on', fields.DateField(null=True)),
            ('ends_on', fields.DateField(null=True)),
            ('attendance_threshold', fields.SmallIntField(default=80)),
            foreign_key('region', 'models.Region', 'courses', OnDelete.RESTRICT, null=True),
            ('region_path', fields.CharField(default='', db_index=True, max_length=255)),
            ('status', fields.CharEnumField(default=CourseStatus.DRAFT, db_index=True, description='DRAFT: draft\nPUBLISHED: published\nARCHIVED: archived', enum_type=CourseStatus, max_length=16)),
            foreign_key('created_by', 'models.User', 'courses_created', OnDelete.SET_NULL, null=True),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ]),
        create_model('ClassSession', app='courses', table='course_sessions', fields=[
            foreign_key('course', 'courses.Course', 'sessions', OnDelete.CASCADE),
            ('title', fields.CharField(default='', max_length=200)),
            ('starts_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ('minutes', fields.IntField(default=120)),
            ('place', fields.CharField(default='', max_length=255)),
            ('trainer', fields.CharField(default='', max_length=100)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('Lesson', app='courses', table='course_lessons', fields=[
            foreign_key('course', 'courses.Course', 'lessons', OnDelete.CASCADE),
            ('position', fields.IntField(default=1)),
            ('title', fields.CharField(max_length=200)),
            ('body', fields.TextField(default='', unique=False)),
            ('required', fields.BooleanField(default=True)),
            ('minutes', fields.IntField(null=True)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('Enrolment', app='courses', table='course_enrolments', unique_together=(('course', 'worker'),), fields=[
            foreign_key('course', 'courses.Course', 'enrolments', OnDelete.CASCADE),
            foreign_key('worker', 'models.Worker', 'enrolments', OnDelete.RESTRICT),
            ('status', fields.CharEnumField(db_index=True, description='ENROLLED: enrolled\nWAITLISTED: waitlisted\nWITHDRAWN: withdrawn\nCOMPLETED: completed', enum_type=EnrolmentStatus, max_length=16)),
            ('position', fields.IntField(null=True)),
            foreign_key('enrolled_by', 'models.User', 'enrolments_made', OnDelete.SET_NULL, null=True),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ('enrolled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ('withdrawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            foreign_key('last_lesson', 'courses.Lesson', 'last_seen_by', OnDelete.SET_NULL, null=True),
        ]),
        create_model('Attendance', app='courses', table='course_attendance', unique_together=(('session', 'enrolment'),), description='A row means the learner was present (absence is the lack of a row).', fields=[
            foreign_key('session', 'courses.ClassSession', 'attendance', OnDelete.CASCADE),
            foreign_key('enrolment', 'courses.Enrolment', 'attendance', OnDelete.CASCADE),
            foreign_key('marked_by', 'models.User', 'attendance_marked', OnDelete.SET_NULL, null=True),
            ('marked_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('CompletionCertificate', app='courses', table='course_certificates', fields=[
            ('enrolment', fields.OneToOneField('courses.Enrolment', source_field='enrolment_id', db_constraint=True, to_field='id', related_name='certificate', on_delete=OnDelete.RESTRICT)),
            foreign_key('worker', 'models.Worker', 'course_certificates', OnDelete.RESTRICT),
            foreign_key('course', 'courses.Course', 'certificates', OnDelete.RESTRICT),
            ('code', fields.CharField(unique=True, max_length=64)),
            ('hours', fields.DecimalField(max_digits=5, decimal_places=1)),
            ('issued_on', fields.DateField()),
            ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ('revoked_reason', fields.CharField(default='', max_length=255)),
        ]),
        create_model('LessonProgress', app='courses', table='course_lesson_progress', unique_together=(('enrolment', 'lesson'),), fields=[
            foreign_key('enrolment', 'courses.Enrolment', 'progress', OnDelete.CASCADE),
            foreign_key('lesson', 'courses.Lesson', 'progress', OnDelete.CASCADE),
            ('done_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('Material', app='courses', table='course_materials', fields=[
            foreign_key('course', 'courses.Course', 'materials', OnDelete.CASCADE),
            ('title', fields.CharField(max_length=200)),
            ('kind', fields.CharEnumField(description='FILE: file\nLINK: link', enum_type=MaterialKind, max_length=8)),
            ('current_no', fields.IntField(default=0)),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
        create_model('MaterialVersion', app='courses', table='course_material_versions', unique_together=(('material', 'number'),), fields=[
            foreign_key('material', 'courses.Material', 'versions', OnDelete.CASCADE),
            ('number', fields.IntField()),
            ('file_name', fields.CharField(default='', max_length=255)),
            ('size', fields.BigIntField(default=0)),
            ('sha256', fields.CharField(default='', db_index=True, max_length=64)),
            ('content_type', fields.CharField(default='', max_length=100)),
            ('url', fields.CharField(default='', max_length=1000)),
            ('change_note', fields.CharField(default='', max_length=255)),
            foreign_key('uploaded_by', 'models.User', 'material_versions', OnDelete.SET_NULL, null=True),
            ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
        ]),
    ]
