"""Entry point: ``inspector [--db PATH] COMMAND``. With no command, the GUI starts.

Commands load lazily: their modules pull in pydantic, requests, openpyxl, pypinyin's phrase
dictionary and the reports (about 1 s together), so a command's module is imported only when
that command runs, and ``inspector --help`` lists them from ``COMMANDS`` without importing
any (``tests/test_cli.py`` checks the listed help is each command's own).
"""

import gc
import importlib
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from inspector.errors import UserError
from inspector.logs import configure_logging

if TYPE_CHECKING:
    from cli.context import AppContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LazyCommand:
    module: str
    attribute: str
    short_help: str  # the first sentence of the command's docstring, for ``--help``


COMMANDS = {
    "audit": LazyCommand("cli.audit", "audit", "执法全过程记录（审计日志）。"),
    "campaign": LazyCommand("cli.campaign", "campaign", "双随机抽查计划：抽取、核验、公示。"),
    "checklist": LazyCommand("cli.checklist", "checklist", "检查表：校验、导入、列出与导出。"),
    "demo": LazyCommand("cli.demo", "demo", "生成演示数据（只能写入空数据库）。"),
    "document": LazyCommand("cli.notice", "document", "生成一次检查的现场检查记录或检查报告。"),
    "holidays": LazyCommand(
        "cli.holidays", "holidays", "节假日安排：登记程序自带数据尚未包含的年份，用于计算整改期限。"
    ),
    "export": LazyCommand(
        "cli.export", "export", "导出表格（.xlsx，或 UTF-8 带 BOM 的 .csv，Excel 可直接打开）。"
    ),
    "notice": LazyCommand(
        "cli.notice",
        "notice",
        "为一次已审核且发现问题的检查出具责令限期整改通知书（首次出具时编号）。",
    ),
    "notice-settings": LazyCommand(
        "cli.notice", "notice_settings", "查看或修改整改通知书的编号格式、发文机关和联系方式。"
    ),
    "notices": LazyCommand(
        "cli.notice", "notices", "批量出具：为所有已审核且发现问题的检查生成整改通知书，显示进度。"
    ),
    "notice-reissue": LazyCommand(
        "cli.notice",
        "notice_reissue",
        "重新出具整改通知书：新编号，载明所替代的原通知书（未送达的才能重新出具）。",
    ),
    "notice-authority": LazyCommand(
        "cli.notice",
        "notice_authority",
        "设置发文机关：机关代字（各机关各自按年编号）、复议机关和联系方式。",
    ),
    "notice-numbers": LazyCommand(
        "cli.notice",
        "notice_numbers",
        "联网向中心服务器预留一段通知书编号，离线出具时从中取号（两台设备不会重号）。",
    ),
    "notice-served": LazyCommand(
        "cli.notice",
        "notice_served",
        "登记整改通知书的送达（时间、方式、签收人、送达人），并据此计算整改期限。",
    ),
    "notices-unserved": LazyCommand(
        "cli.notice", "notices_unserved", "列出出具后超过规定天数仍未登记送达的整改通知书。"
    ),
    "orgs": LazyCommand("cli.orgs", "orgs", "社会组织名录：导入与查询。"),
    "server": LazyCommand("cli.server", "server", "中心服务器（参考实现）：运行与管理。"),
    "store": LazyCommand("cli.store", "store", "数据库加密与单位恢复密钥。"),
    "sync": LazyCommand("cli.sync", "sync", "与中心服务器同步：不带子命令时先上传、再下载。"),
}


class LazyGroup(click.Group):
    """A group whose commands (``COMMANDS``) are imported when invoked, not when listed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        lazy = COMMANDS.get(cmd_name)
        if lazy is None:
            return super().get_command(ctx, cmd_name)
        command = getattr(importlib.import_module(lazy.module), lazy.attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            lazy = COMMANDS.get(name)
            own = self.commands.get(name)
            rows.append(
                (name, lazy.short_help if lazy else own.get_short_help_str() if own else "")
            )
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="数据库文件（默认：$INSPECTOR_DB 或用户数据目录下的 inspector.db）",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="从标准输入的第一行读取数据库密码（代替环境变量 INSPECTOR_PASSWORD）",
)
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, password_stdin: bool) -> None:
    """社会组织现场检查工具。不带命令时启动图形界面。

    加密数据库的密码取自环境变量 INSPECTOR_PASSWORD，或用 --password-stdin 从标准输入读取；
    不接受命令行参数形式的密码。"""
    from cli.context import AppContext
    from inspector.store import default_db_path

    if password_stdin:
        read_password_stdin()
    app = AppContext(db_path=db_path or default_db_path())
    ctx.obj = app
    ctx.call_on_close(app.close)
    if ctx.invoked_subcommand is None:
        ctx.invoke(gui)


NO_DISPLAY = (
    "没有可用的图形显示（未设置 DISPLAY 或 WAYLAND_DISPLAY），无法打开窗口。"
    "请在桌面会话中启动；在无显示器的机器上可用 gui --screenshot 文件.png 渲染主窗口。"
)


NO_GUI = "此安装不含图形界面（服务器版只有命令行）。请在检查人员的电脑上安装桌面版。"


def has_display() -> bool:
    """Whether Qt can open a window here. Without this check Qt aborts with an English message."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


@cli.command()
@click.option(
    "--screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="把主窗口渲染为 PNG 文件后退出（无显示器的机器也可用）",
)
@click.option("--size", default="1366x768", show_default=True, help="窗口大小，宽x高")
@click.pass_obj
def gui(app: "AppContext", screenshot: Path | None, size: str) -> None:
    """启动图形界面。"""
    # The GUI collects garbage from a timer on its own thread (ui/gc_guard.py); switched off
    # before Qt is imported, automatic collection no longer runs through the ~250 enum
    # classes PySide builds on the way (about 6 ms of start-up).
    gc.disable()
    try:
        from ui.app import run  # Qt is loaded only for the GUI
    except ModuleNotFoundError as missing:
        if (missing.name or "").split(".")[0] not in ("ui", "PySide6"):
            raise
        raise UserError(NO_GUI) from missing
    # What is loaded by now (the modules, their classes and enums: about 32,000 objects) lives
    # as long as the process: frozen out of every later collection, the timer's full ones and
    # the one at exit traverse a seventh of the objects (15 ms -> 2 ms here).
    gc.freeze()
    if screenshot is None and not has_display():
        raise UserError(NO_DISPLAY)

    width, height = (int(part) for part in size.lower().split("x"))
    sys.exit(run(app.db_path, screenshot=screenshot, size=(width, height)))


def read_password_stdin() -> None:
    """The first line of standard input becomes this process's store password."""
    from inspector.unlock import PASSWORD_ENV

    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise UserError("--password-stdin：标准输入的第一行应为密码，但它是空的。")
    os.environ[PASSWORD_ENV] = line


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


if __name__ == "__main__":  # python -m cli.main, as python -m inspector
    main()
