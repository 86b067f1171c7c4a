"""``inspector export ...``: findings, inspections and the tracker to XLSX or CSV."""

from pathlib import Path

import click

from cli.context import AppContext, pass_app
from cli.progress import terminal_job
from inspector import exports, tracker
from inspector.model import Severity

TARGET = click.argument("target", type=click.Path(dir_okay=False, path_type=Path))


@click.group()
def export() -> None:
    """导出表格（.xlsx，或 UTF-8 带 BOM 的 .csv，Excel 可直接打开）。"""


@export.command()
@TARGET
@pass_app
def findings(app: AppContext, target: Path) -> None:
    """导出全部检查发现的问题。"""
    _write(exports.findings_sheet(app.store()), target)


@export.command()
@TARGET
@pass_app
def inspections(app: AppContext, target: Path) -> None:
    """导出全部检查记录。"""
    _write(exports.inspections_sheet(app.store()), target)


@export.command("tracker")
@TARGET
@click.option("--district", "districts", multiple=True, help="所在区县（可多次指定）")
@click.option(
    "--severity", "severities", multiple=True, type=click.Choice([s.value for s in Severity])
)
@click.option("--overdue", is_flag=True, help="只导出已逾期的")
@click.option("--due-within", type=click.IntRange(0), help="只导出 N 天内到期的")
@pass_app
def tracker_export(
    app: AppContext,
    target: Path,
    districts: tuple[str, ...],
    severities: tuple[str, ...],
    overdue: bool,
    due_within: int | None,
) -> None:
    """导出整改跟踪表（未销号的问题，含剩余天数或逾期天数）。"""
    wanted = tracker.TrackerFilter(
        districts=districts, severities=severities, overdue=overdue, due_within_days=due_within
    )
    _write(exports.tracker_export(app.store(), wanted), target)


def _write(sheet: exports.Sheet, target: Path) -> None:
    with terminal_job("导出") as job:
        exports.write(sheet, target, job)
    click.echo(f"已导出：{target}")
