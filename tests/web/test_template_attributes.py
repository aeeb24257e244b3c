"""Templates read a dict row's keys as attributes (`row.name`) through talent.web.templating.Environment, which
answers from the key first, and any other object's attributes by Jinja's rule written out; every answer must be the
one Jinja's own environment gives."""

from types import MappingProxyType

import jinja2
import pytest

from talent.web.templating import env

# Each expression over `row`, read by ours and by Jinja's plain environment.
EXPRESSIONS = (
    "row.name",
    "row.missing is defined",
    "row.missing or '—'",
    "row.items is callable",
    "row.get('name')",
    "row.keys() | list | length",
    "row.nested.name",
    "row.nested.missing is defined",
    "obj.name",
    "obj.missing is defined",
    "obj.broken is defined",
    "obj.missing or '—'",
    "proxy.name",
    "proxy.missing is defined",
    "text.upper()",
    "none_value.name is defined",
)


class Named:
    name = "an attribute"

    @property
    def broken(self):
        raise AttributeError("a property that fails reads as missing")


ROW = {"name": "王芳 <b>", "items": "a key named like a method", "keys": 3, "nested": {"name": "inner"}}


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_a_dict_row_reads_the_same_as_with_jinjas_own_environment(expression):
    source = "{{ " + expression + " }}"
    plain = jinja2.Environment(autoescape=True).from_string(source)
    context = {"row": ROW, "obj": Named(), "proxy": MappingProxyType(ROW), "text": "abc", "none_value": None}
    assert env.from_string(source).render(context) == plain.render(context)


def test_a_key_is_read_from_the_dict_and_escaped():
    assert env.from_string("{{ row.name }}").render(row=ROW) == "王芳 &lt;b&gt;"


def test_a_key_named_like_a_dict_method_still_gives_the_method():
    # Jinja finds the attribute first: `row.items()` stays dict.items whatever the row holds.
    assert env.from_string("{{ row.items() | list | length }}").render(row=ROW) == "4"


def test_a_missing_key_is_undefined_not_none():
    assert env.from_string("{{ row.missing is undefined }}|{{ row.missing }}|").render(row=ROW) == "True||"


# Templates whose globals are the environment's take talent.web.templating.Template's shorter path when a render
# makes a context or imports a module; one with globals of its own takes Jinja's. Both must render as Jinja does.
SOURCES = {
    "lib.html": "{% macro hi() %}{{ greeting | default('no greeting') }} {{ site }}{% endmacro %}",
    "page.html": "{% import 'lib.html' as lib %}{{ lib.hi() }} {{ greeting | default('-') }}{% include 'part.html' %}",
    "part.html": "[{{ greeting | default('none') }} {{ site }}]",
}


@pytest.mark.parametrize("own_globals", [{}, {"greeting": "你好"}], ids=["environment's globals", "its own globals"])
def test_imports_and_includes_see_the_globals_jinjas_own_template_sees(own_globals):
    from talent.web.templating import Environment

    ours, plain = (
        kind(loader=jinja2.DictLoader(SOURCES), autoescape=True) for kind in (Environment, jinja2.Environment)
    )
    for environment in (ours, plain):
        environment.globals["site"] = "talent"
    rendered = [e.get_template("page.html", globals=own_globals).render() for e in (ours, plain)]
    assert rendered[0] == rendered[1]
    assert ("你好" in rendered[0]) == bool(own_globals)
