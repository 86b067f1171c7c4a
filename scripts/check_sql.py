"""Fail on SQL against the device store outside the core: ``python scripts/check_sql.py [ROOT]``.

The device store is reached only through ``inspector/`` (one module per aggregate, named
functions, dataclasses in and out). Every other product package (``checklists``, ``cli``,
``reports``, ``sync``, ``ui``) may open a store and run ``store.transaction()`` /
``store.savepoint()``, and nothing more. The reference server (``sync/server/``) has its own
database and may hold its own SQL.

Found, per file and line:

- a string (f-strings included, docstrings not) that reads as SQL: ``SELECT … FROM``,
  ``INSERT INTO``, ``UPDATE … SET``, ``DELETE FROM``, ``CREATE``/``DROP``/``ALTER`` of a schema
  object, ``PRAGMA``, ``SAVEPOINT``, ``BEGIN``/``COMMIT``/``ROLLBACK``;
- a call of ``.execute``, ``.executemany`` or ``.executescript``, and ``sqlite3.connect``;
- sqlite-utils reached past the store: ``.table(…)``, ``x.db[…]``, any ``x.db.<attribute>``
  (``.db.conn``, ``.db.execute``, ``.db.atomic`` …), ``sqlite_utils.Database``.

Exit status 1 with one ``file:line: what`` per finding, 0 when there is none. Plain Python and
the standard library only, so it runs before anything is installed.
"""

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

CHECKED_PACKAGES = ("checklists", "cli", "reports", "sync", "ui")
ALLOWED = ("sync/server",)  # the reference server's own database

SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b"
    r"|\bDELETE\s+FROM\b|\b(CREATE|DROP)\s+(TABLE|INDEX|TRIGGER|VIEW)\b|\bALTER\s+TABLE\b"
    r"|\bPRAGMA\s+\w|\bSAVEPOINT\b|\bBEGIN(\s+(IMMEDIATE|EXCLUSIVE|DEFERRED|TRANSACTION))?\s*;?$"
    r"|^\s*(COMMIT|ROLLBACK)\b"
)
CURSOR_METHODS = {"execute", "executemany", "executescript"}


def findings_in(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for each use of the store's SQL in one module's source."""
    tree = ast.parse(source)
    skipped = _docstrings(tree) | _fstring_parts(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in skipped and SQL.search(node.value):
                yield node.lineno, f"SQL text {_shorten(node.value)!r}"
        elif isinstance(node, ast.JoinedStr):
            text = "".join(
                str(v.value) if isinstance(v, ast.Constant) else "x" for v in node.values
            )
            if SQL.search(text):
                yield node.lineno, f"SQL text {_shorten(text)!r}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in CURSOR_METHODS:
                yield node.lineno, f".{name}() on a database connection"
            elif name == "table":
                yield node.lineno, "sqlite-utils .table()"
            elif _dotted(node.func) in ("sqlite3.connect", "sqlite_utils.Database"):
                yield node.lineno, f"{_dotted(node.func)}()"
        elif isinstance(node, ast.Subscript) and _is_db(node.value):
            yield node.lineno, "sqlite-utils db[...]"
        elif isinstance(node, ast.Attribute) and _is_db(node.value):
            yield node.lineno, f".db.{node.attr}"


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _fstring_parts(tree: ast.Module) -> set[int]:
    """The literal parts of f-strings: checked as part of their whole string instead."""
    return {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
        if isinstance(part, ast.Constant)
    }


def _is_db(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "db") or (
        isinstance(node, ast.Name) and node.id == "db"
    )


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."


def checked_files(root: Path) -> Iterator[Path]:
    for package in CHECKED_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if not any(relative == a or relative.startswith(a + "/") for a in ALLOWED):
                yield path


def check(root: Path) -> list[str]:
    """Every finding under ``root`` as ``file:line: what``."""
    return [
        f"{path.relative_to(root).as_posix()}:{line}: {what}"
        for path in checked_files(root)
        for line, what in sorted(findings_in(path.read_text(encoding="utf-8")))
    ]


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1]
    problems = check(root)
    for problem in problems:
        print(problem)
    if problems:
        print(
            f"{len(problems)} use(s) of the device store's SQL outside inspector/: move each"
            " into a named function of the aggregate's module in inspector/",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
