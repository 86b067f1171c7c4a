"""The 同步 screen against the real sync server on 127.0.0.1: upload, wrong password, an
expired token, cancel and resume, a record the server refuses, download; the status bar's
在线 / 离线."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from inspector import attachments, inspections, onsite_record, roster
from inspector.clock import utc_now
from inspector.jobs import Step
from inspector.model import NewInspection
from inspector.store import Store
from sync import outbox, state
from sync.server import accounts
from sync.server.bundles import stats
from tests.onsite import NOBODY_ON_SITE
from tests.sync.sync_support import PASSWORD, LiveServer, free_port, photo, seed, serving
from ui import task_runner
from ui.screens.sync import LOGIN_AGAIN, SyncScreen, upload_summary
from ui.status_bar import AppStatusBar
from ui.sync_login import LoginDialog

RUN_TIMEOUT = 20_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the module: each test's device makes its own inspections."""
    data_dir = tmp_path_factory.mktemp("sync-screen") / "server"
    seed(data_dir)
    with serving(data_dir) as live:
        yield live


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The password dialog answers PASSWORD; the reasons it was shown with are kept."""
    reasons: list[str] = []

    def ask(_cls: object, _parent: object, _server: str, _user: str, reason: str) -> str:
        reasons.append(reason)
        return PASSWORD

    monkeypatch.setattr(LoginDialog, "ask", classmethod(ask))
    return reasons


@pytest.fixture
def screen(qtbot: QtBot, world: Store, server: LiveServer, runner_for) -> SyncScreen:
    people = [p.id for p in roster.all_active(world)]
    for username, person in (("zhang", people[0]), ("zhao", people[1])):  # owners on the server
        accounts.link_roster(server.storage(), username, person)
    shown = SyncScreen(world, runner_for(world))
    qtbot.addWidget(shown)
    shown.server.setText(server.url)
    shown.user.setText("zhang")
    shown.refresh()
    return shown


def complete(
    store: Store, folder: Path, photos: dict[str, bytes] | None = None, who: slice = slice(2)
) -> str:
    """A completed inspection of the first organization by ``who`` of the roster (the first
    two: zhang and zhao on the server), with the given photos."""
    org_id = store.db.execute("SELECT id FROM organizations ORDER BY name").fetchone()[0]
    team = roster.all_active(store)[who]
    people = [p.id for p in team]
    new = NewInspection(org_id, "ui-test", 1, people, utc_now(), place="协会办公室")
    inspection_id = inspections.start(store, new, actor="张伟")
    inspections.set_answer(store, inspection_id, "ar-01", "compliant", actor="张伟")
    for name, data in (photos or {}).items():
        (folder / name).write_bytes(data)
        attachments.add_file(store, inspection_id, folder / name, actor="张伟")
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor=team[0].name)
    return inspection_id


def run(qtbot: QtBot, screen: SyncScreen, button_name: str) -> None:
    with qtbot.waitSignal(screen.synced, timeout=RUN_TIMEOUT):
        getattr(screen, button_name).click()


def test_a_completed_inspection_goes_up_through_the_screen(
    qtbot: QtBot,
    qtmodeltester,
    screen: SyncScreen,
    world: Store,
    server: LiveServer,
    asked: list[str],
    tmp_path: Path,
) -> None:
    complete(world, tmp_path, {"IMG_0231.jpg": photo("a", 200_000)})
    screen.refresh()
    assert screen.preview.text() == "将上传 1 条检查记录、1 个证据文件（照片等），共 195 KB"
    assert screen.login_state.text() == "未登录：上传或下载时会请您输入密码"
    before = stats(server.storage())["inspections"]
    run(qtbot, screen, "upload_button")
    assert len(asked) == 1
    assert outbox.counts(world) == {"done": 1}
    assert stats(server.storage())["inspections"] == before + 1
    assert [(r.state, r.message) for r in screen.model.rows] == [
        ("done", "已上传，服务器已确认（1 个附件齐全）")
    ]
    assert screen.result.text() == "上传结束：1 条已上传，服务器已确认证据文件齐全。"
    assert screen.preview.text() == "没有待上传的检查记录；已完成的检查记录都已上传。"
    assert state.get(world, "last_sync_at") is not None
    assert screen.last_sync.text().startswith("上次同步：")
    qtmodeltester.check(screen.model)
    run(qtbot, screen, "pull_button")  # the token is remembered: no password this time
    assert len(asked) == 1
    assert screen.result.text().startswith("下载完成：")
    bar = screen.records_bar  # stopped at the end, not a busy bar spinning on
    assert bar.maximum() > 0 and bar.value() == bar.maximum()


def test_a_wrong_password_is_said_in_chinese(
    qtbot: QtBot,
    screen: SyncScreen,
    world: Store,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda *a: "not-the-password"))
    complete(world, tmp_path)
    screen.refresh()
    run(qtbot, screen, "upload_button")
    assert screen.result.text() == "用户名或密码不正确"
    assert outbox.counts(world) == {"pending": 1}
    assert state.get(world, state.TOKEN) is None
    assert screen.upload_button.isEnabled()


def test_an_expired_token_asks_to_log_in_again_and_goes_on(
    qtbot: QtBot,
    screen: SyncScreen,
    world: Store,
    server: LiveServer,
    asked: list[str],
    tmp_path: Path,
) -> None:
    complete(world, tmp_path)
    state.set_values(
        world, **{state.TOKEN: "revoked", state.SERVER_URL: server.url, state.USERNAME: "zhang"}
    )
    screen.refresh()
    with qtbot.waitSignal(screen.synced, timeout=RUN_TIMEOUT):
        screen.upload_button.click()  # the first run meets the 401
    qtbot.waitUntil(lambda: outbox.counts(world) == {"done": 1}, timeout=RUN_TIMEOUT)
    qtbot.waitUntil(lambda: not screen.kind)
    assert asked == [LOGIN_AGAIN]


def test_cancel_mid_push_then_push_again_completes(
    qtbot: QtBot,
    screen: SyncScreen,
    world: Store,
    server: LiveServer,
    asked: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(2):
        complete(world, tmp_path, {f"IMG_{n}.jpg": photo(f"cancel-{n}", 3_000_000)})
    screen.refresh()
    report = task_runner._RunningJob.report

    def cancel_on_first_photo_bytes(job: task_runner._RunningJob, step: Step) -> None:
        """On the worker, right after the first chunk of a photo: 取消 at a known point."""
        report(job, step)
        progress = step.detail
        if getattr(progress, "bytes_done", 0) > 0 and "照片" in getattr(progress, "current", ""):
            job.cancel()

    monkeypatch.setattr(task_runner._RunningJob, "report", cancel_on_first_photo_bytes)
    run(qtbot, screen, "upload_button")
    monkeypatch.setattr(task_runner._RunningJob, "report", report)
    assert screen.result.text().startswith("已取消：0 条已上传，其余 2 条下次同步时从断点继续")
    counts = outbox.counts(world)  # the second record may have begun too (frozen: sending)
    assert sum(counts.values()) == 2 and counts.get("sending", 0) >= 1 and "done" not in counts
    assert [r.state for r in screen.model.rows] == ["pending", "pending"]
    run(qtbot, screen, "upload_button")
    assert outbox.counts(world) == {"done": 2}
    assert [r.state for r in screen.model.rows] == ["done", "done"]
    assert len(asked) == 1


def test_a_record_the_server_refuses_shows_why_and_can_be_retried(
    qtbot: QtBot,
    qtmodeltester,
    screen: SyncScreen,
    world: Store,
    server: LiveServer,
    asked: list[str],
    tmp_path: Path,
) -> None:
    complete(world, tmp_path, who=slice(1, 3))  # names neither zhang nor a task of his
    screen.refresh()
    assert screen.retry_button.isHidden()
    run(qtbot, screen, "upload_button")
    reason = "这条检查记录没有列出你为检查人员（也不属于你的任务组），无权查看或上传"
    assert [(r.state, r.message) for r in screen.model.rows] == [("rejected", reason)]
    assert reason in screen.result.text()
    assert "1 条未能上传，原因如下" in screen.result.text()
    assert not screen.retry_button.isHidden()
    qtmodeltester.check(screen.model)
    run(qtbot, screen, "retry_button")  # still not his: refused again, nothing lost
    assert outbox.counts(world) == {"rejected": 1}
    assert screen.model.rows[0].message == reason


def test_status_bar_says_online_only_when_the_server_answers(
    qtbot: QtBot, world: Store, server: LiveServer, runner_for
) -> None:
    bar = AppStatusBar(world, runner_for(world))
    qtbot.addWidget(bar)
    assert bar.network.text() == "○ 离线"  # no server set
    state.set_values(world, **{state.SERVER_URL: server.url})
    bar.refresh()
    qtbot.waitUntil(lambda: bar.network.text() == "● 在线", timeout=5_000)
    state.set_values(world, **{state.SERVER_URL: f"http://127.0.0.1:{free_port()}"})
    bar.probe.check()
    qtbot.waitUntil(lambda: bar.network.text() == "○ 离线", timeout=5_000)


def test_the_password_dialog_hides_the_password_and_refuses_an_empty_one(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed: list[str] = []

    def exec_(dialog: LoginDialog) -> int:
        assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
        dialog.password.setText(typed.pop())
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(LoginDialog, "exec", exec_)
    typed.append(PASSWORD)
    assert LoginDialog.ask(None, "http://127.0.0.1:1", "zhang", LOGIN_AGAIN) == PASSWORD
    typed.append("")
    assert LoginDialog.ask(None, "http://127.0.0.1:1", "zhang", LOGIN_AGAIN) is None


def test_the_upload_sentence_names_each_kind_of_record() -> None:
    """A report-back or 复查 sent after upload is not called an inspection record, and a
    review decision is counted once."""
    from sync.outbox import Preview

    def said(inspections: int, changes: int, reviews: int, photos: int = 0) -> str:
        return upload_summary(Preview(inspections, changes, reviews, photos, photos * 2048))

    assert (
        said(0, 1, 0, photos=1)
        == "将上传 1 项整改进展（整改报告、复查结果）、1 个证据文件（照片等），共 2 KB"
    )
    assert said(0, 0, 2) == "将上传 2 条审核意见"
    assert said(1, 2, 1) == "将上传 1 条检查记录、2 项整改进展（整改报告、复查结果）、1 条审核意见"
    assert said(0, 0, 0) == "没有待上传的检查记录；已完成的检查记录都已上传。"
