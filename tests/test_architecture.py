"""The code's layout holds: dependencies run one way (records -> loading -> query -> views -> output -> export
-> cli), with no import circle, internals (`_` modules) used only inside their own package, and the library
never importing Typer, Click or Rich. Imports inside functions count; those under `if TYPE_CHECKING:` do not.
Each rule is one test that lists every module breaking it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import hamsyr

PACKAGE = Path(hamsyr.__file__).parent
# The order of the layers: a module may import from its own layer and those before it.
LAYERS = (
    "_version",
    "_values",
    "errors",
    "_inert",
    "_files",
    "records",
    "loading",
    "query",
    "hamsyr",
    "views",
    "output",
    "export",
    "cli",
    "__main__",
)
# Only these draw for people, so only these may import a user-interface library.
INTERFACE = {
    "typer": ("cli",),
    "click": (),
    "rich": ("output.tables", "output.screen", "output._widths", "cli"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The modules `path` imports at run time, wherever in the file (type-checking imports left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    found: set[str] = set()
    package = module_name(path).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}  # `from hamsyr.query import views`
    return found


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: {m for m in imports(path) if m in MODULES and m != name} for name, path in MODULES.items()}


def place(module: str) -> str:
    """Where a module sits in LAYERS: its subpackage, or the top-level module itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "hamsyr"


def layer(module: str) -> int:
    return LAYERS.index(place(module))


def test_no_import_circle() -> None:
    # Depth-first search for a path back to where it started.
    def reaches(start: str, goal: str, seen: set[str]) -> list[str] | None:
        for nxt in sorted(GRAPH[start]):
            if nxt == goal:
                return [start, nxt]
            if nxt not in seen:
                seen.add(nxt)
                path = reaches(nxt, goal, seen)
                if path:
                    return [start, *path]
        return None

    circles = [reaches(name, name, set()) for name in MODULES]
    assert [" -> ".join(circle) for circle in circles if circle] == []


def test_dependencies_run_one_way() -> None:
    assert sorted({place(module) for module in MODULES} - set(LAYERS)) == [], "a module with no place in LAYERS"
    backwards = [
        f"{module} -> {used}" for module in MODULES for used in sorted(GRAPH[module]) if layer(used) > layer(module)
    ]
    assert backwards == []


def test_internals_stay_inside_their_package() -> None:
    outside = [
        f"{module} -> {used}"
        for module in MODULES
        for used in sorted(GRAPH[module])
        if used.rsplit(".", 1)[-1].startswith("_")
        and used.count(".") > 1  # hamsyr._files and the like are the whole package's
        and not module.startswith(used.rsplit(".", 1)[0] + ".")
        and module != used.rsplit(".", 1)[0]
    ]
    assert outside == []


def test_only_the_interface_imports_typer_click_or_rich() -> None:
    def allowed(module: str, library: str) -> bool:
        return any(module == f"hamsyr.{where}" or module.startswith(f"hamsyr.{where}.") for where in INTERFACE[library])

    found = [
        f"{module} imports {library}"
        for module, path in MODULES.items()
        for library in INTERFACE
        if any(m == library or m.startswith(f"{library}.") for m in imports(path)) and not allowed(module, library)
    ]
    assert found == []


def test_the_library_runs_without_typer_click_or_rich() -> None:
    code = (
        "import io, sys, hamsyr\n"
        "base = hamsyr.load()\n"
        "base.find_events(actors=[base.actor('Mashaal').id]); base.search('red wax'); hamsyr.check()\n"
        "from hamsyr.export.formats import export_base\n"
        "export_base(base, 'json', None, False, io.StringIO())\n"
        "from hamsyr.output.render import Format, render\n"
        "from hamsyr.views import build\n"
        "for fmt in (Format.JSON, Format.TSV, Format.CSV):\n"
        "    render(build.actor_view(base, [], 'Mashaal'), fmt, io.StringIO())\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'click', 'rich'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stderr


def test_subpackage_init_files_are_empty() -> None:
    inits = [path for path in PACKAGE.rglob("__init__.py") if path.parent != PACKAGE and path.parent.name != "cli"]
    assert inits and all(path.read_text(encoding="utf-8").strip() == "" for path in inits)


def test_commands_only_parse_build_and_render() -> None:
    tree = ast.parse((PACKAGE / "cli" / "commands.py").read_text(encoding="utf-8"))
    long = [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"  # type: ignore[operator]
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > 45  # type: ignore[operator]
    ]
    assert long == []
    printing = [
        node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and ast.unparse(node.func) == "print"
    ]
    assert printing == [_version_line()], "errors leave through the error boundary, output through the renderer"


def _version_line() -> int:
    source = (PACKAGE / "cli" / "commands.py").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(source, 1) if 'print(f"hamsyr {version()}")' in line)
