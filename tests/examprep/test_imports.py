"""The `questions` spreadsheet kind: per-row problems and nothing written; the same file again changes nothing;
changed wording becomes a new version; an export re-imports unchanged."""

import pytest

import courses.examprep.imports  # noqa: F401  (registers the kind until KIND_MODULES lists the module)
from courses.examprep.imports import QUESTIONS, question_rows
from courses.examprep.models import Question, QuestionVersion
from talent.core.access import Scope
from talent.imports import framework
from talent.imports.commands import CLI_SCOPE
from talent.imports.exporting import export_kind
from tests.conftest import login
from tests.examprep.conftest import make_question
from tests.factories import world
from tests.imports.conftest import csv_bytes, write

HEADER = [c.key for c in QUESTIONS.columns]


def row(subject="A-ZH", topic="个案工作", kind="single", stem="题一", options=("甲", "乙", "丙", "丁"), answer="B",
        explanation="解析", difficulty="2"):  # fmt: skip
    opts = list(options) + [""] * (8 - len(options))
    return [subject, topic, kind, stem, *opts, answer, explanation, difficulty]


async def run(w, path, dry_run=False, who="admin"):
    user = w["users"][who]
    scope = Scope(
        user_id=user.id, role=user.role, region_path=w["regions"]["county_a"].path if who == "bureau" else None
    )
    return await framework.run(framework.get_kind("questions"), path, scope=scope, actor=user, dry_run=dry_run)


async def test_a_questions_file_with_bad_rows_reports_each_and_writes_nothing(db, tmp_path):
    w = await world()
    rows = [
        HEADER,
        row(),
        row(subject="X-YY", stem="题二"),  # unknown subject
        row(kind="essay", stem="题三"),  # unknown kind
        row(stem="题四", answer="AB"),  # two answers to a single-choice question
        row(kind="multiple", stem="题五", options=("一", "二", "三", "四", "五"), answer="A"),  # one right option
        row(stem="题六", options=("甲", "", "丙")),  # a gap in the options
        row(stem="题七", difficulty="5"),
    ]
    outcome = await run(w, write(tmp_path, "q.csv", csv_bytes(rows)))
    assert [(p.row, p.column) for p in outcome.problems] == [
        (3, "subject"),
        (4, "kind"),
        (5, "answer"),
        (6, "answer"),
        (7, "option_b"),
        (8, "difficulty"),
    ]
    assert not outcome.written and await Question.all().count() == 0


async def test_importing_questions_twice_changes_nothing_and_changed_wording_is_a_new_version(db, tmp_path):
    w = await world()
    rows = [
        HEADER,
        row(),
        row(kind="多选", stem="题二", options=("一", "二", "三", "四", "五"), answer="ACD"),
        row(subject="I-SW", kind="case", stem="案例一", options=(), answer="", explanation="范文"),
    ]
    first = await run(w, write(tmp_path, "q.csv", csv_bytes(rows)))
    assert first.written and first.counts.as_dict() == {"created": 3, "updated": 0, "unchanged": 0}
    again = await run(w, write(tmp_path, "q.csv", csv_bytes(rows)))
    assert again.counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 3}
    rows[1] = row(answer="C")
    changed = await run(w, write(tmp_path, "q2.csv", csv_bytes(rows)))
    assert changed.counts.as_dict() == {"created": 0, "updated": 1, "unchanged": 2}
    q = await Question.get(subject="A-ZH", kind="single")
    assert [v.answer for v in await QuestionVersion.filter(question=q).order_by("number")] == ["B", "C"]
    # The export writes the same columns, and importing it changes nothing.
    exported = [HEADER] + [r async for r in question_rows()]
    round_trip = await run(w, write(tmp_path, "export.csv", csv_bytes([[str(v) for v in r] for r in exported])))
    assert round_trip.counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 3}
    # A bureau may not change the national bank's questions.
    refused = await run(w, write(tmp_path, "q3.csv", csv_bytes([HEADER, row(answer="A")])), who="bureau")
    assert [(p.row, p.column) for p in refused.problems] == [(2, "stem")]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
async def test_talent_export_questions_writes_a_file_that_imports_back_unchanged(db, tmp_path, suffix):
    # Two choice questions and a case: the export file (English headers) re-imports as 3 unchanged.
    await world()
    await make_question()
    await make_question(kind="multiple", stem="多选题", answer="ACD", options=("一", "二", "三", "四", "五"))
    case = await make_question(subject="I-SW", kind="case", stem="案例")
    await QuestionVersion.filter(question=case).update(rubric="要点一；要点二")
    path = tmp_path / f"questions{suffix}"
    assert await export_kind("questions", path) == 3
    outcome = await framework.run(framework.get_kind("questions"), path, scope=CLI_SCOPE, actor=None, dry_run=False)
    assert outcome.ok, outcome.problems
    assert outcome.counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 3}
    # The case kept its model answer, explanation and rubric through the file.
    version = await QuestionVersion.get(question=case, is_current=True)
    assert (version.model_answer, version.explanation, version.rubric) == ("范文", "解析", "要点一；要点二")


async def test_the_bank_page_exports_its_search_as_a_file_that_imports_back_unchanged(client, tmp_path):
    # Three questions, two of them on topic 个案工作; searching 个案 exports those two, in the user's header
    # language (English here), and the file re-imports as 2 unchanged.
    await world()
    await make_question(topic="个案工作", stem="题一")
    await make_question(topic="个案工作", stem="题二", kind="multiple", answer="AC", options=("一", "二", "三", "四"))
    await make_question(topic="社区工作", stem="题三")
    await login(client, "admin")
    page = await client.get("/exam-prep/bank?q=个案")
    assert 'href="/exam-prep/bank/export?q=' in page.text
    response = await client.get("/exam-prep/bank/export", params={"q": "个案", "format": "csv"})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("subject,topic,kind,stem,option_a") and len(lines) == 3
    path = tmp_path / "bank.csv"
    path.write_bytes(response.content)
    outcome = await framework.run(framework.get_kind("questions"), path, scope=CLI_SCOPE, actor=None, dry_run=True)
    assert outcome.ok, outcome.problems
    assert outcome.counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 2}
    # Workers have no bank, and so no export.
    await login(client, "worker")
    assert (await client.get("/exam-prep/bank/export")).status_code == 403
