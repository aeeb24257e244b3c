"""Catalog visibility, filters, authoring rules, sanitised Markdown, and a catalog query count that does not
grow with the number of courses."""

from datetime import timedelta
from decimal import Decimal

import pytest
from tortoise.exceptions import DoesNotExist

from courses.catalog import selectors, services
from courses.catalog.models import Course, CourseStatus
from courses.enrolment import services as enrolment
from talent.audit.models import AuditEntry
from talent.core.errors import ServiceError
from talent.core.pagination import ListParams
from talent.people.models import EmploymentSpell
from talent.web.markdown import render_markdown
from tests.conftest import login, post
from tests.courses.helpers import TODAY, make_course, scope_of
from tests.factories import world
from tests.querycount import count_queries


async def _titles(w, user: str, **filters) -> set[str]:
    page = await selectors.course_list(
        scope=await scope_of(w["users"][user]),
        params=ListParams(per_page=100),
        filters=selectors.CatalogFilters(**filters),
        today=TODAY,
    )
    return {c.title for c in page.items}


async def test_workers_see_published_courses_of_their_region_and_above_but_not_drafts_or_other_counties(db):
    w = await world()
    await make_course(w, title="A county")  # county A
    await make_course(w, title="City", author="citybureau", region="320100")
    await make_course(w, title="B county", author="citybureau", region="320104")
    await make_course(w, title="National", author="admin", region="")
    await make_course(w, title="A draft", lessons=0)
    # Worker W1 works at S1 in county A: county A, the city above it and national courses.
    assert await _titles(w, "worker") == {"A county", "City", "National"}
    # HR of organisation A (stations S1, S2 in county A): the same.
    assert await _titles(w, "hr") == {"A county", "City", "National"}
    # The county A bureau also sees its own draft; the city bureau every course of the city (with drafts).
    assert await _titles(w, "bureau") == {"A county", "City", "National", "A draft"}
    assert await _titles(w, "citybureau") == {"A county", "City", "B county", "National", "A draft"}


async def test_catalog_filters_by_category_level_delivery_region_and_open_window(db):
    w = await world()
    await make_course(w, title="Ethics", category="ethics", target_level="assistant")
    await make_course(w, title="Classroom", delivery="classroom")
    await make_course(w, title="Closed", enrol_closes_on=TODAY - timedelta(days=1))
    await make_course(w, title="City", author="citybureau", region="320100")
    assert await _titles(w, "worker", category="ethics") == {"Ethics"}
    # A level filter keeps courses for that level and courses for every level.
    assert await _titles(w, "worker", level="intermediate") == {"Classroom", "Closed", "City"}
    assert await _titles(w, "worker", delivery="classroom") == {"Classroom"}
    assert await _titles(w, "worker", region="320102") == {"Ethics", "Classroom", "Closed"}
    assert "Closed" not in await _titles(w, "worker", open_only=True)


@pytest.mark.parametrize("user", ["bureau", "citybureau", "hr"])
async def test_a_jurisdictions_catalog_filtered_by_its_codes_and_window_sends_its_count_and_page_without_parameters(
    db, user
):
    # The reach's enclosing paths, the live statuses, the filters' codes and the day are written in (TextList,
    # literal_code, literal_date): PostgreSQL plans each statement once per connection. HR's station paths are read
    # first (one statement more).
    w = await world()
    await make_course(w, title="Ethics", category="ethics", target_level="assistant")
    filters = {"category": "ethics", "level": "assistant", "delivery": "online", "open_only": True}
    async with count_queries() as counter:
        page = await selectors.course_list(
            scope=await scope_of(w["users"][user]),
            params=ListParams(),
            filters=selectors.CatalogFilters(**filters),
            today=TODAY,
        )
    assert [c.title for c in page.items] == ["Ethics"]
    count, rows = counter.params[-2:]
    assert not count and not rows, (counter.statements[-2:], counter.params[-2:])
    assert "'ethics'" in counter.statements[-1] and f"'{TODAY.isoformat()}'" in counter.statements[-1]


async def test_a_bureau_authors_only_inside_its_own_region(db):
    w = await world()
    bureau = w["users"]["bureau"]  # county A
    with pytest.raises(ServiceError, match="No region"):
        await services.course_create(
            actor=bureau, scope=await scope_of(bureau), region_code="320104", title="x", category="ethics",
            delivery="online", ce_hours=Decimal("1"),
        )  # fmt: skip
    with pytest.raises(ServiceError, match="Choose the region"):
        await services.course_create(
            actor=bureau, scope=await scope_of(bureau), region_code="", title="x", category="ethics",
            delivery="online", ce_hours=Decimal("1"),
        )  # fmt: skip
    city_course = await make_course(w, author="citybureau", region="320100")
    with pytest.raises(ServiceError, match="may not edit"):
        await services.course_set_status(
            actor=bureau, scope=await scope_of(bureau), course=city_course, status="archived"
        )
    assert await Course.all().count() == 1


async def test_publishing_needs_a_lesson_and_is_audited(db):
    w = await world()
    bureau = w["users"]["bureau"]
    scope = await scope_of(bureau)
    course = await make_course(w, lessons=0)
    with pytest.raises(ServiceError, match="at least one lesson"):
        await services.course_set_status(actor=bureau, scope=scope, course=course, status="published")
    await services.lesson_create(actor=bureau, scope=scope, course=course, title="1")
    course = await services.course_set_status(actor=bureau, scope=scope, course=course, status="published")
    assert course.status == CourseStatus.PUBLISHED and course.published_at is not None
    assert await AuditEntry.filter(entity="course", action="publish", entity_id=str(course.id)).exists()
    with pytest.raises(ServiceError, match="cannot move"):
        await services.course_set_status(actor=bureau, scope=scope, course=course, status="published")


async def test_a_worker_keeps_a_course_they_enrolled_in_after_moving_to_another_county(db):
    # The catalog reads the worker's enrolments through the relation on Course (it does not import enrolment).
    w = await world()
    course = await make_course(w, title="A county")  # county A; worker W1 works at S1 there
    other = await make_course(w, title="A county, not enrolled")
    worker = w["users"]["worker"]
    await enrolment.enrolment_enrol(
        actor=worker, scope=await scope_of(worker), course=course, worker_id=w["workers"][0].id, today=TODAY
    )
    await EmploymentSpell.filter(worker_id=w["workers"][0].id).update(end_on=TODAY - timedelta(days=1))
    await EmploymentSpell.create(
        worker=w["workers"][0], station=w["stations"][2], start_on=TODAY - timedelta(days=1), full_time=True
    )
    scope = await scope_of(worker)
    assert (await selectors.course_get(scope=scope, course_id=course.id, today=TODAY)).id == course.id
    with pytest.raises(DoesNotExist):
        await selectors.course_get(scope=scope, course_id=other.id, today=TODAY)


async def test_a_course_anyone_ever_enrolled_in_does_not_go_back_to_draft(db):
    w = await world()
    course = await make_course(w)
    bureau, worker = w["users"]["bureau"], w["users"]["worker"]
    e = await enrolment.enrolment_enrol(
        actor=worker, scope=await scope_of(worker), course=course, worker_id=w["workers"][0].id, today=TODAY
    )
    await enrolment.enrolment_withdraw(actor=worker, scope=await scope_of(worker), enrolment=e)
    with pytest.raises(ServiceError, match="archive the course instead"):
        await services.course_set_status(actor=bureau, scope=await scope_of(bureau), course=course, status="draft")
    assert (await Course.get(id=course.id)).status == CourseStatus.PUBLISHED


def test_markdown_is_rendered_and_script_is_removed():
    html = str(
        render_markdown(
            "# 标题\n\n**粗体** <script>alert(1)</script> <img src=x onerror=alert(1)> "
            "[link](javascript:alert(1)) <a href='https://ok.example/' onclick='x()'>ok</a>"
        )
    )
    assert "<h1>标题</h1>" in html and "<strong>粗体</strong>" in html
    assert "<script" not in html and "onerror" not in html and "onclick" not in html
    assert 'href="javascript:' not in html  # the unsafe link stays plain text
    assert 'href="https://ok.example/"' in html


async def test_a_lesson_with_script_renders_sanitised_on_its_page(client):
    w = await world()
    course = await make_course(w, lessons=0, status="draft")
    bureau = w["users"]["bureau"]
    lesson = await services.lesson_create(
        actor=bureau, scope=await scope_of(bureau), course=course, title="XSS", body="Hi <script>alert(1)</script>"
    )
    await login(client, "bureau")
    page = await client.get(f"/courses/{course.id}/lessons/{lesson.id}")
    assert page.status_code == 200 and "alert(1)" not in page.text.split("<main", 1)[1].split("</article>")[0]


async def test_the_course_form_refuses_bad_input_with_422_and_keeps_it(client):
    await world()
    await login(client, "bureau")
    response = await post(
        client,
        "/courses",
        {"title": "我的课程", "category": "ethics", "delivery": "online", "ce_hours": "abc", "region_code": "320102"},
    )
    assert response.status_code == 422 and 'value="我的课程"' in response.text and "Enter a number." in response.text
    response = await post(
        client,
        "/courses",
        {"title": "我的课程", "category": "ethics", "delivery": "online", "ce_hours": "4", "region_code": "320104"},
    )
    assert response.status_code == 422 and "No region with this code in your scope." in response.text
    assert await Course.all().count() == 0
    ok = await post(
        client,
        "/courses",
        {"title": "我的课程", "category": "ethics", "delivery": "online", "ce_hours": "4", "region_code": "320102"},
    )
    assert ok.status_code == 303
    await login(client, "hr")
    assert (await client.get("/courses/new")).status_code == 403


async def test_unknown_and_out_of_scope_courses_answer_404(client):
    w = await world()
    draft = await make_course(w, lessons=0)
    await login(client, "worker")
    assert (await client.get("/courses/999999")).status_code == 404
    assert (await client.get(f"/courses/{draft.id}")).status_code == 404  # drafts are the authors' only
    await login(client, "citybureau")
    assert (await client.get(f"/courses/{draft.id}")).status_code == 200


async def test_catalog_page_query_count_is_the_same_for_10_and_1000_courses(client):
    w = await world()
    await login(client, "worker")

    async def seed(n: int) -> None:
        region = w["regions"]["county_a"]
        await Course.bulk_create(
            [
                Course(title=f"课程{i}", category="policy", region=region, region_path=region.path, status="published")
                for i in range(n)
            ],
            batch_size=500,
        )

    async def queries() -> int:
        async with count_queries() as counter:
            response = await client.get("/courses?open=1&category=policy")
            assert response.status_code == 200
        return counter.count

    await seed(10)
    few = await queries()
    await seed(990)
    many = await queries()
    assert few == many
    page = await client.get("/courses?per_page=100&category=policy")
    assert page.text.count('class="card h-100 course-card"') == 100


def test_markdown_drops_htmx_attributes_and_is_shown_where_htmx_does_not_act():
    html = str(render_markdown('<b hx-get="/admin/users" hx-trigger="load">x</b> <div hx-post="/logout">y</div>'))
    assert "hx-get" not in html and "hx-post" not in html and "hx-trigger" not in html
    # Whatever a future sanitiser lets through, the container tells htmx to leave it alone.
    assert html.startswith('<div class="md" hx-ignore>')


async def test_a_published_course_offers_archive_then_back_to_draft_in_every_process(client):
    # The moves are an ordered tuple: from a set, their buttons swapped places from one server process to the next.
    assert services.TRANSITIONS[CourseStatus.PUBLISHED] == (CourseStatus.ARCHIVED, CourseStatus.DRAFT)
    w = await world()
    course = await make_course(w)
    await login(client, "bureau")
    page = (await client.get(f"/courses/{course.id}")).text
    assert page.index('id="status-archived"') < page.index('id="status-draft"')
