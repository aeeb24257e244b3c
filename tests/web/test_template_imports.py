"""Macro files imported without the page's context: Jinja builds each once per process instead of at every import on
every render (py-spy: 8.6 % of a list page's time went to building ui.html four times, lists.html, learning.html and
_picker.html on each visit of /workers). Such a file may read no page variable and may not include a page's
fragment; the few macros that do live in macros/pages.html, imported with context. The CSRF token the form macros
print comes from the request being rendered (talent.web.templating), not from the first page that built them."""

import re
from functools import cache

import httpx
import jinja2
import pytest
from jinja2 import meta, nodes

from talent.web.templating import env
from tests.conftest import csrf_of, login
from tests.factories import world

# The names the templates import macro files as (a call through one of them must reach an import).
MACRO_ALIASES = {"ui", "lists", "pages", "learn", "pick", "ep", "m"}
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')


@cache
def _tree(name: str) -> nodes.Template:
    # Parsed once per file: the checks below walk the same few hundred templates thousands of times (40 s a run).
    return env.parse(env.loader.get_source(env, name)[0])


def _macros(tree: nodes.Template) -> dict[str, nodes.Macro]:
    return {m.name: m for m in tree.find_all(nodes.Macro)}


def _includes_a_variable(macro: nodes.Macro, macros: dict[str, nodes.Macro], seen: set[str]) -> bool:
    """Whether the macro (or a macro of its own file that it calls) includes a template named by a variable."""
    if any(not isinstance(i.template, nodes.Const) for i in macro.find_all(nodes.Include)):
        return True
    seen.add(macro.name)
    called = {c.node.name for c in macro.find_all(nodes.Call) if isinstance(c.node, nodes.Name)}
    return any(_includes_a_variable(macros[n], macros, seen) for n in called if n in macros and n not in seen)


def _aliases(name: str) -> dict[str, tuple[str, bool]]:
    """The macro files a template reaches by alias, {alias: (file, with_context)}: its own imports and those of the
    layouts it extends (a page calls `pages.list_page` imported by layouts/page.html)."""
    tree = _tree(name)
    found: dict[str, tuple[str, bool]] = {}
    for extends in tree.find_all(nodes.Extends):
        if isinstance(extends.template, nodes.Const):
            found.update(_aliases(extends.template.value))
    for node in tree.find_all(nodes.Import):
        if isinstance(node.template, nodes.Const):
            found[node.target] = (node.template.value, node.with_context)
    return found


def _imports_without_context() -> list[tuple[str, str, str]]:
    """(template, macro file, alias) for every macro file a template reaches, by its own import or its layout's,
    without the page's context."""
    return [
        (name, file, alias)
        for name in env.list_templates(extensions=["html"])
        for alias, (file, with_context) in _aliases(name).items()
        if not with_context
    ]


def test_most_macro_imports_are_without_context():
    imported = {file for _name, file, _alias in _imports_without_context()}
    assert {"macros/ui.html", "macros/lists.html", "macros/_picker.html"} <= imported


@pytest.mark.parametrize("file", sorted({file for _n, file, _a in _imports_without_context()}))
def test_a_file_imported_without_context_reads_no_page_variable(file):
    assert meta.find_undeclared_variables(_tree(file)) - set(env.globals) == set()


def test_no_macro_called_through_an_import_without_context_includes_the_pages_fragment():
    wrong = []
    for name, file, alias in _imports_without_context():
        macros = _macros(_tree(file))
        tree = _tree(name)
        for call in [*tree.find_all(nodes.Call), *(c.call for c in tree.find_all(nodes.CallBlock))]:
            target = call.node
            if isinstance(target, nodes.Getattr) and isinstance(target.node, nodes.Name) and target.node.name == alias:
                macro = macros.get(target.attr)
                if macro is not None and _includes_a_variable(macro, macros, set()):
                    wrong.append(f"{name}: {alias}.{target.attr} ({file})")
    assert wrong == []


def test_every_macro_a_template_calls_is_in_a_file_it_or_its_layout_imports():
    # Moving macros between files must leave no call behind (a page calling `pages.list_page` without importing
    # pages.html fails only when visited).
    names = env.list_templates(extensions=["html"])
    includers: dict[str, list[str]] = {}  # an included fragment sees the aliases of the template including it
    for name in names:
        for include in _tree(name).find_all(nodes.Include):
            if isinstance(include.template, nodes.Const):
                includers.setdefault(include.template.value, []).append(name)
    wrong = []
    for name in names:
        aliases = _aliases(name)
        for parent in includers.get(name, []):
            aliases = {**_aliases(parent), **aliases}
        tree = _tree(name)
        local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
        for call in [*tree.find_all(nodes.Call), *(c.call for c in tree.find_all(nodes.CallBlock))]:
            target = call.node
            if not (isinstance(target, nodes.Getattr) and isinstance(target.node, nodes.Name)):
                continue
            alias = target.node.name
            if alias in aliases:
                if target.attr not in _macros(_tree(aliases[alias][0])):
                    wrong.append(f"{name}: {alias}.{target.attr}")
            elif alias not in local and alias not in env.globals and alias in MACRO_ALIASES:
                wrong.append(f"{name}: {alias} is not imported")
    assert wrong == []


def test_the_check_finds_a_fragment_included_through_another_macro():
    # The checker itself: a macro that calls one including `fragment` is caught; a constant include is not.
    tree = env.parse(
        "{% macro inner(fragment) %}{% include fragment %}{% endmacro %}"
        "{% macro outer(f) %}{{ inner(f) }}{% endmacro %}"
        '{% macro fixed() %}{% include "exports/_links.html" %}{% endmacro %}'
    )
    macros = _macros(tree)
    assert _includes_a_variable(macros["outer"], macros, set())
    assert not _includes_a_variable(macros["fixed"], macros, set())


async def test_a_list_page_builds_only_the_macros_that_include_its_fragment(client, monkeypatch):
    await world()
    await login(client, "admin")
    await client.get("/workers")  # the first visit builds the files imported without context
    built = []
    make_module = jinja2.Template.make_module

    def counted(self, *args, **kwargs):
        built.append(self.name)
        return make_module(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "make_module", counted)
    response = await client.get("/workers")
    assert response.status_code == 200 and "csrf_token" in response.text
    # Before: macros/_picker.html, ui.html four times, lists.html and learning.html.
    assert built == ["macros/pages.html"]


async def test_each_request_prints_its_own_csrf_token_in_the_form_macros(app, client):
    # The form macros are built once for the process: the token they print must still be the request's.
    await world()
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        await login(client, "admin")
        await login(other, "hr")
        mine, theirs = csrf_of(client), csrf_of(other)
        assert mine and theirs and mine != theirs
        for c, token in ((client, mine), (other, theirs), (client, mine)):
            page = (await c.get("/workers/new")).text
            printed = TOKEN_FIELD.findall(page)
            assert printed and set(printed) == {token}
