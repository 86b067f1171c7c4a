"""``inspector sync ...``: log in, upload the outbox, download registers and tasks."""

import json
import sys
from pathlib import Path

import click

from cli.context import AppContext, pass_app
from cli.progress import terminal_job
from inspector.errors import UserError
from sync import outbox, state
from sync.client import PullReport, PushReport, SyncClient


@click.group(invoke_without_command=True)
@click.option(
    "--server", "server_url", default=None, help="服务器地址，如 https://sync.example.gov.cn"
)
@click.option("--user", "username", default=None, help="用户名（密码从标准输入读取）")
@click.option(
    "--ca-bundle",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="单位 CA 证书文件（默认使用系统证书校验服务器）",
)
@click.pass_context
def sync(
    ctx: click.Context, server_url: str | None, username: str | None, ca_bundle: Path | None
) -> None:
    """与中心服务器同步：不带子命令时先上传、再下载。"""
    app: AppContext = ctx.obj
    if ca_bundle is not None:
        state.set_values(app.store(), **{state.CA_BUNDLE: str(ca_bundle)})
    ctx.meta["sync_server"] = server_url
    if ctx.invoked_subcommand is not None:
        return
    client = SyncClient(app.store(), server_url)
    if username:
        client.login(username, _password())
    _print_push(_push(client))
    _print_pull(_pull(client))


@sync.command()
@click.option("--user", "username", required=True, help="用户名（密码从标准输入读取）")
@click.pass_context
def login(ctx: click.Context, username: str) -> None:
    """登录并在本机保存设备令牌（不保存密码）。"""
    app: AppContext = ctx.obj
    answer = SyncClient(app.store(), ctx.meta.get("sync_server")).login(username, _password())
    click.echo(f"已登录：{answer.username}（{answer.role}），令牌有效期至 {answer.expires_at}")


@sync.command()
@click.option("--retry-rejected", is_flag=True, help="把被服务器拒绝的记录重新排队后再上传")
@click.pass_context
def push(ctx: click.Context, retry_rejected: bool) -> None:
    """上传待上传的检查记录及照片。"""
    app: AppContext = ctx.obj
    if retry_rejected:
        click.echo(f"已重新排队 {outbox.requeue_rejected(app.store())} 条被拒绝的记录")
    report = _push(SyncClient(app.store(), ctx.meta.get("sync_server")))
    _print_push(report)
    if not report.ok:
        sys.exit(1)


@sync.command()
@click.pass_context
def pull(ctx: click.Context) -> None:
    """下载名录、检查表、任务和问题状态的更新。"""
    app: AppContext = ctx.obj
    _print_pull(_pull(SyncClient(app.store(), ctx.meta.get("sync_server"))))


@sync.command()
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def status(app: AppContext, as_json: bool) -> None:
    """显示待上传、失败及原因。"""
    summary = outbox.summary(app.store())
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=1))
        return
    click.echo(f"服务器：{summary['server'] or '未设置'}　用户：{summary['user'] or '未登录'}")
    for row in summary["records"]:
        click.echo(f"{row['state_label']}\t{row['label']}\t{row['message']}")
    if not summary["records"]:
        click.echo("没有待上传或失败的记录")


def _push(client: SyncClient) -> PushReport:
    with terminal_job("上传") as job:
        return client.push(job)


def _pull(client: SyncClient) -> PullReport:
    with terminal_job("下载") as job:
        return client.pull(job)


def _password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError("请在标准输入中提供密码")
    return password


def _print_push(report: PushReport) -> None:
    for result in report.results:
        click.echo(f"{result.label}：{result.message}")
        for note in result.notes:
            click.echo(f"  · {note}")
    uploaded = sum(r.outcome == "uploaded" for r in report.results)
    click.echo(f"上传完成 {uploaded}/{len(report.results)} 条")
    if report.stopped:
        click.echo(f"同步中止：{report.stopped}", err=True)


def _print_pull(report: PullReport) -> None:
    for note in report.notes:
        click.echo(f"  · {note}")
    click.echo(f"下载更新 {report.applied} 条")
