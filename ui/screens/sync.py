"""同步: upload what waits and download updates; before, during and after, in plain words.

Before: where it goes, who logs in, and what will go (records, photos, size). During: the
engine runs on the main window's task runner (passed in) with the worker's store connection;
progress by records and bytes and each record's state as the outbox records it; 取消 stops within one chunk and the
next run resumes. After: each record's outcome with the server's reason, a summary of every
failure and 重试 for records the server refused.

The sync engine loads pydantic and requests; it is imported when first used, not at start-up.
"""

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector import outbox as outbox_rows
from inspector import preferences, worklists
from inspector.errors import UserError
from inspector.jobs import Job, Step
from inspector.store import Store
from ui import style
from ui.sync_login import LoginDialog
from ui.table_model import Column, RowsModel
from ui.task_runner import TaskRunner
from ui.text import local_time

if TYPE_CHECKING:
    from sync.client import PullReport, PushReport
    from sync.outbox import Preview

SERVER_KEY, USER_KEY = "sync.server", "sync.user"
FIRST_LOGIN = "请输入密码登录同步服务器。密码只用于换取本机的登录凭证，不会保存在本机。"
LOGIN_AGAIN = "登录已失效，请重新输入密码。待上传的记录都还在本机，一条也不会丢。"
FAILED_FIRST = {"conflict": 0, "rejected": 0, "done": 2}  # after a run: what needs a look on top
OUTCOME_STATES = {"uploaded": "done", "conflict": "conflict", "rejected": "rejected"}
STATE_LABELS = {
    "pending": "待上传",
    "sending": "上传未完成",
    "uploading": "正在上传",
    "done": "已上传",
    "conflict": "版本冲突",
    "rejected": "被服务器拒绝",
}


@dataclass(frozen=True)
class SyncRow:
    key: str  # "<inspection id>#<revision>", as the engine names a record
    label: str
    state: str  # a key of STATE_LABELS
    message: str


def _state_colour(row: SyncRow) -> QColor | None:
    if row.state in ("conflict", "rejected"):
        return style.RED
    return style.GREEN if row.state == "done" else None


COLUMNS: list[Column[SyncRow]] = [
    Column("检查记录", lambda r: r.label),
    Column("状态", lambda r: STATE_LABELS.get(r.state, r.state), _state_colour),
    Column("说明", lambda r: r.message),
]


class SyncRowsModel(RowsModel[SyncRow]):
    """The records of one upload; a row changes in place as the engine moves through them."""

    def update_row(self, row: int, changed: SyncRow) -> None:
        self.rows[row] = changed
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))


def file_size(count: int) -> str:
    if count < 1 << 20:
        return f"{count / 1024:.0f} KB"
    if count < 1 << 30:
        return f"{count / (1 << 20):.1f} MB"
    return f"{count / (1 << 30):.2f} GB"


def _review_rows(store: Store, *, only_waiting: bool) -> list[SyncRow]:
    """A supervisor's decisions on imported inspections: those the next upload sends, or
    every one the server has not recorded yet (with the reason it was refused)."""
    from sync import reviews

    if only_waiting:
        return [SyncRow(r.key, r.label, "pending", "") for r in reviews.waiting(store)]
    return [
        SyncRow(r.key, r.label, state, message) for r, state, message in reviews.unsettled(store)
    ]


def run_sync(store: Store, job: Job, kind: str, server: str, login: tuple[str, str] | None) -> Any:
    """The worker side: optional login, then push or pull, on the runner's connection.

    Returns the engine's report, or the ``UserError`` that stopped the run (shown on the
    screen rather than in a dialog). The engine stamps ``last_sync_at`` and, on a 401,
    forgets the token, so the screen asks for the password.
    """
    from sync.client import SyncClient

    try:
        client = SyncClient(store, server)
        if login is not None:
            client.login(*login)
        return client.push(job) if kind == "push" else client.pull(job)
    except UserError as exc:
        return exc


# The rule of docs/sync.md ("the office is the record of truth for a finding's status once
# uploaded"), said where the user syncs.
STATUS_RULE = (
    "上传后，整改问题的状态以登记管理机关（服务器）为准：机关在办公室修改的状态，下载时覆盖本机，"
    "本机原来的状态保留在执法记录中，不会被悄悄丢弃。"
)


class SyncScreen(QWidget):
    synced = Signal()  # after a run: the status bar re-reads what waits and the last sync
    progressed = Signal(int, int)  # during a run, on the GUI thread: records done, total

    def __init__(self, store: Store, runner: TaskRunner) -> None:
        super().__init__()
        self.store = store
        self.runner = runner  # the main window's, shared with every screen
        self.kind = ""  # "push" or "pull" while a run is under way
        self._build()

    def _build(self) -> None:
        self.server = QLineEdit(placeholderText="例如 https://sync.example.gov.cn")
        self.user = QLineEdit(placeholderText="服务器上的用户名")
        self.login_state = QLabel(objectName="muted")
        self.last_sync = QLabel(objectName="muted")
        self.preview = QLabel(wordWrap=True, objectName="question")
        self.upload_button = QPushButton("上传", objectName="primary")
        self.pull_button = QPushButton("下载更新")
        self.retry_button = QPushButton("重试被拒绝的记录")
        self.cancel_button = QPushButton("取消")
        self.records_bar = QProgressBar()
        self.bytes_bar = QProgressBar()
        self.current = QLabel(objectName="muted")
        self.result = QLabel(wordWrap=True)
        self.model = SyncRowsModel(COLUMNS)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, 360)
        self.table.setColumnWidth(1, 120)
        self.upload_button.clicked.connect(self.upload)
        self.pull_button.clicked.connect(self.download)
        self.retry_button.clicked.connect(self.retry)
        self.cancel_button.clicked.connect(self.cancel)
        where = QHBoxLayout()
        where.addWidget(QLabel("服务器地址"))
        where.addWidget(self.server, 3)
        where.addSpacing(16)
        where.addWidget(QLabel("用户名"))
        where.addWidget(self.user, 1)
        about = QHBoxLayout()
        about.addWidget(self.login_state)
        about.addSpacing(24)
        about.addWidget(self.last_sync)
        about.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.upload_button, self.pull_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        progress = QFormLayout()
        progress.addRow("记录", self.records_bar)
        progress.addRow("数据量", self.bytes_bar)
        progress.addRow("", self.current)
        self.progress_box = QWidget()
        self.progress_box.setLayout(progress)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(QLabel("同步", objectName="screenTitle"))
        layout.addWidget(QLabel(STATUS_RULE, wordWrap=True, objectName="muted"))
        layout.addLayout(where)
        layout.addLayout(about)
        layout.addWidget(self.preview)
        layout.addLayout(buttons)
        layout.addWidget(self.progress_box)
        layout.addWidget(self.result)
        layout.addWidget(self.table, 1)
        self.progress_box.hide()
        self.cancel_button.hide()

    # --- before ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read what waits (the main window calls this when the screen is shown)."""
        if self.kind:
            return  # a run owns the table until it ends
        found = self._read_state()
        bundles = [
            SyncRow(f"{r['inspection_id']}#{r['revision']}", r["label"], r["state"], r["message"])
            for r in found["records"]
        ]
        self.model.set_rows(bundles + _review_rows(self.store, only_waiting=False))

    def _read_state(self) -> dict[str, Any]:
        """Fields, login state, last sync, the preview and which buttons apply."""
        from sync import reviews
        from sync.outbox import preview, summary

        found = summary(self.store)
        if not self.server.text():
            self.server.setText(preferences.get(self.store, SERVER_KEY) or found["server"] or "")
        if not self.user.text():
            self.user.setText(preferences.get(self.store, USER_KEY) or found["user"] or "")
        if self._has_token(self.server.text().strip(), self.user.text().strip()):
            self.login_state.setText(f"已登录（{found['user']}），无需再输入密码")
        else:
            self.login_state.setText("未登录：上传或下载时会请您输入密码")
        last = worklists.sync_state(self.store).last_sync
        self.last_sync.setText(f"上次同步：{local_time(last)}" if last else "尚未同步过")
        waiting = preview(self.store)
        self.preview.setText(upload_summary(waiting))
        self.upload_button.setEnabled(waiting.anything)
        refused = found["counts"].get("rejected", 0) + sum(
            1 for _, state, _ in reviews.unsettled(self.store) if state == "rejected"
        )
        self.retry_button.setVisible(refused > 0)
        return found

    def _has_token(self, server: str, user: str) -> bool:
        from sync import state

        return (
            state.get(self.store, state.TOKEN) is not None
            and (state.get(self.store, state.SERVER_URL) or "").rstrip("/") == server.rstrip("/")
            and state.get(self.store, state.USERNAME) == user
        )

    # --- actions ---------------------------------------------------------------------------

    @Slot()
    def upload(self) -> None:
        self.start("push")

    @Slot()
    def download(self) -> None:
        self.start("pull")

    @Slot()
    def retry(self) -> None:
        """Records the server refused wait again (as sent), then upload."""
        from sync import outbox, reviews

        outbox.requeue_rejected(self.store)
        reviews.requeue_rejected(self.store)
        self.refresh()
        self.start("push")

    @Slot()
    def cancel(self) -> None:
        self.runner.cancel()
        self.current.setText("正在取消……当前文件停在断点，下次同步时从断点继续")

    def start(self, kind: str, reason: str = FIRST_LOGIN) -> None:
        """Check the fields, ask for the password if there is no valid token, then run."""
        server, user = self.server.text().strip(), self.user.text().strip()
        if not server.startswith(("http://", "https://")) or not user:
            self._say("请填写服务器地址（以 https:// 开头）和用户名。", failed=True)
            return
        if self.runner.busy:
            self._say(self.runner.busy_message(), failed=True)
            return
        preferences.put(self.store, SERVER_KEY, server)
        preferences.put(self.store, USER_KEY, user)
        login = None
        if not self._has_token(server, user):
            password = LoginDialog.ask(self, server, user, reason)
            if password is None:
                return
            login = (user, password)
        self._run(kind, server, login)

    def _run(self, kind: str, server: str, login: tuple[str, str] | None) -> None:
        from sync.outbox import waiting

        self.kind = kind
        if kind == "push":
            self.model.set_rows(
                [SyncRow(item.key, item.label, item.state, "") for item in waiting(self.store)]
                + _review_rows(self.store, only_waiting=True)
            )
        self._set_running(True)

        def work(store: Store, job: Job) -> Any:
            return run_sync(store, job, kind, server, login)

        title = "正在上传检查记录" if kind == "push" else "正在下载更新"
        self.runner.finished.connect(self._runner_finished)
        self.runner.run(
            title, work, lambda outcome: self._finished(kind, outcome, login), self._progressed
        )

    def _set_running(self, running: bool) -> None:
        for widget in (self.upload_button, self.pull_button, self.retry_button):
            widget.setEnabled(not running)
        self.server.setEnabled(not running)
        self.user.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.current.setText("正在连接服务器……" if running else "")
        if not running:  # a busy bar (range 0, 0) would spin on after the end
            for bar in (self.records_bar, self.bytes_bar):
                bar.setRange(0, 1)
                bar.setValue(1)
        if running:
            self.progress_box.show()
            self.bytes_bar.setVisible(self.kind == "push")
            self.records_bar.setRange(0, 0)
            self.bytes_bar.setRange(0, 0)
            self.result.setText("")

    @Slot()
    def _runner_finished(self) -> None:
        """Also after an unexpected error (the runner shows it): the screen is usable again."""
        self.runner.finished.disconnect(self._runner_finished)
        self.kind = ""
        self._set_running(False)

    # --- during ----------------------------------------------------------------------------

    def _progressed(self, job_step: Step) -> None:
        from sync.progress import Progress as SyncProgress  # loaded by the run already

        step = job_step.detail
        if not self.kind or not isinstance(step, SyncProgress):
            return  # a late step from a run that has ended
        self.current.setText(step.current)
        self.progressed.emit(step.records_done, step.records_total)
        if self.kind == "pull":
            self.records_bar.setRange(0, 0)
            self.records_bar.setFormat(f"已下载 {step.records_done} 条")
            return
        total = max(step.records_total, 1)
        self.records_bar.setRange(0, total)
        self.records_bar.setValue(step.records_done)
        self.records_bar.setFormat(f"{step.records_done} / {step.records_total} 条")
        self.bytes_bar.setRange(0, max(step.bytes_total >> 10, 1))
        self.bytes_bar.setValue(step.bytes_done >> 10)
        self.bytes_bar.setFormat(
            f"{file_size(step.bytes_done)} / {file_size(step.bytes_total)}"
            if step.bytes_total
            else "这些记录没有证据文件"
        )
        self._follow_rows(step.records_done)

    def _follow_rows(self, done: int) -> None:
        """Rows before ``done`` show what the outbox recorded; row ``done`` is being sent."""
        for row, shown in enumerate(self.model.rows):
            if row < done and shown.state in ("pending", "sending", "uploading"):
                self.model.update_row(row, self._stored(shown))
            elif row == done and shown.state != "uploading":
                self.model.update_row(row, replace(shown, state="uploading", message=""))
                self.table.scrollTo(self.model.index(row, 0))

    def _stored(self, shown: SyncRow) -> SyncRow:
        inspection_id, revision = shown.key.split("#")
        found = outbox_rows.state_of(self.store, inspection_id, int(revision))
        return replace(shown, state=found[0], message=found[1]) if found else shown

    # --- after -----------------------------------------------------------------------------

    def _finished(self, kind: str, outcome: Any, login: tuple[str, str] | None) -> None:
        from sync.transport import LoginRequired

        needs_login = isinstance(outcome, LoginRequired) or getattr(
            outcome, "login_required", False
        )
        if isinstance(outcome, UserError):
            self._say(outcome.message, failed=True)
        elif kind == "push":
            self._show_push(outcome)
        else:
            self._show_pull(outcome)
        self._read_state()
        self.synced.emit()
        if needs_login and login is None:  # the token expired: ask once, then go on
            self.start(kind, LOGIN_AGAIN)

    def _show_push(self, report: "PushReport") -> None:
        rows = {row.key: row for row in self.model.rows}
        shown = []
        for result in report.results:
            state = OUTCOME_STATES.get(result.outcome, "pending")
            message = "；".join([result.message, *result.notes])
            row = rows.get(result.key, SyncRow(result.key, result.label, state, message))
            shown.append(replace(row, state=state, message=message))
        self.model.set_rows(sorted(shown, key=lambda r: FAILED_FIRST.get(r.state, 1)))
        self.table.scrollToTop()
        uploaded = sum(r.outcome == "uploaded" for r in report.results)
        failed = [r for r in report.results if r.outcome in ("conflict", "rejected")]
        left = sum(r.outcome == "waiting" for r in report.results)
        if report.cancelled:
            lines = [f"已取消：{uploaded} 条已上传，其余 {left} 条下次同步时从断点继续。"]
        elif report.stopped:
            lines = [f"同步中断：{report.stopped}", f"{uploaded} 条已上传，{left} 条仍在本机等待。"]
        else:
            lines = [f"上传结束：{uploaded} 条已上传，服务器已确认证据文件齐全。"]
        if failed:
            lines.append(f"{len(failed)} 条未能上传，原因如下：")
            lines += [f"· {r.label}：{r.message}" for r in failed]
            lines.append("改正后可按“重试被拒绝的记录”；版本冲突需在本机更正后作为新版本上传。")
        self._say("\n".join(lines), failed=bool(failed or report.stopped))

    def _show_pull(self, report: "PullReport") -> None:
        if report.cancelled:
            text = f"已取消下载：已保存 {report.applied} 条，下次从中断处继续。"
        else:
            text = f"下载完成：{report.applied} 条更新（名录、检查表、人员、任务、问题状态）。"
            if report.imported:
                text += f"{report.imported} 条检查记录已送到审核台。"
        self._say("\n".join([text, *report.notes]), failed=False)
        self.refresh()

    def _say(self, text: str, *, failed: bool) -> None:
        colour = style.RED.name() if failed else style.GREEN.name()
        self.result.setStyleSheet(f"color: {colour};")
        self.result.setText(text)


def upload_summary(waiting: "Preview") -> str:
    """The sentence before 上传: each kind of record under its own name, then the files."""
    if not waiting.anything:
        return "没有待上传的检查记录；已完成的检查记录都已上传。"
    kinds = [
        (waiting.inspections, "条检查记录"),
        (waiting.changes, "项整改进展（整改报告、复查结果）"),
        (waiting.reviews, "条审核意见"),
    ]
    parts = "、".join(f"{count} {name}" for count, name in kinds if count)
    files = f"、{waiting.photos} 个证据文件（照片等），共 {file_size(waiting.bytes)}"
    return f"将上传 {parts}" + (files if waiting.photos else "")
