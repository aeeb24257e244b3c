"""The layers hold (README "Architecture"), read from the source with `ast`:

core (knows no domain, no web) → domain models → rules / access → selectors / services → web (templating, auth,
forms, routers) → app / cli / demo (composition roots).

- talent.core imports nothing of the project but settings;
- no domain module below the web layer (models, rules, access, selectors, services, imports, reminders, …)
  imports talent.web or a router;
- the domain packages form no cycle (a package may use another only if that one does not use it back, even
  through others); routers and forms sit above every domain and may use any;
- the platform (talent/) does not import the learning side (courses/), except in the composition roots;
- no router or template decides access by role name: they ask the permission table (talent.core.access).
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOPS = ("talent", "courses")
# Composition roots put everything together and may import anything.
ROOTS = ("talent.app", "talent.cli", "talent.demo", "talent.demo_data", "talent.domains")
# Modules of the web layer inside a domain package (router.py, regions_router.py, api.py, forms.py): above
# every domain.
WEB_MODULES = {"api", "forms", "pages"}
INFRASTRUCTURE = ("talent.settings", "talent.db", "talent.sqlite_engine", "talent.pg_engine", "talent.rawsql")


def _modules() -> dict[str, Path]:
    out = {}
    for top in TOPS:
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            out[name.removesuffix(".__init__")] = path
    return out


MODULES = _modules()


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, inside a function?) for every project import of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside.update(id(n) for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if name.split(".")[0] in TOPS and _resolve(name):
                found.append((_resolve(name), id(node) in inside))
    return found


def _resolve(name: str) -> str | None:
    """The project module an import names (`from talent.people import services` names talent.people.services)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _is_root(module: str) -> bool:
    return any(module == r or module.startswith(r + ".") for r in ROOTS)


def _is_web(module: str) -> bool:
    last = module.split(".")[-1]
    return module.startswith("talent.web") or last in WEB_MODULES or last.endswith("router")


def _is_core(module: str) -> bool:
    return module.startswith("talent.core") or module in INFRASTRUCTURE or module == "talent"


GRAPH = {module: _imports(path) for module, path in MODULES.items()}


def test_core_imports_nothing_of_the_project_but_settings():
    offences = [
        (m, t) for m, targets in GRAPH.items() if m.startswith("talent.core") for t, _f in targets if not _is_core(t)
    ]
    assert offences == []


def test_no_domain_module_imports_the_web_layer():
    offences = [
        (m, t)
        for m, targets in GRAPH.items()
        if not (_is_web(m) or _is_root(m) or _is_core(m))
        for t, _f in targets
        if _is_web(t)
    ]
    assert offences == []


def _package_graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in GRAPH.items():
        if _is_web(module) or _is_root(module) or _is_core(module):
            continue
        for target, _f in targets:
            if _is_core(target) or _is_root(target):
                continue
            a, b = _package(module), _package(target)
            if a != b:
                edges[a].add(b)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(set(edges) | {w for ws in edges.values() for w in ws}):
        if v not in index:
            visit(v)
    return out


def test_the_domain_packages_form_no_cycle():
    assert _cycles(_package_graph()) == []


def test_the_cycle_check_finds_a_planted_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_platform_does_not_import_the_learning_side():
    offences = [
        (m, t)
        for m, targets in GRAPH.items()
        if m.startswith("talent.") and not _is_root(m)
        for t, _f in targets
        if t.startswith("courses")
    ]
    assert offences == []


def test_no_project_import_hides_inside_a_function_outside_the_composition_roots():
    # A function-level import is how a cycle hides from the module graph.
    offences = [(m, t) for m, targets in GRAPH.items() if not _is_root(m) for t, inside in targets if inside]
    assert offences == []


ROLE_NAMES = "admin|bureau|hr|supervisor|worker"
ROLE_COMPARISON = re.compile(
    r"(Role\.(ADMIN|BUREAU|HR|SUPERVISOR|WORKER))"
    rf"""|(role(\.value)?\s*(==|!=|\bin\b|\bnot in\b)\s*[(\[]?\s*["']({ROLE_NAMES})["'])"""
)


def test_no_router_or_template_decides_access_by_role_name():
    offences = []
    for module, path in MODULES.items():
        if _is_web(module):
            if module == "talent.web.auth":
                continue  # where a viewer's role is read to ask the permission table
            offences += [f"{module}: {m.group(0)}" for m in ROLE_COMPARISON.finditer(path.read_text(encoding="utf-8"))]
    for path in (ROOT / "templates").rglob("*.html"):
        offences += [f"{path.name}: {m.group(0)}" for m in ROLE_COMPARISON.finditer(path.read_text(encoding="utf-8"))]
    assert offences == []


def test_no_region_subtree_is_written_as_a_like():
    # A region's subtree is a range on the materialised path (talent.core.sql.under): Tortoise's `__startswith`
    # writes CAST(path AS VARCHAR) LIKE 'p%', which no index serves and neither planner estimates (a county's audit
    # page read the whole national log for its count). The demo builders may (they run once).
    pattern = re.compile(r"path__i?startswith")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for name, path in _modules().items()
        if not name.startswith(("talent.demo", "talent.cohorts.demo"))
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(text)
    ]
    assert not offenders, offenders


def test_no_subquery_carries_the_models_default_ordering():
    # An `__in` subquery is written through talent.core.sql.Unordered: Tortoise's Subquery keeps the model's
    # Meta.ordering, and PostgreSQL then sorts the subquery's rows instead of flattening it into a semi-join (a
    # city's audit export sorted its workers by number once per batch of entries it named).
    pattern = re.compile(r"(?<![\w.])Subquery\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for name, path in MODULES.items()
        if name != "talent.core.sql"
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(text)
    ]
    assert not offenders, offenders
