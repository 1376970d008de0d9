"""The package's shape: stages as subpackages, imports flowing one way, one process.

These read the source with :mod:`ast`; they run nothing of it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "corridor"
#: The stages in pipeline order; a module may import from its own stage or an earlier one only.
STAGES = ("geo", "events", "claims", "webmap", "export")
#: Floors below every stage (shared helpers) and above them (composition: CLI, pipeline, layers).
BASEMENT = frozenset({"_data", "_errors"})


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(("corridor", *parts))
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(path: Path, name: str) -> set[str]:
    """Every corridor module that ``path`` imports, wherever the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("corridor"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            if not base.startswith("corridor"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                out.add(candidate if candidate in MODULES else base)
    return {m for m in out if m in MODULES and m != name}


GRAPH = {name: _imports(path, name) for name, path in MODULES.items()}


def _stage(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) > 2 and parts[1] in STAGES:
        return STAGES.index(parts[1])
    return None


def test_there_are_stage_subpackages():
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage


def test_no_import_circle():
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)


def test_stages_import_only_earlier_stages():
    wrong = []
    for name, targets in GRAPH.items():
        mine = _stage(name)
        if mine is None:
            continue
        for target in targets:
            theirs = _stage(target)
            short = target.removeprefix("corridor.")
            if theirs is None and short not in BASEMENT and target != "corridor":
                wrong.append(f"{name} imports the top floor's {target}")
            elif theirs is not None and theirs > mine:
                wrong.append(f"{name} imports the later stage's {target}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_forked_processes(name):
    text = MODULES[name].read_text(encoding="utf-8")
    for word in ("multiprocessing", "os.fork", "ProcessPoolExecutor", "subprocess"):
        assert word not in text, f"{name} uses {word}: a build runs in one process"


#: A module that grows past this many lines has grown a second theme (issue: "the house by stage").
MAX_LINES = 600


@pytest.mark.parametrize(
    "path",
    sorted(
        p
        for p in PACKAGE.rglob("*")
        if p.suffix in {".py", ".js", ".css"} and "assets" not in p.relative_to(PACKAGE).parts
    ),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_no_module_over_600_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines: split it by what it does"
