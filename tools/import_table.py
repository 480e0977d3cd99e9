"""Print the project's app-to-app import table, function-local imports and large modules.

Why: issue #13 asks for the layering to be shown before and after; this reads the source
with ``ast`` (no import side effects) so the numbers come from the code, not from memory.
Tests, benches and migrations are left out: they may reach across layers on purpose.

Run: ``python tools/import_table.py`` from the repository root.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

APPS = ("newsroom", "ingest", "enrichment", "related", "search", "mailing", "rotative")
SIZE_LIMIT = 400


def _sources(root: Path) -> list[Path]:
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            parts = set(path.relative_to(root).parts)
            if parts & {"tests", "migrations"}:
                continue
            found.append(path)
    return found


def _imported_apps(node: ast.AST, own: str) -> list[str]:
    names: list[str] = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names = [node.module]
    tops = [name.split(".")[0] for name in names]
    return [top for top in tops if top in APPS and top != own]


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    edges: Counter[tuple[str, str]] = Counter()
    local_imports: Counter[str] = Counter()
    large: list[tuple[int, str]] = []
    for path in _sources(root):
        relative = path.relative_to(root)
        own = relative.parts[0]
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            for other in _imported_apps(node, own):
                edges[(own, other)] += 1
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(function):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        local_imports[str(relative)] += 1
        lines = text.count("\n")
        if lines > SIZE_LIMIT:
            large.append((lines, str(relative)))

    print("App import table (row imports column; import statements, tests/migrations excluded)")
    print("".ljust(12) + "".join(app[:10].ljust(11) for app in APPS))
    for source in APPS:
        cells = [str(edges.get((source, target), "")) or "." for target in APPS]
        print(source.ljust(12) + "".join(cell.ljust(11) for cell in cells))
    mutual = sorted({tuple(sorted(pair)) for pair in edges if (pair[1], pair[0]) in edges})
    print("\nPairs importing each other:", ", ".join("↔".join(pair) for pair in mutual) or "none")
    print("\nFunction-local imports:", sum(local_imports.values()))
    for name, count in local_imports.most_common():
        print(f"  {count:3d} {name}")
    print(f"\nModules over {SIZE_LIMIT} lines:")
    for lines, name in sorted(large, reverse=True):
        print(f"  {lines:5d} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
