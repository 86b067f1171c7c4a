"""The command line signs in as a person: ``--actor`` names the account, and the password must
be that person's own; the audit log carries the signed-in person, not the text typed."""

from pathlib import Path

from click.testing import CliRunner, Result

from cli.main import cli
from inspector import accounts
from inspector.store import Store
from tests.test_encryption import make_plain_store
from tests.test_reports_support import add_org, inspection, setup_office

OWN_PASSWORD = "kezhang-own-password"  # every roster person's; the administrator has another


def _run(db: Path, *args: str, password: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        cli,
        ["--db", str(db), *args],
        env={"INSPECTOR_PASSWORD": password, "INSPECTOR_ACCOUNT": None},
        input=stdin,
        standalone_mode=False,
    )


def _office(store: Store) -> str:
    """An approved inspection with findings; every roster person has ``OWN_PASSWORD``."""
    office = setup_office(store)
    approved = inspection(store, office, add_org(store))
    accounts.add_demo_accounts(store, OWN_PASSWORD)
    return approved


def _notice_rows(store: Store) -> list[tuple[str, str]]:
    rows = store.db.execute(
        "SELECT actor, action FROM audit_log WHERE entity = 'notice' ORDER BY seq"
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def test_naming_a_supervisor_needs_their_own_password(store: Store, tmp_path: Path) -> None:
    approved = _office(store)
    admins = "test-password"  # the store's administrator (tests/conftest.py)
    refused = _run(store.path, "notice", approved[:8], "--out", str(tmp_path), "--actor", "科长",
                   password=admins)  # fmt: skip
    assert refused.exit_code == 1
    message = refused.exception.message  # type: ignore[union-attr]
    assert "不能以“科长”登录：密码不正确" in message and "登录者本人的密码" in message
    assert _notice_rows(store) == []
    assert not list(tmp_path.glob("*.pdf"))


def test_the_audit_carries_the_signed_in_person(store: Store, tmp_path: Path) -> None:
    approved = _office(store)
    by_number = _run(store.path, "notice", approved[:8], "--out", str(tmp_path),
                     "--actor", "民执字0002", password=OWN_PASSWORD)  # fmt: skip
    assert by_number.exit_code == 0, by_number.output
    assert _notice_rows(store) and {actor for actor, _ in _notice_rows(store)} == {"科长"}


def test_without_actor_the_password_opens_its_own_account(store: Store, tmp_path: Path) -> None:
    approved = _office(store)
    as_admin = _run(store.path, "notice", approved[:8], "--out", str(tmp_path),
                    password="test-password")  # fmt: skip
    assert as_admin.exit_code == 1
    assert "管理员" in as_admin.exception.message  # type: ignore[union-attr]
    assert _notice_rows(store) == []


def test_password_from_stdin_and_unknown_account(store: Store, tmp_path: Path) -> None:
    approved = _office(store)
    args = ("--password-stdin", "--db", str(store.path), "notice", approved[:8], "--out",
            str(tmp_path), "--actor")  # fmt: skip
    result = CliRunner().invoke(cli, [*args, "王科长"], input=OWN_PASSWORD + "\n",
                                env={"INSPECTOR_PASSWORD": None}, standalone_mode=False)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert {actor for actor, _ in _notice_rows(store)} == {"王科长"}
    nobody = _run(store.path, "notice", approved[:8], "--actor", "无名氏", password=OWN_PASSWORD)
    assert "本机没有“无名氏”的账号" in nobody.exception.message  # type: ignore[union-attr]


def test_a_plain_store_cannot_confirm_who_is_acting(tmp_path: Path) -> None:
    plain = make_plain_store(tmp_path / "plain.db")
    plain.close()
    named = _run(plain.path, "notice", "12345678", "--actor", "科长", password="test-password")
    assert "尚未加密，没有账号，无法核实“科长”的身份" in named.exception.message  # type: ignore[union-attr]
