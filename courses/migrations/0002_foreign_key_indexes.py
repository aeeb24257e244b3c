from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

from talent.core.migration_ops import IndexForeignKey

class Migration(migrations.Migration):
    dependencies = [('courses', '0001_initial'), ('models', '0011_foreign_key_indexes')]

    initial = False

    operations = [
        IndexForeignKey(
            model_name='Attendance',
            name='enrolment',
            field=fields.ForeignKeyField('courses.Enrolment', source_field='enrolment_id', db_index=True, db_constraint=True, to_field='id', related_name='attendance', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Attendance',
            name='marked_by',
            field=fields.ForeignKeyField('models.User', source_field='marked_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='attendance_marked', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='ClassSession',
            name='course',
            field=fields.ForeignKeyField('courses.Course', source_field='course_id', db_index=True, db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='CompletionCertificate',
            name='course',
            field=fields.ForeignKeyField('courses.Course', source_field='course_id', db_index=True, db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='CompletionCertificate',
            name='worker',
            field=fields.ForeignKeyField('models.Worker', source_field='worker_id', db_index=True, db_constraint=True, to_field='id', related_name='course_certificates', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Course',
            name='created_by',
            field=fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='courses_created', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='Course',
            name='region',
            field=fields.ForeignKeyField('models.Region', source_field='region_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='courses', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Enrolment',
            name='enrolled_by',
            field=fields.ForeignKeyField('models.User', source_field='enrolled_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='enrolments_made', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='Enrolment',
            name='last_lesson',
            field=fields.ForeignKeyField('courses.Lesson', source_field='last_lesson_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='last_seen_by', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='Enrolment',
            name='worker',
            field=fields.ForeignKeyField('models.Worker', source_field='worker_id', db_index=True, db_constraint=True, to_field='id', related_name='enrolments', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Lesson',
            name='course',
            field=fields.ForeignKeyField('courses.Course', source_field='course_id', db_index=True, db_constraint=True, to_field='id', related_name='lessons', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='LessonProgress',
            name='lesson',
            field=fields.ForeignKeyField('courses.Lesson', source_field='lesson_id', db_index=True, db_constraint=True, to_field='id', related_name='progress', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Material',
            name='course',
            field=fields.ForeignKeyField('courses.Course', source_field='course_id', db_index=True, db_constraint=True, to_field='id', related_name='materials', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='MaterialVersion',
            name='uploaded_by',
            field=fields.ForeignKeyField('models.User', source_field='uploaded_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='material_versions', on_delete=OnDelete.SET_NULL),
        ),
    ]
