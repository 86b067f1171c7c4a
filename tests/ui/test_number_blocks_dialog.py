"""预留编号 on the 整改通知书 page, against the real office server on 127.0.0.1: a block
reserved through the task runner, the numbers held shown per authority (range, used, left),
and in Chinese why not when offline, refused, or not logged in."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from inspector import roster
from inspector.clock import today
from inspector.store import Store
from reports import generate
from sync import state
from tests.sync.sync_support import PASSWORD, LiveServer, client_for, free_port, seed, serving
from tests.test_reports_support import add_org, inspection, setup_office
from ui.supervisor.notices_panel import NoticesPanel
from ui.supervisor.number_blocks_dialog import NumberBlocksDialog

TIMEOUT = 20_000
YEAR = today().year
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("number-blocks") / "server"
    seed(data_dir)
    with serving(data_dir) as live:
        yield live


@pytest.fixture
def dialog(
    qtbot: QtBot, store: Store, server: LiveServer, runner_for
) -> Iterator[NumberBlocksDialog]:
    """The page's 预留编号… dialog on a supervisor's device logged in to the server."""
    setup_office(store)
    client_for(store, server.url, "wang")  # the 同步 page's login: server, user and token kept
    panel = NoticesPanel(store, "王科长", runner_for(store))
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.mouseClick(panel.numbers_button, LEFT)
    shown = panel.numbers_dialog
    assert shown is not None and shown.isVisible()
    yield shown  # the page (its parent) lives as long


def reserve(qtbot: QtBot, dialog: NumberBlocksDialog, code: str, count: int) -> str:
    dialog.code.setCurrentText(code)
    dialog.count.setValue(count)
    with qtbot.waitSignal(dialog.runner.finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.reserve_button, LEFT)
    return dialog.message.text()


def held(dialog: NumberBlocksDialog) -> list[list[str]]:
    table = dialog.held
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_a_block_is_reserved_and_shown_with_what_is_used_and_left(
    qtbot: QtBot, dialog: NumberBlocksDialog, store: Store, tmp_path: Path
) -> None:
    assert held(dialog) == [] and dialog.code.currentText() == "X民社整"
    said = reserve(qtbot, dialog, "X民社整", 5)
    assert said == f"已预留 X民社整〔{YEAR}〕1–5号；本机尚可离线使用 5 个编号。"
    assert held(dialog) == [["X民社整", "某市民政局", "1–5", "0", "5"]]

    office = [p.id for p in roster.all_active(store) if p.name in ("张明", "李华")]
    issued = inspection(store, office, add_org(store))
    written = generate.write_notice(store, issued, tmp_path, [generate.Format.DOCX], actor="科长")
    assert written.number == f"X民社整〔{YEAR}〕1号"  # drawn from the block
    said = reserve(qtbot, dialog, "X民社整", 3)
    assert said == f"已预留 X民社整〔{YEAR}〕6–8号；本机尚可离线使用 7 个编号。"
    assert held(dialog) == [["X民社整", "某市民政局", "1–5、6–8", "1", "7"]]


def test_offline_refused_and_not_logged_in_are_said_in_chinese(
    qtbot: QtBot, dialog: NumberBlocksDialog, store: Store, server: LiveServer, monkeypatch
) -> None:
    # The module's server keeps every series: this test uses a 代字 of its own.
    client_for(store, server.url, "zhang")  # an inspector: the office refuses
    said = reserve(qtbot, dialog, "Z民社整", 5)
    assert said.startswith("未能预留编号：") and "只有科室负责人或管理员" in said
    assert held(dialog) == []

    state.set_values(store, **{state.SERVER_URL: f"http://127.0.0.1:{free_port()}"})
    said = reserve(qtbot, dialog, "Z民社整", 5)
    assert said.startswith("未能预留编号：本机离线或服务器无响应，无法连接服务器")
    assert held(dialog) == []

    state.set_values(store, **{state.SERVER_URL: server.url, state.USERNAME: "wang"})
    state.forget(store, state.TOKEN)
    asked: list[str] = []

    def password(_parent, _server, user, reason):  # type: ignore[no-untyped-def]
        asked.append(f"{user}：{reason}")
        return PASSWORD

    monkeypatch.setattr(NumberBlocksDialog, "ask_password", staticmethod(password))
    said = reserve(qtbot, dialog, "Z民社整", 2)
    assert asked == ["wang：预留编号需要登录中心服务器。"]
    assert said == f"已预留 Z民社整〔{YEAR}〕1–2号；本机尚可离线使用 2 个编号。"
