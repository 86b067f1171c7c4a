"""Entry point: ``inspector [--db PATH] COMMAND``. With no command, the GUI starts."""

import logging
import sys
from pathlib import Path

import click

from cli.audit import audit
from cli.campaign import campaign
from cli.checklist import checklist
from cli.context import AppContext
from cli.demo import demo
from cli.export import export
from cli.notice import document, notice, notice_settings, notices
from cli.orgs import orgs
from cli.server import server
from cli.sync import sync
from inspector.errors import UserError
from inspector.logs import configure_logging
from inspector.store import default_db_path

log = logging.getLogger(__name__)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="数据库文件（默认：$INSPECTOR_DB 或用户数据目录下的 inspector.db）",
)
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None) -> None:
    """社会组织现场检查工具。不带命令时启动图形界面。"""
    app = AppContext(db_path=db_path or default_db_path())
    ctx.obj = app
    ctx.call_on_close(app.close)
    if ctx.invoked_subcommand is None:
        ctx.invoke(gui)


@cli.command()
@click.option(
    "--screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="把主窗口渲染为 PNG 文件后退出（无显示器的机器也可用）",
)
@click.option("--size", default="1366x768", show_default=True, help="窗口大小，宽x高")
@click.pass_obj
def gui(app: AppContext, screenshot: Path | None, size: str) -> None:
    """启动图形界面。"""
    from ui.app import run  # Qt is loaded only for the GUI

    width, height = (int(part) for part in size.lower().split("x"))
    sys.exit(run(app.db_path, screenshot=screenshot, size=(width, height)))


cli.add_command(audit)
cli.add_command(campaign)
cli.add_command(export)
cli.add_command(checklist)
cli.add_command(server)
cli.add_command(sync)
cli.add_command(demo)
cli.add_command(orgs)
cli.add_command(notice)
cli.add_command(notices)
cli.add_command(document)
cli.add_command(notice_settings)


def main() -> None:
    """Run the CLI; a ``UserError`` becomes its Chinese message and exit status 1."""
    log_path = configure_logging()
    try:
        cli.main(standalone_mode=False)
    except UserError as exc:
        log.info("user error: %s", exc, exc_info=True)
        click.echo(f"错误：{exc.message}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("已取消", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception:
        log.exception("unexpected error")
        click.echo(f"程序内部错误，详细信息已写入日志：{log_path}", err=True)
        sys.exit(2)
