from tortoise.fields.base import OnDelete

from talent.core.migration_ops import index_foreign_key
from talent.core import migration_ops

class Migration(migration_ops.Migration):
    dependencies = [('courses', '0001_initial'), ('models', '0011_foreign_key_indexes')]

    initial = False

    operations = [
        index_foreign_key('Attendance', 'enrolment', 'courses.Enrolment', 'attendance', OnDelete.CASCADE),
        index_foreign_key('Attendance', 'marked_by', 'models.User', 'attendance_marked', OnDelete.SET_NULL, null=True),
        index_foreign_key('ClassSession', 'course', 'courses.Course', 'sessions', OnDelete.CASCADE),
        index_foreign_key('CompletionCertificate', 'course', 'courses.Course', 'certificates', OnDelete.RESTRICT),
        index_foreign_key('CompletionCertificate', 'worker', 'models.Worker', 'course_certificates', OnDelete.RESTRICT),
        index_foreign_key('Course', 'created_by', 'models.User', 'courses_created', OnDelete.SET_NULL, null=True),
        index_foreign_key('Course', 'region', 'models.Region', 'courses', OnDelete.RESTRICT, null=True),
        index_foreign_key('Enrolment', 'enrolled_by', 'models.User', 'enrolments_made', OnDelete.SET_NULL, null=True),
        index_foreign_key('Enrolment', 'last_lesson', 'courses.Lesson', 'last_seen_by', OnDelete.SET_NULL, null=True),
        index_foreign_key('Enrolment', 'worker', 'models.Worker', 'enrolments', OnDelete.RESTRICT),
        index_foreign_key('Lesson', 'course', 'courses.Course', 'lessons', OnDelete.CASCADE),
        index_foreign_key('LessonProgress', 'lesson', 'courses.Lesson', 'progress', OnDelete.CASCADE),
        index_foreign_key('Material', 'course', 'courses.Course', 'materials', OnDelete.CASCADE),
        index_foreign_key('MaterialVersion', 'uploaded_by', 'models.User', 'material_versions', OnDelete.SET_NULL, null=True),
    ]
