"""What every command shares: the chosen database path, opened on first use, and the person
signed in to it.

A command line signs in as a person, as the window does: the password (``INSPECTOR_PASSWORD``,
or ``--password-stdin``) must open that person's own account in the key file. ``--actor`` (or
``INSPECTOR_ACCOUNT``) names the account — a roster id, certificate number or name, or 管理员;
without either the command runs as the first account the password opens. The actor of every
audited write is the signed-in person, never the text typed after ``--actor``.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from inspector import accounts, current_user, keys, unlock
from inspector.current_user import Session
from inspector.errors import UserError
from inspector.store import Store, open_store


@dataclass
class AppContext:
    db_path: Path
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        if self._store is None:
            self._store = self._open(os.environ.get(unlock.ACCOUNT_ENV) or None)
        return self._store

    def sign_in(self, name: str) -> Session:
        """Sign in as the account ``name`` names (``--actor``), replacing an earlier sign-in."""
        self.close()
        self._store = self._open(name)
        return current_user.require(self._store)

    def actor(self) -> str:
        """Who the audited writes of this command are recorded under."""
        return current_user.actor(self.store())

    def close(self) -> None:
        if self._store is not None:
            current_user.end(self._store)
            self._store.close()
            self._store = None

    def _open(self, name: str | None) -> Store:
        if unlock.is_new(self.db_path) and not keys.exists(self.db_path):
            open_store(self.db_path).close()  # a new store: made for its administrator
        if not keys.exists(self.db_path):
            if name is not None:
                raise UserError(
                    f"数据库 {self.db_path} 尚未加密，没有账号，无法核实“{name}”的身份："
                    "请先加密（inspector store encrypt），再由管理员为执法人员开通账号。"
                )
            return open_store(self.db_path)  # plain (before encryption): nobody signed in
        password = os.environ.get(unlock.PASSWORD_ENV)
        if not password:
            raise UserError(
                f"数据库 {self.db_path} 已加密：请用环境变量 {unlock.PASSWORD_ENV} "
                "或 --password-stdin 提供登录账号自己的密码。"
            )
        holder = accounts.holder_named(self.db_path, name) if name is not None else None
        try:
            store, _ = accounts.sign_in_as(self.db_path, holder, password)
        except UserError as exc:
            who = f"“{name}”" if name is not None else "任何账号"
            raise UserError(
                f"不能以{who}登录：{exc.message} 命令行须提供登录者本人的密码"
                f"（环境变量 {unlock.PASSWORD_ENV} 或 --password-stdin）。"
            ) from exc
        return store


pass_app = click.make_pass_decorator(AppContext)
F = TypeVar("F", bound=Callable[..., Any])


def actor_option(help_text: str, **kwargs: Any) -> Callable[[F], F]:
    """``--actor NAME``: sign in as NAME (their password is the one given); the command gets
    the signed-in person's actor. Not given: the account the password opens (``default``
    None), or ``""`` when the command's default is ``""`` (it then says an actor is needed)."""

    def signed_in(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        app = ctx.find_object(AppContext)
        if app is None or value == "":
            return value
        if value is None:
            return app.actor()
        return app.sign_in(value).actor

    return click.option("--actor", callback=signed_in, help=help_text, **kwargs)
