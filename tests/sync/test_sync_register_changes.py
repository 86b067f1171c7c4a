"""What the office changes in its register reaches devices: 登记状态 (已注销, 已撤销) and
organizations taken out of the register (removed on devices unless they hold work on them)."""

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from inspector.store import Store
from tests.sync.sync_support import ORG, CompleteFn, LiveServer, client_for

FUND = "53100000500019795A"


def admin(*args: str, data: Path) -> str:
    result = CliRunner().invoke(cli, ["server", *args, "--data", str(data)])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def status_of(device: Store, code: str) -> str | None:
    row = device.db.execute(
        "SELECT registration_status FROM organizations WHERE credit_code = ?", (code,)
    ).fetchone()
    return row[0] if row else None


def test_registration_status_and_removal_reach_the_device(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn, tmp_path: Path
) -> None:
    register = tmp_path / "register.json"
    record = {"credit_code": FUND, "name": "中国社会福利基金会", "kind": "foundation"}
    register.write_text(json.dumps([{**record, "registration_status": "已注销"}]), "utf-8")
    admin("load-register", str(register), data=live_server.data_dir)
    client = client_for(device, live_server.url)
    client.pull()
    assert status_of(device, FUND) == "deregistered"  # the office's words, stored as the value

    assert "已撤销" in admin("set-registration", FUND, "revoked", data=live_server.data_dir)
    client.pull()
    assert status_of(device, FUND) == "revoked"

    admin("remove-org", FUND, "--reason", "误录", data=live_server.data_dir)
    complete_inspection()  # work on the other organization: it must stay
    admin("remove-org", ORG["credit_code"], "--reason", "误录", data=live_server.data_dir)
    report = client.pull()
    assert status_of(device, FUND) is None
    assert status_of(device, ORG["credit_code"]) == "active"
    assert report.notes == [
        "科室已从名录中删除社会组织“中国自动化学会”（误录）；本机有其检查记录或任务，予以保留"
    ]
    [entry] = device.db.execute(
        "SELECT actor, action FROM audit_log WHERE action = 'office_remove'"
    ).fetchall()
    assert entry == ("office", "office_remove")


def test_an_unknown_registration_word_is_refused_with_the_row(
    live_server: LiveServer, tmp_path: Path
) -> None:
    register = tmp_path / "register.json"
    register.write_text(
        json.dumps(
            [
                {
                    "credit_code": FUND,
                    "name": "基金会",
                    "kind": "foundation",
                    "registration_status": "休眠",
                }
            ]
        ),
        "utf-8",
    )
    result = CliRunner().invoke(
        cli, ["server", "load-register", str(register), "--data", str(live_server.data_dir)]
    )
    assert "无法识别的登记状态“休眠”" in str(result.exception)
    assert FUND in str(result.exception)
