"""``inspector demo``: fill an empty store with the demo data set."""

import os
import time
from datetime import date

import click

from checklists.library import get_checklist, import_builtin_checklists, list_checklists
from checklists.show_if import evaluate
from cli.context import AppContext, pass_app
from inspector import accounts
from inspector import demo as demo_data
from inspector.counts import store_counts
from inspector.unlock import PASSWORD_ENV

DEMO_PASSWORD = "demo-password"


@click.command()
@click.option("--orgs", default=3000, show_default=True, help="社会组织数量")
@click.option("--seed", default=2026, show_default=True, help="随机种子：相同种子生成相同数据")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="以哪一天为“今天”生成检查和期限（默认今天），YYYY-MM-DD",
)
@click.option("--if-empty", is_flag=True, help="数据库已有数据时不报错，直接跳过")
@pass_app
def demo(app: AppContext, orgs: int, seed: int, as_of: object, if_empty: bool) -> None:
    """生成演示数据（只能写入空数据库）。

    未用 INSPECTOR_PASSWORD 或 --password-stdin 指定密码时，演示数据库使用公开的演示密码
    demo-password（每位演示人员和管理员都用它登录）。"""
    if not os.environ.get(PASSWORD_ENV):
        os.environ[PASSWORD_ENV] = DEMO_PASSWORD
        click.echo(
            f"未指定密码：演示数据库使用演示密码 {DEMO_PASSWORD}（仅供演示，请勿用于真实数据）。"
        )
    store = app.store()
    if if_empty and store_counts(store).organizations:
        click.echo("数据库已有数据，跳过生成演示数据。")
        return
    started = time.perf_counter()
    import_builtin_checklists(store, actor="演示数据")
    ids = dict.fromkeys(summary.id for summary in list_checklists(store))
    latest = [get_checklist(store, checklist_id) for checklist_id in ids]
    day = as_of.date() if hasattr(as_of, "date") else date.today()
    summary = demo_data.build(
        store, orgs=orgs, seed=seed, as_of=day, checklists=latest, show_if=evaluate
    )
    accounts.add_demo_accounts(store, os.environ[PASSWORD_ENV])
    click.echo(
        f"已生成演示数据：社会组织 {summary.organizations} 个，执法人员 {summary.inspectors} 名，"
        f"检查记录 {summary.inspections} 条，发现问题 {summary.findings} 个，"
        f"待办任务 {summary.tasks} 个（用时 {time.perf_counter() - started:.1f} 秒）"
    )
