"""The demo question bank reads like the assistant-level paper (issue 16, item 10): plausible distractors, multiple
choice with 2, 3 or 4 right options in about equal shares, one key per single choice, case stems in the practice
subject, no item that answers itself, every item filed under a topic of its subject with an explanation; and
the demo worker's readiness is not inflated by it."""

import re
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from courses.examprep.demo_bank import SUBJECT_SW, SUBJECT_ZH, TOPICS, questions

BANK = questions()
MULTIPLE = [q for q in BANK if q.kind == "multiple"]
SINGLE = [q for q in BANK if q.kind == "single"]
# The distractors a reviewer found absurd (issue 16) and the like: nobody sitting the paper would pick them.
ABSURD = ("星座", "股票分红", "网购偏好", "财富康复", "心电图", "身高")
# A case stem sets a named worker or client in a situation: 社会工作者小李……, 王奶奶……, 老曾……, 刘某…….
SURNAMES = (
    "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
CASE = re.compile(rf"[小老][{SURNAMES}]|[{SURNAMES}](某|大爷|奶奶|爷爷|阿姨|大姐|女士|先生)")


def label(q) -> str:
    return f"{q.subject} {q.stem[:30]}"


def test_each_subject_keeps_at_least_a_paper_and_a_spare_of_each_kind():
    # The catalogue's assistant papers: 60 single choice + 20 multiple choice; the bank keeps a few spare of each.
    counts = Counter((q.subject, q.kind) for q in BANK)
    for subject in (SUBJECT_ZH, SUBJECT_SW):
        assert counts[(subject, "single")] >= 62 and counts[(subject, "multiple")] >= 21, counts


def test_a_single_choice_item_has_four_options_and_one_key():
    for q in SINGLE:
        assert len(q.options) == 4 and len(q.answer) == 1 and q.answer in "ABCD", label(q)


def test_a_multiple_choice_item_has_five_options_and_two_to_four_keys():
    for q in MULTIPLE:
        assert len(q.options) == 5, label(q)
        assert 2 <= len(q.answer) <= 4 and set(q.answer) <= set("ABCDE"), label(q)


@pytest.mark.parametrize("subject", [SUBJECT_ZH, SUBJECT_SW])
def test_two_three_and_four_right_options_each_make_at_least_a_quarter_of_the_multiple_choice(subject):
    # Before issue 16: 32 of 42 had four right options and none had two, so ticking four options scored.
    items = [q for q in MULTIPLE if q.subject == subject]
    spread = Counter(len(q.answer) for q in items)
    assert all(spread[n] * 4 >= len(items) for n in (2, 3, 4)), spread


def test_keys_spread_over_the_letters():
    # No letter is the key of more than a third of the single-choice items (the rotation in questions()).
    letters = Counter(q.answer for q in SINGLE)
    assert max(letters.values()) * 3 <= len(SINGLE), letters


def test_no_item_repeats_an_option_or_writes_one_out_in_its_stem():
    for q in BANK:
        assert len(set(q.options)) == len(q.options), label(q)
        assert all(option.strip() and option not in q.stem for option in q.options), label(q)


def test_no_item_has_an_absurd_distractor():
    for q in BANK:
        assert not [word for word in ABSURD if any(word in option for option in q.options)], label(q)


def test_every_item_is_filed_under_a_topic_of_its_subject_and_explains_its_key():
    for q in BANK:
        assert q.topic in TOPICS[q.subject], label(q)
        assert len(q.explanation) >= 20, label(q)
        assert 1 <= q.difficulty <= 3, label(q)
    # Every topic of the syllabus has questions, so practice by topic never comes up empty.
    for subject, topics in TOPICS.items():
        filed = Counter(q.topic for q in BANK if q.subject == subject)
        assert all(filed[t] >= 5 for t in topics), filed


def test_explanations_do_not_name_letters_the_rotation_moves():
    for q in BANK:
        assert not re.search(r"(选项|选)[A-E]|[A-E](项|选项)", q.explanation), label(q)


def test_most_practice_subject_stems_are_cases():
    items = [q for q in BANK if q.subject == SUBJECT_SW]
    cases = [q for q in items if CASE.search(q.stem)]
    assert len(cases) * 10 >= len(items) * 6, f"{len(cases)} of {len(items)}"


def test_the_case_pattern_tells_a_case_from_a_definition():
    assert CASE.search("社会工作者小李在某街道社工站值班时，一位居民前来咨询")
    assert CASE.search("78岁的王奶奶老伴去世后整日闭门不出")
    assert not CASE.search("小组工作中的“小组动力”是指（ ）。")
    assert not CASE.search("老年社会工作的服务内容包括（ ）。")


def test_the_functions_of_social_work_for_society_are_keyed_as_the_assistant_textbook():
    # 对社会的功能：维持社会秩序、促进社会和谐; the other two listed are functions for the service user.
    item = next(q for q in BANK if q.stem == "社会工作对社会的功能包括（ ）。")
    assert {item.options["ABCDE".index(ch)] for ch in item.answer} == {"维持社会秩序", "促进社会和谐"}


async def test_the_demo_worker_is_not_shown_as_likely_to_pass(db):
    """Issue 16: the demo's simulated answers were right 70 % of the time regardless of the item, which put the
    demo worker's mock at 62 of 100 and readiness at 64 — "likely to pass" where about one candidate in five
    passes. talent/demo.py now answers by kind and difficulty (talent.demo._exam_prep): for seed 2026 the mock
    scores 49.5 of 100 and readiness 49.9, below the pass mark of 60."""
    from courses.examprep.models import MockAttempt
    from courses.examprep.selectors import readiness_for
    from talent.accounts.models import User
    from talent.certification.models import ExamSubject
    from talent.demo import load_demo

    await load_demo(scale="small", seed=2026, today=date(2026, 11, 27))
    me = await User.get(username="worker")
    mock = await MockAttempt.get(worker_id=me.worker_id, subject=SUBJECT_ZH)
    assert mock.question_count == 80
    assert Decimal(40) <= mock.score < Decimal(60), mock.score
    subjects = await ExamSubject.filter(code=SUBJECT_ZH)
    ready = (await readiness_for(worker_id=me.worker_id, subjects=subjects, now=datetime(2026, 11, 27, 4, tzinfo=UTC)))[
        SUBJECT_ZH
    ]
    assert ready.expected is not None and Decimal(40) <= ready.expected < ready.pass_mark, ready.expected
    assert not ready.likely_pass and ready.weakest
