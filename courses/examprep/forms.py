"""The question authoring form (its option columns match the `questions` spreadsheet kind)."""

from courses.examprep.models import Kind
from courses.examprep.rules import OPTION_KEYS
from talent.certification.defaults import SUBJECTS
from talent.core.codes import choices
from talent.core.i18n import N_
from talent.web.forms import Field

OPTION_LABELS = [
    N_("Option A"),
    N_("Option B"),
    N_("Option C"),
    N_("Option D"),
    N_("Option E"),
    N_("Option F"),
    N_("Option G"),
    N_("Option H"),
]
DIFFICULTIES = [("1", N_("Easy")), ("2", N_("Medium")), ("3", N_("Hard"))]
# The catalogue's subject codes (talent.certification.defaults): fixed, so the form needs no query for them; the
# service checks the subject against the catalogue as it stands.
SUBJECT_CHOICES = [(code, code) for code, *_rest in SUBJECTS]


def question_fields(*, editing: bool = False) -> list[Field]:
    fields = [
        Field("subject", N_("Subject"), kind="choice", required=True, choices=SUBJECT_CHOICES),
        Field("topic", N_("Topic / chapter"), required=True, max_length=100),
        Field("kind", N_("Kind"), kind="choice", required=True, choices=choices(Kind)),
        Field("difficulty", N_("Difficulty"), kind="choice", required=True, choices=DIFFICULTIES),
        Field("stem", N_("Question"), kind="textarea", required=True, max_length=4000),
    ]
    fields += [Field(key, label, max_length=500) for key, label in zip(OPTION_KEYS, OPTION_LABELS, strict=True)]
    fields += [
        Field("answer", N_("Correct options"), max_length=16, help=N_("Letters, e.g. B or ACD; empty for a case.")),
        Field("model_answer", N_("Model answer (case)"), kind="textarea", max_length=20000),
        Field("rubric", N_("Marking rubric (case)"), kind="textarea", max_length=20000),
        Field("explanation", N_("Explanation"), kind="textarea", max_length=4000),
        Field("is_active", N_("In use"), kind="bool"),
    ]
    if editing:
        fields.append(Field("note", N_("Change note"), max_length=255))
    return fields


def service_arguments(cleaned: dict) -> dict:
    """Form values → the keyword arguments of question_create / question_update."""
    args = {k: v for k, v in cleaned.items() if k not in OPTION_KEYS}
    args["options"] = [cleaned.get(k) or "" for k in OPTION_KEYS]
    args["difficulty"] = int(cleaned["difficulty"])
    for key in ("answer", "model_answer", "rubric", "explanation", "note"):
        args[key] = args.get(key) or ""
    return args
