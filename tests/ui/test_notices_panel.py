"""整改通知书 page: one notice, a batch, a cancelled batch and refusals, on a real store."""

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from inspector import notices, preferences, roster, service
from inspector.store import Store
from reports import render_pool
from tests.test_reports_support import (
    ORG_NAME,
    add_org,
    inspection,
    pdf_text,
    setup_office,
    squeeze,
)
from ui.supervisor import notices_panel
from ui.supervisor.notices_panel import NoticesPanel
from ui.supervisor.review_screen import NOTICE_DIR_KEY
from ui.supervisor.service_dialog import ServiceDialog

CODES = ("51100000500002862F", "51100000500002863D", "51100000500002864B", "51100000500002865X")
TIMEOUT = 15_000


@pytest.fixture
def office(store: Store, tmp_path: Path) -> tuple[Store, list[str]]:
    """Four approved fee audits with findings, for four organizations; their ids."""
    people = setup_office(store)
    preferences.put(store, NOTICE_DIR_KEY, str(tmp_path / "通知书"))
    ids = []
    for n, code in enumerate(CODES):
        name = ORG_NAME if n == 0 else f"某市第{n}行业协会"
        ids.append(inspection(store, people, add_org(store, code=code, name=name)))
    return store, ids


@pytest.fixture
def panel(qtbot, office: tuple[Store, list[str]], monkeypatch, runner_for) -> NoticesPanel:
    opened: list[Path] = []
    monkeypatch.setattr(NoticesPanel, "open_path", staticmethod(opened.append))
    widget = NoticesPanel(office[0], "王科长", runner_for(office[0]))
    widget.opened = opened  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.refresh()
    return widget


def _run(qtbot, panel: NoticesPanel, start) -> None:
    with qtbot.waitSignal(panel.runner.finished, timeout=TIMEOUT):
        start()


def _written(tmp_path: Path, suffix: str = "pdf") -> list[Path]:
    return sorted((tmp_path / "通知书").glob(f"*.{suffix}"))


def test_model_lists_approved_inspections_with_findings(qtmodeltester, panel) -> None:
    qtmodeltester.check(panel.model)
    assert panel.model.rowCount() == 4
    first = [panel.model.index(0, c).data() for c in range(panel.model.columnCount())]
    assert first[0] == ORG_NAME and first[1] == CODES[0]
    assert first[3] == "2 个" and first[4] == "未出具"
    assert "共 4 份" in panel.result.text() and "4 份尚未出具" in panel.result.text()
    assert panel.batch_button.text() == "批量生成（4 份）"


def test_single_notice_is_a_real_pdf_and_can_be_opened(qtbot, panel, tmp_path: Path) -> None:
    panel.table.selectRow(0)
    _run(qtbot, panel, panel.single_button.click)
    files = _written(tmp_path)
    assert len(files) == 1
    text = squeeze(pdf_text(files[0]))
    assert ORG_NAME in text and "责令限期整改通知书" in text
    assert "已生成" in panel.result.text() and files[0].name in panel.result.text()
    number = panel.model.index(0, 4).data()
    assert number.startswith("X民社整〔") and number in panel.result.text()
    panel.open_file_button.click()
    panel.open_folder_button.click()
    assert panel.opened == [files[0], files[0].parent]


def test_both_formats(qtbot, panel, tmp_path: Path) -> None:
    panel.formats.setCurrentIndex(panel.formats.findData("pdf,docx"))
    panel.table.selectRow(1)
    _run(qtbot, panel, panel.generate_selected)
    assert len(_written(tmp_path)) == 1 and len(_written(tmp_path, "docx")) == 1
    assert "某市第1行业协会" in _written(tmp_path)[0].name


def test_batch_writes_every_notice_with_progress(qtbot, panel, tmp_path: Path) -> None:
    counts: list[tuple[int, int]] = []
    shown: list[str] = []

    def counted(done: int, total: int) -> None:
        counts.append((done, total))
        shown.append(panel.runner.label.text())

    panel.counted.connect(counted)
    _run(qtbot, panel, panel.batch_button.click)
    assert len(_written(tmp_path)) == 4
    # The GUI shows the latest step when it gets round to it: some may be skipped, not the last.
    assert counts[-1] == (4, 4) and counts == sorted(set(counts))
    assert shown[-1] == "已生成 4 / 4 份"
    assert "已生成 4 份整改通知书" in panel.result.text()
    assert all(panel.model.index(r, 4).data() != "未出具" for r in range(4))
    assert panel.batch_button.isEnabled() and not panel.open_file_button.isEnabled()
    panel.open_folder_button.click()
    assert panel.opened == [tmp_path / "通知书"]


def test_cancel_stops_between_notices_and_says_how_many(qtbot, panel, tmp_path: Path) -> None:
    def cancel_after_first(done: int, _total: int) -> None:
        if done >= 1:
            panel.runner.cancel_button.click()

    panel.counted.connect(cancel_after_first)
    _run(qtbot, panel, panel.generate_all)
    written = len(_written(tmp_path))
    assert 1 <= written < 4
    assert "已取消" in panel.result.text() and f"已生成 {written} 份" in panel.result.text()
    assert [panel.model.index(r, 4).data() for r in range(4)].count("未出具") == 4 - written


def test_cancel_button_stops_the_batch(qtbot, panel, tmp_path: Path) -> None:
    with qtbot.waitSignal(panel.runner.finished, timeout=TIMEOUT):
        panel.generate_all()
        panel.runner.cancel_button.click()  # long before four notices are written
    assert "已取消" in panel.result.text()
    assert len(_written(tmp_path)) < 4


def test_a_batch_on_worker_processes_shows_progress_and_cancels(
    qtbot, panel, office, tmp_path: Path, monkeypatch
) -> None:
    """The page's batch through the task runner, rendered by two spawned processes."""
    monkeypatch.setattr(render_pool, "POOL_FROM", 2)
    monkeypatch.setattr(render_pool, "cores", lambda: 2)
    store = office[0]
    team = [p.id for p in roster.all_active(store) if p.name in ("张明", "李华")]
    org = store.db.execute("SELECT id FROM organizations LIMIT 1").fetchone()[0]
    for _ in range(8):  # more than the pool keeps in flight (4), so a cancel leaves some
        inspection(store, team, org)
    panel.refresh()
    count = panel.model.rowCount()

    def cancel_after_first(done: int, _total: int) -> None:
        if done >= 1:
            panel.runner.cancel_button.click()

    panel.counted.connect(cancel_after_first)
    _run(qtbot, panel, panel.generate_all)
    text = panel.result.text()
    written = _written(tmp_path)
    assert 1 <= len(written) < count and "已取消" in text and f"已生成 {len(written)} 份" in text
    for pdf in written:  # each file whole, none half-written beside them
        assert "责令限期整改通知书" in squeeze(pdf_text(pdf))
    assert not list((tmp_path / "通知书").glob(".part-*"))
    numbered = count - [panel.model.index(r, 4).data() for r in range(count)].count("未出具")
    assert numbered < count  # nothing numbered after the cancel
    assert text.count("号已编号，未生成文件；再次生成时沿用此文号") == numbered - len(written)

    panel.counted.disconnect(cancel_after_first)
    _run(qtbot, panel, panel.generate_all)  # again, to the end: the numbers drawn are kept
    assert len(_written(tmp_path)) == count
    assert f"已生成 {count} 份整改通知书" in panel.result.text()
    numbers = {panel.model.index(r, 4).data() for r in range(count)}
    assert numbers == {f"X民社整〔2026〕{n}号" for n in range(1, count + 1)}


def test_nothing_to_generate_is_refused_in_chinese(
    qtbot, store: Store, tmp_path: Path, runner_for
) -> None:
    people = setup_office(store)
    inspection(store, people, add_org(store), approve=False)  # completed, not yet approved
    panel = NoticesPanel(store, "王科长", runner_for(store))
    qtbot.addWidget(panel)
    panel.refresh()
    assert panel.model.rowCount() == 0
    assert not panel.batch_button.isEnabled() and not panel.single_button.isEnabled()
    panel.generate_all()
    assert "没有需要出具整改通知书的检查记录" in panel.result.text()
    panel.generate_selected()
    assert "请先在列表中选择" in panel.result.text()
    assert not panel.runner.busy


def _block_written_files(tmp_path: Path) -> None:
    """A folder where each notice file was: the reprint (same number, same name) cannot write."""
    for path in _written(tmp_path):
        path.unlink()
        path.mkdir()


def test_failure_is_listed_with_its_reason(qtbot, panel, tmp_path: Path) -> None:
    panel.table.selectRow(0)
    _run(qtbot, panel, panel.generate_selected)
    _block_written_files(tmp_path)
    _run(qtbot, panel, panel.generate_selected)
    assert panel.result.text().startswith("未能生成 1 份：")
    assert f"· {ORG_NAME}：无法写入文件" in panel.result.text()
    assert not panel.open_file_button.isEnabled()


def test_unusable_folder_is_refused_before_numbering(qtbot, panel, office, tmp_path) -> None:
    blocker = tmp_path / "occupied"
    blocker.write_text("a file where the folder should be")
    preferences.put(office[0], NOTICE_DIR_KEY, str(blocker / "通知书"))
    panel.refresh()
    assert panel.folder_label.text() == str(blocker / "通知书")
    panel.generate_all()
    assert "无法使用保存位置" in panel.result.text() and "更改" in panel.result.text()
    assert not panel.runner.busy
    assert office[0].db.execute("SELECT COUNT(*) FROM notices").fetchone()[0] == 0


def test_folder_choice_is_kept(qtbot, panel, office, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(NoticesPanel, "ask_folder", staticmethod(lambda *a: None))
    panel.change_folder()
    assert panel.folder() == tmp_path / "通知书"
    target = tmp_path / "另存"
    monkeypatch.setattr(NoticesPanel, "ask_folder", staticmethod(lambda *a: target))
    panel.folder_button.click()
    assert preferences.get(office[0], NOTICE_DIR_KEY) == str(target)
    assert panel.folder_label.text() == str(target)
    panel.open_folder_button.click()  # not there yet: said, not opened
    assert "文件夹还不存在" in panel.result.text() and panel.opened == []


def test_many_failures_show_the_first_few_and_all_in_the_tooltip(
    qtbot, panel, tmp_path: Path, monkeypatch
) -> None:
    _run(qtbot, panel, panel.generate_all)
    _block_written_files(tmp_path)
    monkeypatch.setattr(notices_panel, "SHOWN_FAILURES", 2)
    _run(qtbot, panel, panel.generate_all)
    text = panel.result.text()
    assert "未能生成 4 份" in text and "另有 2 份未生成" in text
    assert text.count("无法写入文件") == 2
    assert panel.result.toolTip().count("无法写入文件") == 4


def test_font_stand_ins_and_unset_contact_are_said_once(qtbot, panel, office) -> None:
    store = office[0]
    notices.save_settings(store, replace(notices.load_settings(store), contact=""), actor="王科长")
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.single_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running, timeout=TIMEOUT)
    first = panel.result.text()
    assert "提示：整改通知书未设置联系人" in first
    assert "提示：未找到公文字体" in first  # this machine has only the fallback faces
    panel.table.selectRow(1)
    qtbot.mouseClick(panel.single_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running, timeout=TIMEOUT)
    assert "已生成" in panel.result.text() and "提示：" not in panel.result.text()


def test_service_is_recorded_from_the_page_and_a_missing_witness_is_refused(
    qtbot, panel, office
) -> None:
    store = office[0]
    assert not panel.serve_button.isEnabled()
    panel.table.selectRow(0)
    assert not panel.serve_button.isEnabled()  # nothing issued yet
    qtbot.mouseClick(panel.single_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running, timeout=TIMEOUT)
    panel.table.selectRow(0)
    assert panel.serve_button.isEnabled()

    def fill(method: str, witness: str) -> object:
        def ask(parent, number):
            dialog = ServiceDialog(None, number)
            qtbot.addWidget(dialog)
            dialog.method.setCurrentIndex(dialog.method.findText(method))
            # Chinese comes through an input method, not key by key: set as typed
            dialog.recipient.setText("赵建国")
            dialog.witness.setText(witness)
            dialog.server_1.setText("张明")
            dialog.server_2.setText("李华")
            return dialog.value()

        return ask

    panel.ask_service = fill("留置送达", "")
    qtbot.mouseClick(panel.serve_button, Qt.MouseButton.LeftButton)
    assert "未登记送达：留置送达须填写见证人" in panel.result.text()
    panel.ask_service = fill("留置送达", "社区居委会王主任")
    qtbot.mouseClick(panel.serve_button, Qt.MouseButton.LeftButton)
    assert "已登记送达（留置送达" in panel.result.text() and "整改期限：20" in panel.result.text()
    inspection_id = panel.selected().inspection_id
    assert service.of(store, inspection_id).witness == "社区居委会王主任"
