"""National exam results → the carry-over rule → certificates, with worked examples (DESIGN §1)."""

from datetime import date
from decimal import Decimal

import pytest

from talent.audit.models import AuditEntry
from talent.certification import services
from talent.certification.models import Certificate, ExamResult, ExamYear, PassLine
from talent.certification.rules import level_passed_in
from talent.core.errors import ServiceError
from tests.factories import world


@pytest.fixture
async def w(db):
    data = await world()
    await services.catalogue_seed()
    return data


async def _record(w, worker, year, subject, score):
    return await services.result_record(
        actor=w["users"]["hr"], worker=worker, year=year, subject=subject, score=Decimal(score)
    )


def test_the_carry_over_window_as_a_pure_rule():
    codes = ["I-ZH", "I-FG", "I-SW"]
    # Two subjects in 2022, the third in 2023: all three inside the 2-year window 2022–2023.
    assert level_passed_in(codes, {"I-ZH": [2022], "I-FG": [2022], "I-SW": [2023]}, 2) == 2023
    # The third only in 2024: window 2023–2024 lacks I-ZH and I-FG, window 2021–2022 lacks I-SW.
    assert level_passed_in(codes, {"I-ZH": [2022], "I-FG": [2022], "I-SW": [2024]}, 2) is None
    # Assistant: both subjects, but in different years with a 1-year window → not passed.
    assert level_passed_in(["A-ZH", "A-SW"], {"A-ZH": [2023], "A-SW": [2024]}, 1) is None
    assert level_passed_in(["A-ZH", "A-SW"], {"A-ZH": [2023, 2024], "A-SW": [2024]}, 1) == 2024


async def test_passing_two_intermediate_subjects_in_year_one_and_the_third_in_year_two_certifies(w):
    worker = w["workers"][0]
    await _record(w, worker, 2022, "I-ZH", "61")
    _r, cert = await _record(w, worker, 2022, "I-FG", "75.5")
    assert cert is None
    await _record(w, worker, 2022, "I-SW", "52")  # failed in year one
    _r, cert = await _record(w, worker, 2023, "I-SW", "60")  # exactly the pass line passes
    assert cert is not None
    assert (cert.level.value, cert.exam_year, cert.source.value) == ("intermediate", 2023, "exam")
    # Obtained on the 2023 sitting's date from the seeded exam years.
    assert cert.obtained_on == (await ExamYear.get(year=2023)).exam_on == date(2023, 6, 10)
    assert cert.number == "EX2023-I-W1"


async def test_passing_the_third_intermediate_subject_only_in_year_three_does_not_certify(w):
    worker = w["workers"][0]
    await _record(w, worker, 2022, "I-ZH", "70")
    await _record(w, worker, 2022, "I-FG", "70")
    _r, cert = await _record(w, worker, 2024, "I-SW", "70")
    assert cert is None
    assert not await Certificate.filter(worker_id=worker.id).exists()


async def test_passing_everything_across_years_two_and_three_certifies(w):
    worker = w["workers"][0]
    # Year 1 (2022): I-ZH passed but it falls out of the window. Years 2023 + 2024 pass all three.
    await _record(w, worker, 2022, "I-ZH", "70")
    await _record(w, worker, 2023, "I-ZH", "65")
    await _record(w, worker, 2023, "I-FG", "66")
    _r, cert = await _record(w, worker, 2024, "I-SW", "67")
    assert cert is not None and cert.exam_year == 2024


async def test_an_assistant_needs_both_subjects_in_one_year(w):
    worker = w["workers"][0]
    await _record(w, worker, 2023, "A-ZH", "80")
    _r, cert = await _record(w, worker, 2024, "A-SW", "80")
    assert cert is None
    _r, cert = await _record(w, worker, 2024, "A-ZH", "59.5")  # 59.5 < 60: failed
    assert cert is None
    _r, cert = await _record(w, worker, 2024, "A-ZH", "60")  # corrected score passes
    assert cert is not None and cert.level.value == "assistant"
    assert await ExamResult.filter(worker_id=worker.id).count() == 3  # the correction updated the row


async def test_recording_the_same_results_again_does_not_create_a_second_certificate(w):
    worker = w["workers"][0]
    for _ in range(2):
        await _record(w, worker, 2024, "A-ZH", "70")
        await _record(w, worker, 2024, "A-SW", "70")
    assert await Certificate.filter(worker_id=worker.id).count() == 1
    assert await ExamResult.filter(worker_id=worker.id).count() == 2
    # Two result creations and one certificate, audited; the identical re-recording wrote nothing.
    assert await AuditEntry.filter(entity="exam_result").count() == 2
    assert await AuditEntry.filter(entity="certificate", action="create").count() == 1


async def test_a_designated_area_line_passes_a_score_the_national_line_fails(w):
    county_a = w["regions"]["county_a"]
    subject = await services.subject_by_code("A-ZH")
    await PassLine.create(subject=subject, year=2024, region=county_a, pass_mark=Decimal("55"))
    # W1 works at S1 in county A (line 55); W3 at S3 in county B (national 60). Both score 57.
    r1, _c = await _record(w, w["workers"][0], 2024, "A-ZH", "57")
    r3, _c = await _record(w, w["workers"][2], 2024, "A-ZH", "57")
    assert (r1.pass_mark, r1.passed) == (Decimal("55"), True)
    assert (r3.pass_mark, r3.passed) == (Decimal("60"), False)
    assert r1.region_path == w["regions"]["street_a"].path


@pytest.mark.parametrize(
    ("subject", "score", "field"),
    [("A-ZH", "100.5", "score"), ("A-ZH", "-1", "score"), ("X-ZZ", "50", "subject")],
)
async def test_a_score_outside_the_full_marks_or_an_unknown_subject_is_refused(w, subject, score, field):
    with pytest.raises(ServiceError) as exc:
        await _record(w, w["workers"][0], 2024, subject, score)
    assert exc.value.field == field
    assert await ExamResult.all().count() == 0


async def test_a_senior_pass_waits_for_the_provincial_review(w):
    _r, cert = await _record(w, w["workers"][0], 2024, "S-SW", "80")
    assert cert is None


async def test_a_certificate_recorded_directly_is_idempotent_on_its_number(w):
    worker = w["workers"][0]
    hr = w["users"]["hr"]
    kwargs = dict(level="intermediate", number="2020041234", obtained_on=date(2020, 6, 20))
    first = await services.certificate_record(actor=hr, worker=worker, registered_on=date(2020, 9, 1), **kwargs)
    again = await services.certificate_record(actor=hr, worker=worker, registered_on=date(2020, 9, 1), **kwargs)
    assert first.id == again.id
    assert (again.registered_on, again.registration_expires_on) == (date(2020, 9, 1), date(2023, 8, 31))
    with pytest.raises(ServiceError) as exc:
        await services.certificate_record(actor=hr, worker=w["workers"][1], **kwargs)
    assert exc.value.field == "number"
    with pytest.raises(ServiceError) as exc:
        await services.certificate_record(
            actor=hr, worker=worker, level="intermediate", number="OTHER", obtained_on=date(2021, 1, 1)
        )
    assert exc.value.field == "level"
