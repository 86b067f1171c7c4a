"""Import checklist files (YAML or XLSX), saying file by file and row by row what happened:
the same lines for the ``inspector checklist import`` command and the 检查表 screen.

Any problem in any file imports nothing (one transaction), so a fixed file can simply be
imported again.
"""

from dataclasses import dataclass, field
from pathlib import Path

from checklists.library import import_checklists
from checklists.loader import Loaded, load_file
from checklists.problems import ChecklistError, Problem
from inspector.store import Store


@dataclass(frozen=True)
class FileImport:
    """What an import said: warnings and one line per checklist, or the problems."""

    warnings: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # 已导入 / 未变化, one per checklist
    problems: list[Problem] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.problems:
            failed = len({problem.file for problem in self.problems})
            return (
                f"{failed} 个文件有错误，共 {len(self.problems)} 处问题；未导入任何内容。"
                "请按下列位置改正后再导入。"
            )
        return f"导入完成：{len(self.lines)} 套检查表。"


def load_files(
    paths: list[Path],
) -> tuple[list[tuple[Path, Loaded]], list[Problem], list[str]]:
    """Every file loaded and checked: the valid ones, every problem of the rest, and the
    warnings of all (``警告：…``)."""
    loaded: list[tuple[Path, Loaded]] = []
    problems: list[Problem] = []
    warnings: list[str] = []
    for path in paths:
        if not path.exists():
            problems.append(Problem(str(path), "", None, "文件不存在"))
            continue
        try:
            result = load_file(path)
        except ChecklistError as exc:
            warnings += [f"警告：{w}" for w in exc.warnings]
            problems.extend(exc.problems)
            continue
        warnings += [f"警告：{w}" for w in result.warnings]
        loaded.append((path, result))
    return loaded, problems, warnings


def import_files(store: Store, paths: list[Path], *, actor: str) -> FileImport:
    """Load, check and store the files; nothing is stored when any of them has a problem."""
    loaded, problems, warnings = load_files(paths)
    if problems:
        return FileImport(warnings, [], problems)
    sources = [(str(path), result.checklist) for path, result in loaded]
    try:
        outcomes = import_checklists(store, sources, actor=actor)
    except ChecklistError as exc:
        return FileImport(warnings, [], list(exc.problems))
    lines = [
        f"已导入：{o.id} 第 {o.version} 版"
        if o.imported
        else f"未变化：{o.id} 第 {o.version} 版已存在且内容相同"
        for o in outcomes
    ]
    return FileImport(warnings, lines, [])
