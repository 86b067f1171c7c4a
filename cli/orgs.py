"""``inspector orgs ...``: import the register of organizations and search it."""

import json
import sys
from pathlib import Path

import click

from cli.context import AppContext, pass_app
from cli.progress import terminal_job
from inspector import org_search, register_import


@click.group()
def orgs() -> None:
    """社会组织名录：导入与查询。"""


@orgs.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查文件并报告结果，不写入数据库")
@pass_app
def import_register(app: AppContext, file: Path, dry_run: bool) -> None:
    """从 CSV（UTF-8 或 GBK）或 XLSX 文件导入社会组织名录，按统一社会信用代码新增或更新。

    有问题的行被拒绝并逐条列出（行号同 Excel，表头为第 1 行），其余行照常导入。

    退出状态：0 表示文件已处理（可能有被拒绝的行）；1 表示整个文件无法导入或所有数据行都被拒绝。
    """
    with terminal_job("导入名录") as job:
        report = register_import.import_file(app.store(), file, dry_run=dry_run, job=job)
    prefix = "试运行，未写入数据库：" if dry_run else ""
    click.echo(prefix + report.summary)
    if report.ignored_headers:
        click.echo("已忽略无法识别的列：" + "、".join(report.ignored_headers))
    if report.problems:
        click.echo("被拒绝的行：")
        for problem in report.problems:
            click.echo(f"  {problem}")
    if report.rejected_rows and not (report.inserted or report.updated):
        sys.exit(1)


@orgs.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 列表（供其他程序读取）")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@pass_app
def search(app: AppContext, text: str, as_json: bool, limit: int) -> None:
    """按名称片段、信用代码前缀或拼音首字母（如 zgzdhxh）查找社会组织。"""
    hits = org_search.search(app.store(), text, limit=limit)
    if as_json:
        click.echo(json.dumps([hit.to_json() for hit in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(f"未找到与“{text}”匹配的社会组织")
        return
    for hit in hits:
        click.echo(
            f"{hit.credit_code}  {hit.name}  {hit.kind_label}  "
            f"{hit.district or '—'}  {hit.credit_status.label}"
        )
