"""``inspector checklist ...``: validate, import, list and export checklists."""

import json
from pathlib import Path

import click

from checklists import file_import
from checklists.library import get_checklist, list_checklists
from checklists.loader import Loaded
from checklists.problems import Problem
from checklists.xlsform_export import write_xlsform
from cli.context import AppContext, pass_app
from inspector.checklist_model import ChecklistKind
from inspector.errors import UserError
from inspector.model import OrgKind

FILES = click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)


@click.group()
def checklist() -> None:
    """检查表：校验、导入、列出与导出。"""


def _load_all(files: tuple[Path, ...]) -> tuple[list[tuple[Path, Loaded]], list[Problem]]:
    """Load every file, printing warnings; return the valid ones and every problem."""
    loaded, problems, warnings = file_import.load_files(list(files))
    for warning in warnings:
        click.echo(warning, err=True)
    return loaded, problems


def _fail(problems: list[Problem], consequence: str) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    failed = len({problem.file for problem in problems})
    raise UserError(f"{failed} 个文件有错误，共 {len(problems)} 处问题{consequence}")


@checklist.command()
@FILES
def validate(files: tuple[Path, ...]) -> None:
    """校验检查表文件（YAML 或 XLSX）；有错误时逐条列出并以非零状态退出。"""
    loaded, problems = _load_all(files)
    for path, result in loaded:
        found = result.checklist
        click.echo(
            f"{path}：有效（{found.id} 第 {found.version} 版，共 {len(found.items())} 个条目）"
        )
    if problems:
        _fail(problems, "")


@checklist.command("import")
@FILES
@pass_app
def import_files(app: AppContext, files: tuple[Path, ...]) -> None:
    """导入检查表文件（YAML 或 XLSX）。任一文件有错误时不导入任何内容。

    已存储的版本不可更改：同一编号和版本但内容不同的文件被拒绝，内容相同的文件不重复导入；
    新版本的版本号须大于已存储的版本。
    """
    result = file_import.import_files(app.store(), list(files), actor=app.actor())
    for warning in result.warnings:
        click.echo(warning, err=True)
    if result.problems:
        _fail(result.problems, "；未导入任何内容")
    for line in result.lines:
        click.echo(line)


@checklist.command("list")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 列表（供其他程序读取）")
@pass_app
def list_command(app: AppContext, as_json: bool) -> None:
    """列出已存储的全部检查表版本。"""
    summaries = list_checklists(app.store())
    if as_json:
        payload = [summary.as_json() for summary in summaries]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not summaries:
        click.echo("尚未导入任何检查表")
        return
    for s in summaries:
        kinds = "、".join(OrgKind(kind).label for kind in s.applies_to)
        click.echo(
            f"{s.id}@{s.version}  {s.title}  {ChecklistKind(s.kind).label}  适用：{kinds}  "
            f"{s.effective_date} 起施行  {s.item_count} 个条目"
        )


@checklist.command()
@click.argument("spec", metavar="ID[@VERSION]")
@click.option(
    "--xlsx",
    "target",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="导出的 Excel 文件",
)
@pass_app
def export(app: AppContext, spec: str, target: Path) -> None:
    """把已存储的检查表导出为 XLSForm 格式的 Excel 文件（不写版本号时导出最新版本）。"""
    checklist_id, _, version_text = spec.partition("@")
    if version_text and not version_text.isdigit():
        raise UserError(f"版本号应为正整数：{spec}")
    found = get_checklist(app.store(), checklist_id, int(version_text) if version_text else None)
    try:
        write_xlsform(found, target)
    except OSError as exc:
        raise UserError(f"无法写入文件 {target}（{exc.strerror or exc}）") from exc
    click.echo(f"已导出：{found.id} 第 {found.version} 版 → {target}")
