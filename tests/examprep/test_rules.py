"""The rules as pure functions: the national marking rule, Leitner scheduling, paper assembly, readiness."""

from datetime import date
from decimal import Decimal

from courses.examprep import rules
from courses.examprep.rules import PoolQuestion, TopicStat


def test_the_multiple_choice_rule_gives_zero_for_any_wrong_option_and_half_a_point_per_right_one():
    # Correct answer ACD, worth 2 points.
    two = Decimal(2)
    assert rules.mark("multiple", "ACD", "ACD", two) == Decimal(2)  # all right options → full points
    assert rules.mark("multiple", "ACD", "AC", two) == Decimal("1.0")  # 2 right, none wrong → 2 × 0.5
    assert rules.mark("multiple", "ACD", "D", two) == Decimal("0.5")  # 1 right → 0.5
    assert rules.mark("multiple", "ACD", "ACE", two) == 0  # any wrong option → 0
    assert rules.mark("multiple", "ACD", "ABCD", two) == 0
    assert rules.mark("multiple", "ACD", "", two) == 0  # unanswered → 0
    # Five right options worth 2 points: four chosen would be 4 × 0.5 = 2.0, capped at the item's 2 points.
    assert rules.mark("multiple", "ABCDE", "ABCD", two) == Decimal(2)
    # The order and case of the letters sent do not matter.
    assert rules.mark("multiple", "ACD", "dca", two) == Decimal(2)


def test_a_single_choice_question_scores_its_points_only_when_exactly_right():
    assert rules.mark("single", "B", "B", Decimal(1)) == Decimal(1)
    assert rules.mark("single", "B", "C", Decimal(1)) == 0
    assert rules.mark("single", "B", "", Decimal(1)) == 0
    assert rules.mark("single", "B", "BC", Decimal(1)) == 0


def test_leitner_scheduling_moves_right_answers_up_a_box_and_wrong_ones_back_to_box_one():
    today = date(2026, 3, 2)
    # First wrong answer: box 1, back tomorrow.
    assert rules.leitner_next(None, False, today) == (1, date(2026, 3, 3))
    # Right at box 1 → box 2 (2 days), box 2 → 3 (4 days), 3 → 4 (8 days), 4 → 5 (16 days), 5 stays 5 (16 days).
    assert rules.leitner_next(1, True, today) == (2, date(2026, 3, 4))
    assert rules.leitner_next(2, True, today) == (3, date(2026, 3, 6))
    assert rules.leitner_next(3, True, today) == (4, date(2026, 3, 10))
    assert rules.leitner_next(4, True, today) == (5, date(2026, 3, 18))
    assert rules.leitner_next(5, True, today) == (5, date(2026, 3, 18))
    # Wrong from any box → box 1, tomorrow.
    assert rules.leitner_next(4, False, today) == (1, date(2026, 3, 3))


def test_paper_assembly_follows_the_structure_prefers_unseen_questions_and_is_fixed_by_the_seed():
    pool = [PoolQuestion(i, 100 + i, "single", "T") for i in range(1, 11)] + [
        PoolQuestion(i, 100 + i, "multiple", "T") for i in range(11, 16)
    ]
    sections = [{"kind": "single", "count": 4, "points": "1"}, {"kind": "multiple", "count": 2, "points": "2"}]
    seen = {1, 2, 3, 4, 5, 6, 7, 11, 12, 13}
    paper = rules.assemble(sections, pool, seen, seed=42)
    kinds = [q.kind for q, _p in paper]
    assert kinds == ["single"] * 4 + ["multiple"] * 2
    singles = {q.question_id for q, _p in paper[:4]}
    # The three unseen single questions (8, 9, 10) are all drawn, and one seen one fills the fourth place.
    assert {8, 9, 10} <= singles and len(singles & seen) == 1
    assert {q.question_id for q, _p in paper[4:]} == {14, 15}
    assert [p for _q, p in paper] == [Decimal(1)] * 4 + [Decimal(2)] * 2
    assert rules.assemble(sections, pool, seen, seed=42) == paper
    # A bank too small for a section gives what there is.
    short = rules.assemble([{"kind": "single", "count": 50, "points": "1"}], pool, set(), seed=1)
    assert len(short) == 10


def test_readiness_worked_example_blends_mock_results_and_topic_accuracy():
    # Last three mocks 70, 80, 60 of 100 → mean 0.70.
    # Bank: T1 has 6 questions, T2 3, T3 1 → shares 0.6, 0.3, 0.1.
    # Answers: T1 8 of 10 right (0.8), T2 2 of 5 (0.4), T3 none.
    # Topic accuracy = (0.6 × 0.8 + 0.3 × 0.4) ÷ (0.6 + 0.3) = 0.60 ÷ 0.9 = 0.6667.
    # Expected = 100 × (0.6 × 0.70 + 0.4 × 0.6667) = 100 × 0.68667 = 68.7.
    r = rules.readiness(
        mock_percents=[Decimal("0.7"), Decimal("0.8"), Decimal("0.6")],
        topics=[
            TopicStat("T1", 10, 8, Decimal("0.6")),
            TopicStat("T2", 5, 2, Decimal("0.3")),
            TopicStat("T3", 0, 0, Decimal("0.1")),
        ],
        full_marks=Decimal(100),
        pass_mark=Decimal(60),
    )
    assert r.mock_mean == Decimal("0.7")
    assert round(r.topic_accuracy, 4) == Decimal("0.6667")
    assert r.expected == Decimal("68.7")
    assert r.likely_pass
    # Weakest topics: only topics with at least 3 answers, lowest accuracy first.
    assert [t.topic for t in r.weakest] == ["T2", "T1"]
    # Only practice, no mocks → topic accuracy alone: 100 × 0.6667 = 66.7.
    alone = rules.readiness(mock_percents=[], topics=r.topics, full_marks=Decimal(100), pass_mark=Decimal(60))
    assert alone.expected == Decimal("66.7")
    # Nothing at all → unknown.
    assert rules.readiness(mock_percents=[], topics=[], full_marks=Decimal(100), pass_mark=Decimal(60)).expected is None


def test_two_sections_drawing_on_the_same_kind_never_repeat_a_question():
    # I-SW: 4 cases and 1 programme design, both drawn from the bank's cases. With exactly 5 cases every
    # seed must use each of them once (drawing the sections independently used to repeat one).
    pool = [PoolQuestion(i, 100 + i, "case", "T") for i in range(1, 6)]
    sections = [{"kind": "case", "count": 4, "points": "20"}, {"kind": "case", "count": 1, "points": "20"}]
    for seed in range(30):
        paper = rules.assemble(sections, pool, set(), seed=seed)
        assert sorted(q.question_id for q, _p in paper) == [1, 2, 3, 4, 5], seed


def test_a_mock_result_leaves_out_the_case_answers_not_yet_self_marked():
    # 30 marks scored on a 100-mark paper with 40 points of case answers still to mark: 30 of 60 → 0.5.
    assert rules.mock_fraction(Decimal(30), Decimal(100), Decimal(40)) == Decimal("0.5")
    # Once everything is marked the whole paper counts: 30 of 100.
    assert rules.mock_fraction(Decimal(30), Decimal(100), 0) == Decimal("0.3")
    # Nothing marked yet (an all-case paper): no result to count.
    assert rules.mock_fraction(Decimal(0), Decimal(100), Decimal(100)) is None
