"""The admin and sync commands end to end: server data folder, live server, device store."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from inspector.errors import UserError
from inspector.store import Store
from sync import state
from tests.sync.sync_support import PASSWORD, CompleteFn, LiveServer, photo

AUTOMATION = "51100000500002862F"
WELFARE_FUND = "53100000500019795A"


def run(*args: str, stdin: str = "") -> str:
    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=True)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def test_admin_commands_prepare_what_devices_pull(
    live_server: LiveServer, device: Store, tmp_path: Path
) -> None:
    data = str(live_server.data_dir)
    assert "已保存用户 zhao" in run(
        "server",
        "user",
        "add",
        "zhao",
        "--role",
        "inspector",
        "--data",
        data,
        stdin="long-enough-1\n",
    )
    register = tmp_path / "register.json"
    register.write_text(
        json.dumps(
            [
                {"credit_code": AUTOMATION, "name": "中国自动化学会", "kind": "social_group"},
                {"credit_code": WELFARE_FUND, "name": "中国社会福利基金会", "kind": "foundation"},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert "已发布 2 个社会组织" in run("server", "load-register", str(register), "--data", data)
    assert "已发布 3 个检查表版本" in run("server", "load-checklists", "--builtin", "--data", data)
    task_id = run(
        "server",
        "add-task",
        "--org",
        AUTOMATION,
        "--checklist",
        "spot-check-general",
        "--inspector",
        "zhang",
        "--inspector",
        "zhao",
        "--data",
        data,
    ).strip()

    db = str(device.path)
    login = run(
        "--db",
        db,
        "sync",
        "--server",
        live_server.url,
        "login",
        "--user",
        "zhang",
        stdin=PASSWORD + "\n",
    )
    assert "已登录：zhang（inspector）" in login
    assert "下载更新" in run("--db", db, "sync", "pull")
    assert device.db.execute("SELECT id, organization_id FROM tasks").fetchall() == [
        (task_id, "org-1")
    ]
    assert device.db.execute("SELECT COUNT(*) FROM checklists").fetchone()[0] == 4
    assert device.db.execute("SELECT COUNT(*) FROM organizations").fetchone()[0] == 2

    status = json.loads(run("--db", db, "sync", "status", "--json"))
    assert status["logged_in"] is True and status["user"] == "zhang" and status["records"] == []
    stats = json.loads(run("server", "stats", "--json", "--data", data))
    assert stats["organizations"] == 2 and stats["tasks"] == 1 and stats["users"] == 4


def test_push_from_the_command_line_and_status_after(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    complete_inspection({"IMG_0231.jpg": photo("cli", 20_000)})
    db = str(device.path)
    before = json.loads(run("--db", db, "sync", "status", "--json"))
    assert [r["state_label"] for r in before["records"]] == ["待上传"]
    run(
        "--db",
        db,
        "sync",
        "--server",
        live_server.url,
        "login",
        "--user",
        "zhang",
        stdin=PASSWORD + "\n",
    )
    output = run("--db", db, "sync", "push")
    assert "上传完成 1/1 条" in output
    assert "已上传，服务器已确认（1 个附件齐全）" in output
    assert json.loads(run("--db", db, "sync", "status", "--json"))["counts"] == {"done": 1}
    stats = json.loads(run("server", "stats", "--json", "--data", str(live_server.data_dir)))
    assert (stats["inspections"], stats["findings"], stats["attachments"], stats["bytes"]) == (
        1,
        1,
        1,
        20_000,
    )


def test_one_command_logs_in_pushes_and_pulls(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    complete_inspection()
    output = run(
        "--db",
        str(device.path),
        "sync",
        "--server",
        live_server.url,
        "--user",
        "zhang",
        stdin=PASSWORD + "\n",
    )
    assert "上传完成 1/1 条" in output and "下载更新" in output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["server", "user", "add", "x", "--role", "inspector"], "short\n", "密码至少 8 位"),
        (
            [
                "server",
                "add-task",
                "--org",
                AUTOMATION,
                "--checklist",
                "c",
                "--inspector",
                "zhang",
                "--inspector",
                "zhang",
            ],
            "",
            "至少分配给两名",
        ),
        (
            [
                "server",
                "add-task",
                "--org",
                "52110101MJ0018899X",
                "--checklist",
                "c",
                "--inspector",
                "a",
                "--inspector",
                "b",
            ],
            "",
            "校验位错误",
        ),
        (
            [
                "server",
                "add-task",
                "--org",
                WELFARE_FUND,
                "--checklist",
                "c",
                "--inspector",
                "zhang",
                "--inspector",
                "nobody",
            ],
            "",
            "没有用户 nobody",
        ),
    ],
)
def test_admin_mistakes_are_explained(
    server_dir: Path, args: list[str], stdin: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        run(*args, "--data", str(server_dir), stdin=stdin)


def test_sync_without_a_server_says_how_to_start(device: Store) -> None:
    with pytest.raises(UserError, match="尚未设置同步服务器地址"):
        run("--db", str(device.path), "sync", "push")


@pytest.mark.parametrize("command", ["push", "pull"])
def test_an_expired_token_is_forgotten_from_the_command_line_too(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn, command: str
) -> None:
    """The 401 rule lives in the sync engine: the CLI, like the window, drops a dead token so
    the next run asks for the password instead of sending the token again."""
    complete_inspection()
    values = {state.TOKEN: "revoked", state.SERVER_URL: live_server.url, state.USERNAME: "zhang"}
    state.set_values(device, **values)
    CliRunner().invoke(cli, ["--db", str(device.path), "sync", command])
    assert state.get(device, state.TOKEN) is None
    assert state.get(device, state.USERNAME) == "zhang"  # who logs in next is still known
