"""Every reference in every import kind is resolved inside the importer's scope (DESIGN §1, §4): a row naming a
record outside it gets the answer an unknown one gets, nothing is written, and no answer says where the record is.

The world (tests/factories.py): HR and the county bureau belong to organisation A / county A (stations S1, S2,
workers W1, W2); organisation B runs S3 and S4 in county B (workers W3, W4)."""

from datetime import date

from courses.examprep.models import Question, QuestionVersion
from talent.certification.models import Certificate, ExamResult
from talent.core.access import Role, Scope
from talent.imports import framework
from talent.people.access import workers_q
from talent.people.models import EmploymentSpell, Worker
from talent.places.models import Region, Station
from tests.factories import world
from tests.imports.conftest import ADMIN, csv_bytes, write

SPELL_HEADER = ["worker_no", "station_code", "start_on", "end_on", "full_time", "exit_type", "exit_reason"]


async def run(kind, tmp_path, rows, scope=ADMIN, name="f.csv"):
    path = write(tmp_path, name, csv_bytes(rows))
    return await framework.run(framework.get_kind(kind), path, scope=scope, actor=None, dry_run=False)


def reasons(outcome) -> list[tuple]:
    return [(p.row, p.column, p.value, p.reason) for p in outcome.problems]


def hr_a(w) -> Scope:
    return Scope(user_id=w["users"]["hr"].id, role=Role.HR, organisation_id=w["orgs"][0].id)


def hr_b(w) -> Scope:
    return Scope(user_id=0, role=Role.HR, organisation_id=w["orgs"][1].id)


def bureau_a(w) -> Scope:
    return Scope(user_id=w["users"]["bureau"].id, role=Role.BUREAU, region_path=w["regions"]["county_a"].path)


async def visible_numbers(scope: Scope) -> list[str]:
    return sorted(await Worker.filter(workers_q(scope)).values_list("worker_no", flat=True))


async def test_an_employment_row_cannot_pull_another_organisations_worker_into_hr_scope(db, tmp_path):
    w = await world()
    # W3 worked for organisation B until the end of 2024; HR A names them at its own station S1.
    await EmploymentSpell.filter(worker=w["workers"][2]).update(
        end_on=date(2024, 12, 31), exit_type="voluntary", exit_reason="career"
    )
    rows = [SPELL_HEADER, ["W3", "S1", "2025-01-01", "", "yes", "", ""]]
    outcome = await run("employment", tmp_path, rows, scope=hr_a(w))
    assert reasons(outcome) == [(2, "worker_no", "W3", "No worker with this number in your scope.")]
    assert not outcome.written
    assert not await EmploymentSpell.filter(worker=w["workers"][2], station=w["stations"][0]).exists()
    assert await visible_numbers(hr_a(w)) == ["W1", "W2"]


async def test_out_of_scope_references_get_exactly_the_answer_unknown_ones_get(db, tmp_path):
    w = await world()
    employment = await run(
        "employment",
        tmp_path,
        [SPELL_HEADER, ["W3", "S3", "2030-01-01", "", "", "", ""], ["W99", "S99", "2030-01-01", "", "", "", ""]],
        scope=hr_a(w),
    )
    by_column = {}
    for row, column, _value, reason in reasons(employment):
        by_column.setdefault(column, {})[row] = reason
    assert by_column["worker_no"][2] == by_column["worker_no"][3] == "No worker with this number in your scope."
    assert by_column["station_code"][2] == by_column["station_code"][3] == "No station with this code in your scope."

    stations = await run(
        "stations",
        tmp_path,
        [["code", "name", "region_code"], ["S9", "外站", "320104001"], ["S10", "无站", "999999999"]],
        scope=bureau_a(w),
        name="s.csv",
    )
    assert [r[3] for r in reasons(stations)] == ["No region with this code in your scope."] * 2

    regions = await run(
        "regions",
        tmp_path,
        [["code", "name", "level", "parent_code"], ["320104002", "外街", "township", "320104"]]
        + [["320199002", "无街", "township", "320199"]],
        scope=bureau_a(w),
        name="r.csv",
    )
    assert [r[3] for r in reasons(regions)] == [
        "No region with this code in your jurisdiction or in an earlier row."
    ] * 2

    for kind, header, hidden, unknown in [
        ("exam_results", ["worker_no", "year", "subject", "score"], ["W3", "2024", "A-ZH", "70"],
         ["W99", "2024", "A-ZH", "70"]),
        ("certificates", ["worker_no", "level", "number", "obtained_on"], ["W3", "assistant", "C-1", "2024-06-01"],
         ["W99", "assistant", "C-2", "2024-06-01"]),
    ]:  # fmt: skip
        outcome = await run(kind, tmp_path, [header, hidden, unknown], scope=hr_a(w), name=f"{kind}.csv")
        assert [r[3] for r in reasons(outcome)] == ["No worker with this number in your scope."] * 2, kind
    assert not await ExamResult.exists() and not await Certificate.exists()


async def test_a_worker_without_spells_registered_by_another_organisation_cannot_be_overwritten(db, tmp_path):
    w = await world()
    # Organisation B imports a new worker; its employment file has not come yet.
    created = await run(
        "workers", tmp_path, [["worker_no", "name", "phone"], ["N1", "乙方新人", "13800000000"]], hr_b(w)
    )
    assert created.ok and created.written
    overwrite = await run("workers", tmp_path, [["worker_no", "name", "phone"], ["N1", "改名", "13911111111"]], hr_a(w))
    assert reasons(overwrite) == [(2, "worker_no", "N1", "This worker number is taken.")]
    worker = await Worker.get(worker_no="N1")
    assert (worker.name, worker.phone) == ("乙方新人", "13800000000")
    assert "N1" not in await visible_numbers(hr_a(w))


async def test_hr_imports_workers_then_employment_and_new_workers_stay_in_its_scope_only(db, tmp_path):
    w = await world()
    workers = await run("workers", tmp_path, [["worker_no", "name"], ["N1", "新人"]], hr_a(w))
    assert workers.ok and workers.written
    # Between the two files the new worker is HR A's alone: not organisation B's, not another county's bureau.
    assert await visible_numbers(hr_a(w)) == ["N1", "W1", "W2"]
    assert "N1" not in await visible_numbers(hr_b(w))
    county_b = Scope(user_id=0, role=Role.BUREAU, region_path=w["regions"]["county_b"].path)
    assert "N1" not in await visible_numbers(county_b)
    stolen = await run("employment", tmp_path, [SPELL_HEADER, ["N1", "S3", "2025-01-01", "", "", "", ""]], hr_b(w))
    assert reasons(stolen) == [(2, "worker_no", "N1", "No worker with this number in your scope.")]
    placed = await run("employment", tmp_path, [SPELL_HEADER, ["N1", "S1", "2025-01-01", "", "", "", ""]], hr_a(w))
    assert placed.ok and placed.written
    assert await visible_numbers(hr_a(w)) == ["N1", "W1", "W2"]
    assert "N1" not in await visible_numbers(hr_b(w))


async def test_once_placed_a_registered_worker_is_seen_through_spells_only(db, tmp_path):
    w = await world()
    await run("workers", tmp_path, [["worker_no", "name"], ["N1", "新人"]], hr_a(w))
    # The city bureau (above both counties) places N1 at organisation B's station: HR A no longer sees them.
    city = Scope(user_id=0, role=Role.BUREAU, region_path=w["regions"]["city"].path)
    worker = await Worker.get(worker_no="N1")
    await EmploymentSpell.create(worker=worker, station=w["stations"][2], start_on=date(2025, 1, 1))
    assert "N1" not in await visible_numbers(hr_a(w))
    assert "N1" in await visible_numbers(hr_b(w)) and "N1" in await visible_numbers(city)


async def test_a_bureau_registers_new_workers_for_its_region(db, tmp_path):
    w = await world()
    await run("workers", tmp_path, [["worker_no", "name"], ["N1", "新人"]], bureau_a(w))
    worker = await Worker.get(worker_no="N1")
    assert (worker.registered_region_path, worker.registered_organisation_id) == (w["regions"]["county_a"].path, None)
    city = Scope(user_id=0, role=Role.BUREAU, region_path=w["regions"]["city"].path)
    assert "N1" in await visible_numbers(bureau_a(w)) and "N1" in await visible_numbers(city)
    assert "N1" not in await visible_numbers(hr_a(w))


async def test_an_employment_overlap_with_a_hidden_spell_does_not_name_its_station(db, tmp_path):
    w = await world()
    # W3 once worked at S1 (organisation A), so HR A sees W3; W3's open spell at S3 is organisation B's.
    await EmploymentSpell.create(
        worker=w["workers"][2], station=w["stations"][0], start_on=date(2020, 1, 1), end_on=date(2021, 12, 31)
    )
    outcome = await run("employment", tmp_path, [SPELL_HEADER, ["W3", "S2", "2030-01-01", "", "", "", ""]], hr_a(w))
    assert reasons(outcome) == [
        (2, "start_on", date(2030, 1, 1).isoformat(), "This spell overlaps another spell of the same worker.")
    ]
    # The admin, who sees S3, is told where the clash is.
    full = await run("employment", tmp_path, [SPELL_HEADER, ["W3", "S2", "2030-01-01", "", "", "", ""]])
    assert "S3" in reasons(full)[0][3]


async def test_a_stations_row_cannot_attach_another_jurisdictions_organisation(db, tmp_path):
    w = await world()
    rows = [["code", "name", "region_code", "organisation"], ["S1", "社工站1", "320102001", "秦淮社工服务中心"]]
    outcome = await run("stations", tmp_path, rows, scope=bureau_a(w))
    assert reasons(outcome) == [(2, "organisation", "秦淮社工服务中心", "This organisation name is taken.")]
    assert (await Station.get(code="S1")).organisation_id == w["orgs"][0].id


async def test_a_hidden_station_or_region_code_is_refused_without_a_word_about_it(db, tmp_path):
    w = await world()
    stations = await run(
        "stations", tmp_path, [["code", "name", "region_code"], ["S3", "改名", "320102001"]], scope=bureau_a(w)
    )
    assert reasons(stations) == [(2, "code", "S3", "This station code is taken.")]
    assert (await Station.get(code="S3")).region_id == w["regions"]["street_b"].id
    # County B's street, given with another level and parent: nothing about the stored region is said.
    regions = await run(
        "regions",
        tmp_path,
        [["code", "name", "level", "parent_code"], ["320104001", "改名", "township", "320102"]],
        scope=bureau_a(w),
        name="r.csv",
    )
    assert reasons(regions) == [(2, "code", "320104001", "This region code is taken.")]
    assert (await Region.get(code="320104001")).name == "秦虹街道"


async def test_a_certificate_number_of_a_hidden_worker_is_refused_without_naming_its_holder(db, tmp_path):
    w = await world()
    await Certificate.create(worker=w["workers"][2], level="assistant", number="C-B", obtained_on=date(2024, 6, 1))
    header = ["worker_no", "level", "number", "obtained_on"]
    outcome = await run("certificates", tmp_path, [header, ["W1", "assistant", "C-B", "2024-06-01"]], hr_a(w))
    assert reasons(outcome) == [(2, "number", "C-B", "This certificate number is taken.")]
    assert await Certificate.filter(number="C-B").values_list("worker_id", flat=True) == [w["workers"][2].id]


async def test_a_question_of_another_regions_bank_is_neither_changed_nor_mentioned(db, tmp_path):
    w = await world()
    from courses.examprep import services as examprep

    county_b = Scope(user_id=0, role=Role.BUREAU, region_path=w["regions"]["county_b"].path)
    theirs = await examprep.question_create(
        actor=None, scope=county_b, subject="A-ZH", topic="个案工作", kind="single", difficulty=2,
        stem="题一", options=["甲", "乙", "丙", "丁"], answer="B", model_answer="", explanation="", rubric="",
    )  # fmt: skip
    header = ["subject", "topic", "kind", "stem", "option_a", "option_b", "option_c", "option_d", "answer"]
    row = ["A-ZH", "个案工作", "single", "题一", "甲", "乙", "丙", "丁", "A"]
    outcome = await run("questions", tmp_path, [header, row], scope=bureau_a(w))
    assert outcome.ok and outcome.counts.created == 1, outcome.problems
    # County B's question keeps its answer; county A has its own question with the same stem.
    assert (await QuestionVersion.get(question_id=theirs.id, is_current=True)).answer == "B"
    mine = await Question.get(region_path=w["regions"]["county_a"].path)
    assert (await QuestionVersion.get(question_id=mine.id, is_current=True)).answer == "A"
