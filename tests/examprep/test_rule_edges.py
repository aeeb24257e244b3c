"""Edges of the exam-prep rules that mutation testing found untested: defaults, ties, zero weights and the
bank an importer reaches."""

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
