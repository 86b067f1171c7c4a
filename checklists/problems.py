"""Located problems in a checklist file, and the error that carries them.

Every message names the file, the place (YAML line or spreadsheet row), the item and the
problem, in Chinese, so a supervisor can fix the file without reading code.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from inspector.errors import UserError


class Located(dict[str, Any]):
    """A mapping read from a file that remembers where it came from ("第 12 行")."""

    def __init__(self, data: dict[str, Any], where: str) -> None:
        super().__init__(data)
        self.where = where


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    item_id: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.where:
            parts.append(self.where)
        if self.item_id:
            parts.append(f"条目 {self.item_id}")
        return "，".join(parts) + "：" + self.message


class ChecklistError(UserError):
    """A checklist file with one or more problems; nothing from it is imported."""

    def __init__(self, problems: Sequence[Problem], warnings: Sequence[str] = ()) -> None:
        self.problems = list(problems)
        self.warnings = list(warnings)  # shown with the refusal: they may explain it
        super().__init__("\n".join(str(problem) for problem in self.problems))


def where_of(raw: Any, path: Sequence[str | int]) -> str:
    """The place of the deepest located mapping along ``path`` in the raw file data."""
    where = getattr(raw, "where", "")
    node = raw
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        where = getattr(node, "where", where)
    return where


def id_along(raw: Any, path: Sequence[str | int], container: str) -> str | None:
    """The ``id`` of the last mapping reached through ``container`` (e.g. "items") on ``path``."""
    found: str | None = None
    node = raw
    for index, key in enumerate(path):
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if index > 0 and path[index - 1] == container and isinstance(node, dict):
            value = node.get("id")
            found = str(value) if value is not None else found
    return found
