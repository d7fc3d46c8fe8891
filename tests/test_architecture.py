"""The app graph has one direction: ground, then the domain from the bottom up, then the faces.

Every import counts, the ones inside function bodies too (a deferred import is still a
dependency; it only hides a loop). Tests and migrations are left out: tests may import
anything, and migrations only use ``apps.get_model``.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections import defaultdict
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Bottom to top. An app may import only apps on a lower line (and itself).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("jkp_site.core",),  # ground: users, offices, roles, crypto, scoping, money, resilience
    ("jkp_site.outbox",),  # the transactional outbox
    ("jkp_site",),  # settings, URLs, Celery app: names apps only as strings
    ("participants",),
    ("claims",),  # the case, workflow, rules engine, eligibility, notifications
    ("training",),  # labour-market information and training
    ("benefits",),  # the cash benefit: conditions, payment batches, bank files
    ("reports",),
    ("imports", "portal", "api"),  # faces over the domain
    ("demo",),  # demo data, made through every app's services
)
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}


def app_of(module: str) -> str | None:
    """The app a dotted module belongs to (the longest known prefix), or None if outside."""
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        candidate = ".".join(parts[:length])
        if candidate in RANK:
            return candidate
    return None


def project_modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for app in RANK:
        base = ROOT.joinpath(*app.split("."))
        for path in base.rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imported_modules(module: str, path: Path) -> set[tuple[str, int]]:
    """Every module ``module`` imports, at any depth of its code, with the line."""
    found: set[tuple[str, int]] = set()
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add((target, node.lineno))
            # "from claims import services" names a module of the app, not only a symbol.
            found.update((f"{target}.{alias.name}", node.lineno) for alias in node.names)
    return found


def app_edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module, path in project_modules().items():
        source = app_of(module)
        for target_module, line in imported_modules(module, path):
            target = app_of(target_module)
            if source and target and target != source:
                edges[(source, target)].append(f"{module}:{line} imports {target_module}")
    return edges


def find_cycle(edges: dict[tuple[str, str], list[str]]) -> list[str] | None:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_walk_sees_deferred_imports():
    source = "def f():\n    from claims import services\n"
    path = ROOT / "var" / "architecture_probe.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(source)
    try:
        assert ("claims.services", 2) in imported_modules("training.probe", path)
    finally:
        path.unlink()


def test_the_cycle_finder_finds_a_loop():
    edges = {("claims", "training"): ["a"], ("training", "claims"): ["b"]}
    assert find_cycle(edges) == ["claims", "training", "claims"]
    assert find_cycle({("training", "claims"): ["b"]}) is None


def test_no_cycle_between_apps():
    edges = app_edges()
    cycle = find_cycle(edges)
    detail = []
    if cycle:
        for source, target in itertools.pairwise(cycle):
            detail.extend(edges[(source, target)])
    assert cycle is None, f"cycle {' -> '.join(cycle or [])}: " + "; ".join(detail)


def test_every_import_points_down_the_layers():
    upward = [
        line
        for (source, target), lines in app_edges().items()
        if RANK[target] >= RANK[source]
        for line in lines
    ]
    assert upward == []


def test_every_installed_project_app_has_a_layer():
    ours = {name for name in settings.INSTALLED_APPS if (ROOT / name.replace(".", "/")).is_dir()}
    assert ours <= set(RANK)
    assert set(RANK) - {"jkp_site"} <= ours


def test_the_readme_layout_table_matches_the_tree():
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout") :]
    layout = layout[: layout.index("\n## ", 1)]
    listed = set(re.findall(r"`([a-z_/.]+)/?`", layout))
    named_paths = {path.rstrip("/") for path in listed if "/" in path or (ROOT / path).exists()}
    missing_on_disk = sorted(p for p in named_paths if not (ROOT / p).exists())
    assert missing_on_disk == []
    packages = {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir()
        and not path.name.startswith((".", "_"))
        and path.name not in {"var"}
        and path.name not in {"locale", "staticfiles"}
    }
    unlisted = sorted(name for name in packages if name not in {p.split("/")[0] for p in listed})
    assert unlisted == []
