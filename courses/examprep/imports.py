"""The `questions` spreadsheet kind (DESIGN §3): subject, topic, kind, stem, option_a … option_h, answer,
explanation, difficulty — on the import framework, and the rows `talent export questions` writes back.

A question is identified by subject + stem: importing the same file again changes nothing; a row whose other
columns differ updates the question (new wording → a new version, as in the form). Everything is checked in
bulk first and nothing is written while any row has a problem. Admins import into the national bank, a bureau
into its region's bank. A row is matched only with the questions within the importer's reach: those it may
edit (a bureau: its region's and those below) and those its workers draw from (the national bank and the regions
enclosing its own), which it may not change. A question of any other bank with the same stem is neither changed
nor mentioned: the row adds the question to the importer's own bank.
"""

from collections.abc import AsyncIterator
from typing import Any

from courses.examprep import services
from courses.examprep.access import can_edit, home_bank, import_reach
from courses.examprep.models import Question, QuestionVersion
from courses.examprep.rules import OPTION_KEYS
from talent.certification.for_examprep import exam_papers
from talent.core.access import Permission
from talent.core.bulk import fetch_by
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.core.sql import Unordered
from talent.imports.columns import Column, KindSpec
from talent.imports.framework import Context, Counts, Kind, Plan, register

OPTION_ZH = "ABCDEFGH"
QUESTIONS = KindSpec(
    "questions",
    [
        Column("subject", "科目", required=True, max_length=16),
        Column("topic", "章节", required=True, max_length=100),
        Column("kind", "题型", required=True, max_length=16),
        Column("stem", "题干", required=True, max_length=4000),
        *[Column(key, f"选项{OPTION_ZH[i]}", max_length=500) for i, key in enumerate(OPTION_KEYS)],
        Column("answer", "答案", max_length=16),
        Column("explanation", "解析", max_length=4000),
        Column("difficulty", "难度", "int"),
        # Beyond DESIGN's columns, optional, so a case keeps all it has on a round trip. Without model_answer
        # a case's model answer is read from explanation (DESIGN's layout); an empty rubric keeps the rubric.
        Column("model_answer", "参考答案", max_length=4000),
        Column("rubric", "评分要点", max_length=4000),
    ],
    ("subject", "stem"),
)
KIND_WORDS = {"单选": "single", "单选题": "single", "多选": "multiple", "多选题": "multiple", "案例": "case"}
KIND_WORDS.update({"案例分析": "case", "single": "single", "multiple": "multiple", "case": "case"})


class QuestionsKind(Kind):
    spec = QUESTIONS
    # Who authors the bank may import into it.
    permission = Permission.QUESTION_BANK
    title = N_("Question bank")
    note = N_(
        "One row per question. kind is single, multiple or case (单选 / 多选 / 案例); answer holds the correct "
        "letters (B, ACD); a case row puts its model answer in model_answer (or, without that column, in "
        "explanation) and may give a rubric. A question is identified by subject and stem: the same file "
        "imported again changes nothing."
    )
    example = {
        "subject": "A-ZH",
        "topic": "个案工作",
        "kind": "single",
        "stem": "个案工作接案阶段的首要任务是（ ）。",
        "option_a": "制定服务计划",
        "option_b": "建立专业关系",
        "option_c": "评估成效",
        "option_d": "结案",
        "answer": "B",
        "explanation": "接案阶段要建立初步的专业关系。",
        "difficulty": "1",
    }

    async def validate(self, ctx: Context, rows: list) -> Plan:
        plan = Plan()
        codes = {s.code for s in await exam_papers()}
        stems = [r.stem.strip() for r in rows if r.stem]
        home = home_bank(ctx.scope)
        reach = Unordered(Question.filter(import_reach(ctx.scope)).values("id"))
        existing: dict[tuple[str, str], Any] = {}
        for version in await fetch_by(
            lambda chunk: (
                QuestionVersion.filter(is_current=True, stem__in=list(chunk), question_id__in=reach)
                .select_related("question")
                .order_by("question_id")
            ),
            stems,
        ):
            # With the same stem in several banks within reach: the importer's own bank first, then one it
            # may edit, then one it may not.
            key = (version.question.subject, version.stem)
            rank = (version.question.region_path == home, can_edit(ctx.scope, version.question))
            if key not in existing or rank > existing[key][0]:
                existing[key] = (rank, version)
        for row in rows:
            subject = (row.subject or "").strip().upper()
            kind = KIND_WORDS.get((row.kind or "").strip().lower(), "")
            ok = True
            if subject not in codes:
                ctx.problem(row.row, "subject", row.subject, _("Unknown subject code."))
                ok = False
            if not kind:
                ctx.problem(row.row, "kind", row.kind, _("Use single, multiple or case."))
                ok = False
            difficulty = row.difficulty if row.difficulty is not None else 2
            if difficulty not in (1, 2, 3):
                ctx.problem(row.row, "difficulty", row.difficulty, _("Use 1 (easy), 2 or 3 (hard)."))
                ok = False
            if not ok:
                continue
            options = [getattr(row, key) or "" for key in OPTION_KEYS]
            explanation, model_answer = row.explanation or "", row.model_answer or ""
            if kind == "case" and not model_answer:
                model_answer, explanation = explanation, ""
            try:
                options, letters = services.check_wording(
                    kind=kind, stem=row.stem or "", options=options, answer=row.answer or "",
                    model_answer=model_answer,
                )  # fmt: skip
            except ServiceError as exc:
                column = exc.field if exc.field in {c.key for c in QUESTIONS.columns} else "explanation"
                ctx.problem(row.row, column, getattr(row, column, ""), exc.message)
                continue
            args = {
                "subject": subject,
                "topic": (row.topic or "").strip(),
                "kind": kind,
                "difficulty": difficulty,
                "stem": row.stem.strip(),
                "options": options,
                "answer": letters,
                "model_answer": model_answer if kind == "case" else "",
                "explanation": explanation,
            }
            _rank, current = existing.get((subject, args["stem"]), (None, None))
            kept_rubric = current.rubric if current is not None else ""
            args["rubric"] = (row.rubric or kept_rubric) if kind == "case" else ""
            if current is None:
                plan.creates.append(args)  # the service's keyword arguments
                continue
            question = current.question
            if not can_edit(ctx.scope, question):
                ctx.problem(
                    row.row, "stem", row.stem, _("This question belongs to another bank; you may not change it.")
                )
                continue
            same = (
                question.topic == args["topic"]
                and question.kind.value == kind
                and question.difficulty == difficulty
                and current.options == options
                and current.answer == letters
                and current.model_answer == args["model_answer"]
                and current.rubric == args["rubric"]
                and current.explanation == args["explanation"]
            )
            if same:
                plan.unchanged += 1
            else:
                plan.updates.append((question, args))
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        for args in plan.creates:
            await services.question_create(actor=ctx.actor, scope=ctx.scope, **args)
        for question, args in plan.updates:
            await services.question_update(
                actor=ctx.actor, scope=ctx.scope, question=question, is_active=question.is_active, note="import", **args
            )
        return plan.counts()


register(QuestionsKind())


def question_row(version: QuestionVersion) -> list[Any]:
    """A question's current version as a `questions` spreadsheet row, in the column order."""
    q: Question = version.question
    options = list(version.options) + [""] * (len(OPTION_KEYS) - len(version.options))
    return [
        q.subject, q.topic, q.kind.value, version.stem, *options, version.answer, version.explanation,
        q.difficulty, version.model_answer, version.rubric,
    ]  # fmt: skip


async def question_rows(batch: int = 1000) -> AsyncIterator[list[Any]]:
    """Rows for `talent export questions` in the import's column order, read in keyset batches."""
    last = 0
    while True:
        versions = (
            await QuestionVersion.filter(is_current=True, question_id__gt=last)
            .select_related("question")
            .order_by("question_id")
            .limit(batch)
        )
        if not versions:
            return
        for version in versions:
            yield question_row(version)
        last = versions[-1].question_id
