"""``inspector store``: encryption of the local store, and the office's recovery key.

Passwords come from ``INSPECTOR_PASSWORD`` or, with ``inspector --password-stdin``, from
standard input; never from an argument (it would show in the process list and shell history).
"""

import os
from pathlib import Path

import click

from cli.context import AppContext, pass_app
from inspector import encrypt, keys, recovery, unlock
from inspector.errors import UserError


@click.group()
def store() -> None:
    """数据库加密与单位恢复密钥。"""


@store.command("encrypt")
@pass_app
def encrypt_command(app: AppContext) -> None:
    """把未加密的数据库就地加密（先做核验过的备份，核对无误后才删除未加密的副本）。"""
    password = _password()
    report = encrypt.encrypt_store(
        app.db_path, keys.ADMIN, keys.ADMIN_LABEL, password, on_progress=click.echo
    )
    click.echo(
        f"已加密：{report.tables} 张表共 {report.rows} 行、证据文件 {report.files} 个，"
        "核对一致，未加密的副本已删除。"
    )


@store.command("status")
@pass_app
def status(app: AppContext) -> None:
    """显示数据库是否加密、登记了哪些账号和恢复密钥。"""
    if unlock.is_plain(app.db_path):
        click.echo(f"{app.db_path}：未加密（运行 inspector store encrypt 加密）")
        return
    found = keys.load(app.db_path)
    click.echo(f"{app.db_path}：已加密（SQLCipher，证据文件 AES-256-GCM）")
    for wrap in found.wraps:
        click.echo(f"  账号：{wrap.label}（{wrap.holder}）")
    fingerprint = found.recovery["fingerprint"] if found.recovery else "未登记"
    click.echo(f"  单位恢复公钥指纹：{fingerprint}")


@store.command("recovery-keygen")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def recovery_keygen(folder: Path) -> None:
    """生成单位恢复密钥对：私钥用 INSPECTOR_PASSWORD（或标准输入）中的口令保护，由单位保管。"""
    private, public = recovery.write_pair(folder, _password())
    click.echo(f"恢复私钥（单位离线保管）：{private}\n恢复公钥（分发到各设备）：{public}")


@store.command("add-recovery")
@click.argument("public_key", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@pass_app
def add_recovery(app: AppContext, public_key: Path) -> None:
    """为已加密的数据库登记单位恢复公钥（需要本库一个账号的密码）。"""
    fingerprint = recovery.register(app.db_path, _password(), public_key.read_bytes())
    click.echo(f"已登记单位恢复公钥，指纹 {fingerprint}")


@store.command("recover")
@click.option(
    "--recovery-key",
    "private_key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    required=True,
    help="单位恢复私钥文件（PEM）",
)
@click.option("--account", default=keys.ADMIN, show_default=True, help="要重设密码的账号")
@pass_app
def recover(app: AppContext, private_key: Path, account: str) -> None:
    """用单位恢复私钥打开数据库，并为一个账号设置新密码。

    标准输入依次给出两行：恢复私钥的保护口令、新密码（或用环境变量
    INSPECTOR_RECOVERY_PASSPHRASE 与 INSPECTOR_PASSWORD）。"""
    passphrase = os.environ.get(recovery.PASSPHRASE_ENV) or click.prompt(
        "恢复私钥口令", hide_input=True, err=True
    )
    label = recovery.reset_password(
        app.db_path, private_key.read_bytes(), passphrase, account, _password()
    )
    click.echo(f"已用单位恢复密钥为账号“{label}”设置新密码；数据未作改动。")


def _password() -> str:
    password = os.environ.get(unlock.PASSWORD_ENV)
    if not password:
        raise UserError(
            f"需要密码：请设置环境变量 {unlock.PASSWORD_ENV}，或使用 inspector --password-stdin "
            "从标准输入提供（不接受命令行参数形式的密码）。"
        )
    return password
