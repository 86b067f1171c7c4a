"""``inspector orgs ...``: import the register of organizations and search it."""

import json
import sys
from pathlib import Path

import click

from cli.context import AppContext, pass_app
from cli.progress import terminal_job
from inspector import org_search, register_import
from inspector.store import open_read_only


@click.group()
def orgs() -> None:
    """社会组织名录：导入与查询。"""


@orgs.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查文件并报告结果，不创建也不写入数据库")
@click.option("--sheet", default=None, help="要导入的工作表名称（默认：第一个含表头的工作表）")
@pass_app
def import_register(app: AppContext, file: Path, dry_run: bool, sheet: str | None) -> None:
    """从 CSV（UTF-8 或 GBK，逗号、制表符或分号分隔）或 XLSX 文件导入社会组织名录，按统一社会信用代码新增或更新。

    表头可以是一行或两行，上方可以有标题行；合并单元格按所覆盖的每一格填入；合计、制表人等说明行跳过并列出。
    有问题的行被拒绝并逐条列出（文件、工作表、行号同 Excel、列），其余行照常导入。
    “更新”只计内容确有变化的行，内容相同的计入“未变”。

    退出状态：0 表示文件已处理（可能有被拒绝的行）；1 表示整个文件无法导入或所有数据行都被拒绝。
    """
    if dry_run:
        report = _dry_run(app, file, sheet)
    else:
        with terminal_job("导入名录") as job:
            report = register_import.import_file(app.store(), file, job=job, sheet=sheet)
    _print_report(report)
    if report.rejected_rows and not (report.inserted or report.updated or report.unchanged):
        sys.exit(1)


def _dry_run(app: AppContext, file: Path, sheet: str | None) -> register_import.ImportReport:
    store = open_read_only(app.db_path)
    try:
        return register_import.import_file(store, file, dry_run=True, sheet=sheet)
    finally:
        if store is not None:
            store.close()


def _print_report(report: register_import.ImportReport) -> None:
    prefix = "试运行，未写入数据库：" if report.dry_run else ""
    click.echo(prefix + report.summary)
    if report.source:
        click.echo(f"已读取：{report.source}")
    if report.ignored_headers:
        click.echo("已忽略无法识别的列：" + "、".join(report.ignored_headers))
    if report.notes:
        click.echo("已跳过的说明行：" + "、".join(report.notes))
    if report.problems:
        click.echo("被拒绝的行：")
        for problem in report.problems:
            click.echo(f"  {problem}")


@orgs.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 列表（供其他程序读取）")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@pass_app
def search(app: AppContext, text: str, as_json: bool, limit: int) -> None:
    """按名称、信用代码、拼音首字母（如 zdhxh）或全拼（如 zidonghua）的任意部分查找社会组织；多个词用空格分开，须全部匹配。"""
    hits = org_search.search(app.store(), text, limit=limit)
    warning = org_search.code_warning(text)
    if warning and not as_json:
        click.echo(f"注意：{warning}")
    if as_json:
        click.echo(json.dumps([hit.to_json() for hit in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(f"未找到与“{text}”匹配的社会组织")
        return
    for hit in hits:
        gone = f"  【{hit.gone_label}】" if hit.gone_label else ""
        click.echo(
            f"{hit.credit_code}  {hit.name}  {hit.kind_label}  "
            f"{hit.district or '—'}  {hit.credit_status.label}{gone}"
        )
