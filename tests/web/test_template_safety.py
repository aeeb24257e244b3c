"""Only literal msgids are translated; data is always escaped.

Jinja marks what gettext returns as safe HTML, so `{{ _(name) }}` would print a stored name unescaped. These
checks read every template and every Python module, so a new instance of that mistake fails the suite.
"""

import ast
from pathlib import Path

import pytest
from jinja2 import nodes

from talent.core.i18n import N_, Msgid, gettext
from talent.web.templating import env

ROOT = Path(__file__).resolve().parents[2]
TRANSLATORS = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
# How many leading arguments of each are msgids.
MSGID_ARGS = {"_": 1, "gettext": 1, "ngettext": 2, "pgettext": 2, "npgettext": 3}
# The only template that turns autoescaping off: every data value in it is escaped with |e by hand (the exam
# paper, whose cost matters at 10,000 takers); tests/examprep checks that stems and options stay escaped.
AUTOESCAPE_OFF = {"examprep/_paper.html"}


def _templates() -> list[str]:
    return sorted(env.list_templates(extensions=["html"]))


def _non_literal_translations(tree: nodes.Template) -> list[str]:
    found = []
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in TRANSLATORS:
            msgids = call.args[: MSGID_ARGS[call.node.name]]
            if not msgids or not all(isinstance(a, nodes.Const) and isinstance(a.value, str) for a in msgids):
                found.append(f"line {call.lineno}: {call.node.name}(…)")
    return found


@pytest.mark.parametrize("name", _templates())
def test_a_template_translates_only_string_literals(name):
    source = env.loader.get_source(env, name)[0]
    assert _non_literal_translations(env.parse(source)) == []


@pytest.mark.parametrize("name", _templates())
def test_a_template_never_marks_data_safe(name):
    tree = env.parse(env.loader.get_source(env, name)[0])
    filters = [f.name for f in tree.find_all(nodes.Filter)]
    assert "safe" not in filters
    if name not in AUTOESCAPE_OFF:
        assert not [s for s in tree.find_all(nodes.ScopedEvalContextModifier)], "autoescape is switched off"


def test_the_template_check_finds_a_translated_variable():
    # The checker itself: a planted `_(tier.name)` and `ngettext(a, b, n)` are found; literals pass.
    bad = env.parse('{{ _(tier.name) }} {{ ngettext(one, "many", n) }} {{ _("Fine %(x)s", x=name) }}')
    assert len(_non_literal_translations(bad)) == 2


def _python_modules() -> list[Path]:
    return sorted(p for top in ("talent", "courses") for p in (ROOT / top).rglob("*.py") if "migrations" not in p.parts)


def _python_offences(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRANSLATORS | {"N_"}:
            msgids = node.args[: MSGID_ARGS.get(node.func.id, 1)]
            if not msgids or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in msgids):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_python_code_translates_only_literals_and_declared_msgids():
    # Msgid.tr() is how a msgid held in a variable is translated; a plain str (data) has no .tr().
    offences = [o for p in _python_modules() if p.name != "i18n.py" for o in _python_offences(p)]
    assert offences == []


def test_a_declared_msgid_shows_its_translation_escaped_and_data_shows_as_typed():
    from talent.notifications.text import in_locale

    label = N_("Name")
    assert isinstance(label, Msgid)
    with in_locale("zh_CN"):
        assert env.from_string("{{ x }}").render(x=label) == gettext("Name") != "Name"
    # Stored text that happens to equal a msgid is data: printed as it is, and escaped.
    assert env.from_string("{{ x }}").render(x="Name") == "Name"
    assert env.from_string("{{ x }}").render(x='<b hx-get="/">') == "&lt;b hx-get=&#34;/&#34;&gt;"
    assert not hasattr("Name", "tr")
