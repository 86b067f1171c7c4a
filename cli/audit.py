"""``inspector audit ...``: check the enforcement record."""

import sys

import click

from cli.context import AppContext, pass_app
from inspector import audit as audit_log


@click.group()
def audit() -> None:
    """执法全过程记录（审计日志）。"""


@audit.command()
@click.option(
    "--against-server",
    is_flag=True,
    help="同时与中心服务器保存的哈希链头核对（需已登录同步服务器）",
)
@pass_app
def verify(app: AppContext, against_server: bool) -> None:
    """校验审计日志的哈希链；发现被改动、删除或调换的记录时以非零状态退出。"""
    store = app.store()
    count = audit_log.entry_count(store)
    problem = audit_log.verify(store)
    if problem is None and against_server:
        from sync.client import SyncClient

        heads = SyncClient(store).audit_heads()
        problem = audit_log.verify_heads(store, heads)
        if problem is None:
            click.echo(f"与服务器核对：服务器保存的 {len(heads)} 个链头均与本机一致。")
    if problem is None:
        click.echo(f"审计日志完整：共 {count} 条记录，哈希链校验通过。")
        return
    click.echo(f"审计日志校验失败：{problem.reason}（第 {problem.seq} 条）", err=True)
    sys.exit(1)
