from tortoise import migrations
from tortoise.migrations import operations as ops
from courses.catalog.models import Category, CourseStatus, Delivery
from courses.enrolment.models import EnrolmentStatus
from courses.materials.models import MaterialKind
from decimal import Decimal
from talent.places.models import CertLevel
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_imports_and_ce_ledger')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Course',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
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
                ('region', fields.ForeignKeyField('models.Region', source_field='region_id', null=True, db_constraint=True, to_field='id', related_name='courses', on_delete=OnDelete.RESTRICT)),
                ('region_path', fields.CharField(default='', db_index=True, max_length=255)),
                ('status', fields.CharEnumField(default=CourseStatus.DRAFT, db_index=True, description='DRAFT: draft\nPUBLISHED: published\nARCHIVED: archived', enum_type=CourseStatus, max_length=16)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='courses_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'courses', 'app': 'courses', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClassSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('course', fields.ForeignKeyField('courses.Course', source_field='course_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(default='', max_length=200)),
                ('starts_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('minutes', fields.IntField(default=120)),
                ('place', fields.CharField(default='', max_length=255)),
                ('trainer', fields.CharField(default='', max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'course_sessions', 'app': 'courses', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Lesson',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('course', fields.ForeignKeyField('courses.Course', source_field='course_id', db_constraint=True, to_field='id', related_name='lessons', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(default=1)),
                ('title', fields.CharField(max_length=200)),
                ('body', fields.TextField(default='', unique=False)),
                ('required', fields.BooleanField(default=True)),
                ('minutes', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'course_lessons', 'app': 'courses', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Enrolment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('course', fields.ForeignKeyField('courses.Course', source_field='course_id', db_constraint=True, to_field='id', related_name='enrolments', on_delete=OnDelete.CASCADE)),
                ('worker', fields.ForeignKeyField('models.Worker', source_field='worker_id', db_constraint=True, to_field='id', related_name='enrolments', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(db_index=True, description='ENROLLED: enrolled\nWAITLISTED: waitlisted\nWITHDRAWN: withdrawn\nCOMPLETED: completed', enum_type=EnrolmentStatus, max_length=16)),
                ('position', fields.IntField(null=True)),
                ('enrolled_by', fields.ForeignKeyField('models.User', source_field='enrolled_by_id', null=True, db_constraint=True, to_field='id', related_name='enrolments_made', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('enrolled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('withdrawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_lesson', fields.ForeignKeyField('courses.Lesson', source_field='last_lesson_id', null=True, db_constraint=True, to_field='id', related_name='last_seen_by', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'course_enrolments', 'app': 'courses', 'unique_together': (('course', 'worker'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Attendance',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('courses.ClassSession', source_field='session_id', db_constraint=True, to_field='id', related_name='attendance', on_delete=OnDelete.CASCADE)),
                ('enrolment', fields.ForeignKeyField('courses.Enrolment', source_field='enrolment_id', db_constraint=True, to_field='id', related_name='attendance', on_delete=OnDelete.CASCADE)),
                ('marked_by', fields.ForeignKeyField('models.User', source_field='marked_by_id', null=True, db_constraint=True, to_field='id', related_name='attendance_marked', on_delete=OnDelete.SET_NULL)),
                ('marked_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'course_attendance', 'app': 'courses', 'unique_together': (('session', 'enrolment'),), 'pk_attr': 'id', 'table_description': 'A row means the learner was present (absence is the lack of a row).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CompletionCertificate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('enrolment', fields.OneToOneField('courses.Enrolment', source_field='enrolment_id', db_constraint=True, to_field='id', related_name='certificate', on_delete=OnDelete.RESTRICT)),
                ('worker', fields.ForeignKeyField('models.Worker', source_field='worker_id', db_constraint=True, to_field='id', related_name='course_certificates', on_delete=OnDelete.RESTRICT)),
                ('course', fields.ForeignKeyField('courses.Course', source_field='course_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('hours', fields.DecimalField(max_digits=5, decimal_places=1)),
                ('issued_on', fields.DateField()),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_reason', fields.CharField(default='', max_length=255)),
            ],
            options={'table': 'course_certificates', 'app': 'courses', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LessonProgress',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('enrolment', fields.ForeignKeyField('courses.Enrolment', source_field='enrolment_id', db_constraint=True, to_field='id', related_name='progress', on_delete=OnDelete.CASCADE)),
                ('lesson', fields.ForeignKeyField('courses.Lesson', source_field='lesson_id', db_constraint=True, to_field='id', related_name='progress', on_delete=OnDelete.CASCADE)),
                ('done_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'course_lesson_progress', 'app': 'courses', 'unique_together': (('enrolment', 'lesson'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Material',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('course', fields.ForeignKeyField('courses.Course', source_field='course_id', db_constraint=True, to_field='id', related_name='materials', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('kind', fields.CharEnumField(description='FILE: file\nLINK: link', enum_type=MaterialKind, max_length=8)),
                ('current_no', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'course_materials', 'app': 'courses', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MaterialVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('material', fields.ForeignKeyField('courses.Material', source_field='material_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('file_name', fields.CharField(default='', max_length=255)),
                ('size', fields.BigIntField(default=0)),
                ('sha256', fields.CharField(default='', db_index=True, max_length=64)),
                ('content_type', fields.CharField(default='', max_length=100)),
                ('url', fields.CharField(default='', max_length=1000)),
                ('change_note', fields.CharField(default='', max_length=255)),
                ('uploaded_by', fields.ForeignKeyField('models.User', source_field='uploaded_by_id', null=True, db_constraint=True, to_field='id', related_name='material_versions', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'course_material_versions', 'app': 'courses', 'unique_together': (('material', 'number'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
