"""The import rules of docs/ARCHITECTURE.md, checked on the source (ast, nothing imported):

- only calendar_integration/microsoft/ talks to Microsoft: no other product module imports
  requests or msal, or spells a Graph URL or a $batch envelope;
- no import circle in calendar_integration or ebms.recruiting, imports inside functions
  included;
- inside the module, arrows run one way: app shell -> features -> microsoft.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("calendar_integration", "ebms")
DOOR = ROOT / "calendar_integration" / "microsoft"
HTTP_LIBRARIES = {"requests", "msal", "urllib3", "httpx"}
# Strings that only code building Graph requests needs.
GRAPH_MARKERS = ("graph.microsoft.com", "/v1.0", "$batch", "/me/", "/places/")
FEATURES = ("connection", "sync", "availability")
# Configuration names Microsoft's hosts (the base URL lives in one setting).
CONFIGURATION = {ROOT / "ebms" / "settings.py"}


def _product_files() -> list[Path]:
    files = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            files.append(path)
    return files


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, package: str | None = None) -> list[str]:
    """Every module `path` imports (anywhere in the file), resolved to absolute names."""
    tree = ast.parse(path.read_text(), filename=str(path))
    if package is None:
        package = _module_name(path)
        if path.name != "__init__.py":
            package = package.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]
    return found


def _graph(prefixes: tuple[str, ...]) -> dict[str, set[str]]:
    """Module -> the modules of `prefixes` it imports."""
    modules = {_module_name(p): p for p in _product_files()}
    modules = {name: p for name, p in modules.items() if name.startswith(prefixes)}
    return {
        name: {target for target in _imports(path) if target in modules and target != name}
        for name, path in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _outside_the_door() -> list[Path]:
    return [p for p in _product_files() if DOOR not in p.parents]


def test_only_the_microsoft_package_imports_http_or_msal():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _outside_the_door()
        for name in _imports(path)
        if name.split(".")[0] in HTTP_LIBRARIES
    ]
    assert offenders == []


def _graph_strings(path: Path) -> list[str]:
    """String literals (docstrings aside) that look like part of a Graph request."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and any(marker in node.value for marker in GRAPH_MARKERS)
    ]


def test_only_the_microsoft_package_builds_graph_urls():
    offenders = [
        f"{path.relative_to(ROOT)}: {text!r}"
        for path in _outside_the_door()
        if path not in CONFIGURATION
        for text in _graph_strings(path)
    ]
    assert offenders == []


def test_the_scan_sees_what_it_forbids(tmp_path):
    # The rules above must bite: the scan finds these in a module like ours.
    sample = tmp_path / "sample.py"
    sample.write_text(
        'import requests\nfrom msal import PublicClientApplication\nURL = "/me/events"\n'
    )
    assert {"requests", "msal"} <= set(_imports(sample, package="sample"))
    assert _graph_strings(sample) == ["/me/events"]


def test_there_is_no_import_circle_in_the_calendar_module_or_recruiting():
    assert _cycles(_graph(("calendar_integration", "ebms.recruiting"))) == []


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "calendar_integration":
        return -1
    if parts[1] == "microsoft":
        return 0
    if parts[1] in FEATURES:
        return 1
    return 2  # app shell: apps, urls, tasks, admin, checks, management


def test_arrows_run_from_the_shell_to_the_features_to_microsoft():
    # Models are the data every layer reads (Django loads them first); they import no code.
    graph = _graph(("calendar_integration",))
    upward = [
        f"{source} -> {target}"
        for source, targets in graph.items()
        for target in targets
        if not target.endswith(".models")
        and _layer(source) >= 0
        and _layer(target) > _layer(source)
    ]
    assert upward == []


def test_models_import_no_code_of_the_module():
    graph = _graph(("calendar_integration",))
    leaks = [
        f"{source} -> {target}"
        for source, targets in graph.items()
        if source.endswith(".models")
        for target in targets
        if not target.endswith(".models")
    ]
    assert leaks == []
