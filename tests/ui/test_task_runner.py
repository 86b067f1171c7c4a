"""Long work off the GUI thread: progress, cancel, errors in Chinese, the register import."""

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from inspector import credit_code, jobs
from inspector.errors import UserError
from inspector.jobs import Job, Step
from inspector.store import Store
from tests.ui.test_register_import_preview import choose_register, read_then_preview
from ui.main_window import MainWindow
from ui.task_runner import TaskRunner


@pytest.fixture
def runner(world: Store, runner_for) -> TaskRunner:
    made: TaskRunner = runner_for(world)
    return made


def test_result_and_steps_arrive_on_the_gui_thread(qtbot, runner: TaskRunner) -> None:
    results: list[int] = []
    steps: list[tuple[int, int, bool]] = []

    def work(store: Store, job: Job) -> int:
        for step in range(3):
            job.report(Step(step + 1, 3))
        return int(store.db.execute("SELECT COUNT(*) FROM organizations").fetchone()[0])

    def stepped(step: Step) -> None:
        steps.append((step.done, step.total, threading.current_thread() is threading.main_thread()))

    assert runner.run("正在计算", work, results.append, stepped)
    assert runner.busy  # the result is delivered through the GUI event loop
    qtbot.waitUntil(lambda: results == [2])  # the worker's own connection to the store
    assert not runner.busy
    assert steps[-1] == (3, 3, True) and all(on_gui for _, _, on_gui in steps)


def test_cancel_stops_between_steps(qtbot, runner: TaskRunner) -> None:
    started, release = threading.Event(), threading.Event()
    results: list[object] = []

    def work(_store: Store, job: Job) -> str:
        started.set()
        release.wait(5)
        jobs.check(job)  # raises Cancelled: the user pressed 取消
        return "不应到达"

    with qtbot.waitSignal(runner.finished):
        runner.run("正在导入", work, results.append)
        started.wait(5)
        runner.cancel_button.click()
        assert runner.label.text() == "正在取消…"
        release.set()
    assert results == []


def test_a_second_job_is_answered_busy_in_chinese(qtbot, runner: TaskRunner) -> None:
    release = threading.Event()
    results: list[str] = []
    with qtbot.waitSignal(runner.finished, timeout=10_000):
        assert runner.run("正在上传检查记录", lambda _s, _j: release.wait(5), lambda _result: None)
        assert not runner.run(
            "正在导入名录", lambda _s, _j: results.append("ran"), lambda _result: None
        )
        assert runner.busy_message() == "正在进行「正在上传检查记录」，请等它完成后再试。"
        release.set()
    assert results == []  # refused, not queued behind the first


def test_error_is_a_chinese_message(
    qtbot, monkeypatch: pytest.MonkeyPatch, runner: TaskRunner
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)

    def work(_store: Store, _job: Job) -> None:
        raise UserError("名录文件缺少“名称”列")

    with qtbot.waitSignal(runner.finished):
        runner.run("正在导入", work, lambda result: None)
    assert shown == ["名录文件缺少“名称”列"]


def test_unexpected_error_shows_calm_text_with_detail(
    qtbot, monkeypatch: pytest.MonkeyPatch, runner: TaskRunner
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: shown.append((box.text(), box.detailedText())) or 0
    )

    def work(_store: Store, _job: Job) -> None:
        raise ZeroDivisionError("boom")

    with qtbot.waitSignal(runner.finished):
        runner.run("正在导入", work, lambda result: None)
    assert shown[0][0].startswith("操作没有完成")
    assert shown[0][1] == ""  # no traceback on screen: it is in the log


def test_register_import_runs_in_the_background(
    qtbot, monkeypatch: pytest.MonkeyPatch, world: Store, settings: QSettings, tmp_path: Path
) -> None:
    lines = ["统一社会信用代码,名称"]
    for n in range(5):
        first17 = f"51330000MJ{n:07d}"
        lines.append(f"{first17}{credit_code.check_character(first17)},杭州市第{n}行业协会")
    register = tmp_path / "名录.csv"
    register.write_text("\n".join(lines), encoding="utf-8")
    choose_register(monkeypatch, register)
    window = MainWindow(world, settings)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.organizations.model.answered):
        window.show_screen("organizations")
    preview = read_then_preview(qtbot, window, window.organizations.import_button.click)
    with qtbot.waitSignal(window.organizations.model.answered, timeout=10_000):
        preview.import_button.click()
    assert window.organizations.model.total == 7
    assert window.organizations.last_import.text().startswith("名录导入完成：导入 5 条")


def test_an_uncaught_error_in_the_app_becomes_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui import app

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: shown.append((box.text(), box.detailedText())) or 0
    )
    try:
        raise KeyError("item")
    except KeyError as exc:
        app._show_unexpected(KeyError, exc, exc.__traceback__)
    assert shown[0][0].startswith("操作没有完成")
    assert shown[0][1] == ""


def test_an_import_during_another_job_is_answered_busy_not_an_error(
    qtbot, monkeypatch: pytest.MonkeyPatch, world: Store, settings: QSettings, tmp_path: Path
) -> None:
    """Was ``RuntimeError("a job is already running")`` in the generic error dialog."""
    register = tmp_path / "名录.csv"
    register.write_text("统一社会信用代码,名称\n", encoding="utf-8")
    choose_register(monkeypatch, register)
    dialogs: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: dialogs.append(box.text()) or 0)
    window = MainWindow(world, settings)
    qtbot.addWidget(window)
    window.show_screen("organizations")
    release = threading.Event()
    with qtbot.waitSignal(window.runner.finished, timeout=10_000):
        window.runner.run("正在上传检查记录", lambda _s, _j: release.wait(5), lambda _result: None)
        window.organizations.import_button.click()
        release.set()
    assert window.organizations.last_import.text() == (
        "正在进行「正在上传检查记录」，请等它完成后再试。"
    )
    assert dialogs == []
