"""The course browser test's seeding step: one published course (`python -m tests.courses.live_app`)."""


async def seed() -> None:
    """A published 20-seat online course with two lessons in the demo bureau's county."""
    from datetime import timedelta
    from decimal import Decimal

    from courses.catalog import services
    from talent.accounts.models import User
    from talent.accounts.selectors import scope_for
    from talent.core.clock import local_today

    bureau = await User.get(username="bureau").select_related("region")
    scope = await scope_for(bureau, today=local_today())
    course = await services.course_create(
        actor=bureau, scope=scope, region_code=bureau.region.code, title="浏览器测试课程 Browser course",
        summary="个案工作实务", category="case_work", delivery="online", ce_hours=Decimal("6"), capacity=20,
        enrol_closes_on=local_today() + timedelta(days=30), description="## 课程简介\n\n**个案**工作。",
    )  # fmt: skip
    for i in (1, 2):
        await services.lesson_create(
            actor=bureau, scope=scope, course=course, title=f"第{i}课 Lesson {i}", body=f"第{i}课的内容。"
        )
    await services.course_set_status(actor=bureau, scope=scope, course=course, status="published")


if __name__ == "__main__":
    from talent.cli import run_with_db

    run_with_db(seed)
