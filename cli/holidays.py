"""``inspector holidays import|list``: the State Council's schedule for a year the program lacks."""

from pathlib import Path

import click

from cli.context import AppContext, actor_option, pass_app
from inspector import deadlines, holiday_schedule
from inspector.clock import today

ACTOR = actor_option("以此人的账号登录并登记，写入审计日志")


@click.group()
def holidays() -> None:
    """节假日安排：登记程序自带数据尚未包含的年份，用于计算整改期限。

    每年登记国务院公布的放假日和调休上班日。
    """


@holidays.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ACTOR
@pass_app
def import_schedule(app: AppContext, path: Path, actor: str) -> None:
    """从 YAML（year、rest、work、source）或 CSV（日期,类型[,来源]）文件登记一年的安排。"""
    store = app.store()
    year = holiday_schedule.parse(path)
    holiday_schedule.record(store, year, actor=actor)
    click.echo(
        f"已登记{year.year}年节假日安排：放假 {len(year.rest)} 天，调休上班 {len(year.work)} 天"
        + (f"（{year.source}）" if year.source else "")
    )


@holidays.command("list")
@pass_app
def list_schedules(app: AppContext) -> None:
    """列出本机登记的年份；程序自带数据包含的年份另行说明。"""
    store = app.store()
    years = holiday_schedule.recorded(store)
    for year in years:
        click.echo(
            f"{year.year}年：放假 {len(year.rest)} 天，调休上班 {len(year.work)} 天"
            + (f"（{year.source}）" if year.source else "")
        )
    if not years:
        click.echo("本机未登记节假日安排。")
    for missing in _next_years():
        if not deadlines.library_knows(missing) and missing not in {y.year for y in years}:
            click.echo(f"提示：{missing}年尚无节假日安排，该年的整改期限只避开周六、周日。")


def _next_years() -> list[int]:
    this = today().year
    return [this, this + 1]
