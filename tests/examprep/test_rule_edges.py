"""Edges of the exam-prep rules that mutation testing found untested: defaults, ties, zero weights and the
bank an importer reaches."""

from datetime import date
from decimal import Decimal

from courses.examprep.access import home_bank, import_reach
from courses.examprep.models import Question
from courses.examprep.rules import TopicStat, mock_fraction, readiness
from talent.core.access import Role, Scope
from tests.examprep.conftest import make_question


def test_a_mock_with_nothing_unmarked_is_its_score_over_its_full_marks():
    assert mock_fraction(30, 100) == Decimal("0.3")  # 30 / (100 − 0)


def test_a_mock_without_full_marks_has_no_fraction():
    assert mock_fraction(0, None) is None and mock_fraction(5, 40, 40) is None


def test_a_mock_marked_on_a_single_point_is_still_a_fraction():
    assert mock_fraction(1, "1.0", "0") == Decimal(1)  # 1 / (1 − 0)


def _topic(name: str, answered: int, correct: int, share: str = "0.5") -> TopicStat:
    return TopicStat(topic=name, answered=answered, correct=correct, share=Decimal(share))


def test_readiness_keeps_the_papers_marks_and_orders_equal_accuracies_by_more_answers_first():
    topics = [_topic("甲", 2, 1), _topic("乙", 4, 2)]  # both 50 %
    result = readiness(mock_percents=[], topics=topics, full_marks=Decimal(100), pass_mark=Decimal(60))
    assert (result.full_marks, result.pass_mark) == (Decimal(100), Decimal(60))
    assert [t.topic for t in result.topics] == ["乙", "甲"]
    # Weighted accuracy (0.5 × 0.5 + 0.5 × 0.5) / 1 = 0.5 → expected 50.0 marks.
    assert result.expected == Decimal("50.0")


def test_topics_with_no_share_of_the_bank_give_no_topic_accuracy():
    result = readiness(
        mock_percents=[], topics=[_topic("甲", 5, 5, share="0")], full_marks=Decimal(100), pass_mark=Decimal(60)
    )
    assert result.topic_accuracy is None and result.expected is None


def test_a_topic_with_exactly_three_answers_can_be_among_the_weakest():
    topics = [_topic("甲", 3, 0), _topic("乙", 2, 0)]
    result = readiness(mock_percents=[], topics=topics, full_marks=Decimal(100), pass_mark=Decimal(60))
    assert [t.topic for t in result.weakest] == ["甲"]  # 乙 has only 2 answers


def test_a_bureau_authors_into_its_region_and_everyone_else_into_the_national_bank():
    assert home_bank(Scope(user_id=1, role=Role.BUREAU, region_path="32/3201/")) == "32/3201/"
    assert home_bank(Scope(user_id=1, role=Role.BUREAU, region_path=None)) == ""
    assert home_bank(Scope(user_id=1, role=Role.HR, region_path="32/3201/", organisation_id=1)) == ""
    assert home_bank(Scope(user_id=1, role=Role.ADMIN)) == ""


async def test_an_importer_matches_rows_with_the_banks_of_enclosing_regions_but_not_of_others(db):
    national = await make_question(region_path="")
    city = await make_question(region_path="32/3201/")
    other = await make_question(region_path="32/3202/")
    scope = Scope(user_id=1, role=Role.BUREAU, region_path="32/3201/320102/")
    reached = set(await Question.filter(import_reach(scope)).values_list("id", flat=True))
    assert national.id in reached and city.id in reached and other.id not in reached


def test_letters_given_as_a_list_are_joined_and_sorted():
    from courses.examprep.rules import normalise_letters

    assert normalise_letters(["C", "a"]) == "AC" and normalise_letters(("B",)) == "B"


def test_a_case_answer_is_never_auto_marked():
    from courses.examprep.rules import mark

    assert mark("case", "", "我的答案", Decimal(20)) == Decimal(0)


def test_an_attempt_stores_the_papers_minutes_marks_and_sections_in_bank_kinds():
    from types import SimpleNamespace

    from courses.examprep.rules import attempt_structure

    section = SimpleNamespace(kind="programme", count=1, points=Decimal(20))
    paper = SimpleNamespace(minutes=150, full_marks=Decimal(100), pass_mark=Decimal(60), sections=[section])
    assert attempt_structure(paper) == {
        "minutes": 150,
        "full_marks": "100",
        "pass_mark": "60",
        "sections": [{"kind": "case", "count": 1, "points": "20"}],
    }


def test_only_admins_and_bureaus_with_a_region_edit_questions():
    from courses.examprep.access import editable
    from talent.core.sql import NOTHING

    assert editable(Scope(user_id=1, role=Role.HR, region_path="32/", organisation_id=1)) is NOTHING
    assert editable(Scope(user_id=1, role=Role.BUREAU, region_path=None)) is NOTHING


async def test_a_spell_starting_tomorrow_does_not_yet_widen_a_workers_reach(db):
    from datetime import timedelta

    from courses.examprep.access import worker_reach
    from talent.people.models import EmploymentSpell
    from tests.factories import world

    w = await world()
    worker, station = w["workers"][0], w["stations"][2]  # W1 works in county A; S3 is in county B
    today = date(2026, 12, 1)
    await EmploymentSpell.create(worker=worker, station=station, start_on=today + timedelta(days=1))
    reach = await worker_reach(worker_id=worker.id, today=today)
    assert station.region_path not in reach and w["stations"][0].region_path in reach


def test_the_weakest_topics_are_at_most_three_even_when_four_have_enough_answers():
    topics = [_topic("甲", 4, 0), _topic("乙", 4, 1), _topic("丙", 4, 2), _topic("丁", 4, 3)]
    result = readiness(mock_percents=[], topics=topics, full_marks=Decimal(100), pass_mark=Decimal(60))
    # Accuracies 0, 0.25, 0.5, 0.75: the three lowest, lowest first; 丁 is not among them.
    assert [t.topic for t in result.weakest] == ["甲", "乙", "丙"]
