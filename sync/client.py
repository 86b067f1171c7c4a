"""The client engine: log in, push the outbox, pull changes. Used by the CLI and the UI.

``push`` and ``pull`` take an ``inspector.jobs.Job``: each step it gets carries a
``sync.progress.Progress`` (records and bytes) as its detail, and its cancel is checked between steps and
while a file is being sent; the job's ``wait`` is the retries' back-off, so a cancel also ends
a wait for an unreachable server. ``push`` returns a ``PushReport`` with one
``RecordResult`` per outbox record, each with a plain-Chinese message.
"""

import dataclasses
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from pydantic import ValidationError

from inspector import audit, jobs, lost_device
from inspector.clock import utc_now
from inspector.store import Store
from sync import desk, field_changes, outbox, pull, reviews, sign_in, state
from sync.file_upload import PARALLEL_FILES, FileUploads, finished
from sync.progress import Run
from sync.protocol import (
    ChangesPage,
    FieldChangeResult,
    LoginRequest,
    LoginResponse,
    PushResult,
    evidence_of,
)
from sync.transport import (
    Cancelled,
    LoginRequired,
    Rejected,
    RetryPolicy,
    SyncError,
    Transport,
    pooled_session,
)

AUDIT_HEAD_HEADER = "X-Inspector-Audit-Head"

PAGE_SIZE = 1000
PAGES_PER_TRANSACTION = 5  # pages applied, with their cursor, in one device transaction
RECORDS_AHEAD = 8  # records begun (bundle sent, files queued) and not yet settled


@dataclass
class RecordResult:
    """What happened to one record; ``outcome`` is uploaded | conflict | rejected | waiting."""

    key: str
    label: str
    outcome: str
    message: str
    notes: list[str] = field(default_factory=list)


@dataclass
class PushReport:
    results: list[RecordResult] = field(default_factory=list)
    cancelled: bool = False
    stopped: str = ""  # why the run stopped early (unreachable, login needed), in Chinese
    login_required: bool = False  # the server said 401: the token must be renewed

    @property
    def ok(self) -> bool:
        return (
            not self.stopped
            and not self.cancelled
            and all(r.outcome == "uploaded" for r in self.results)
        )


@dataclass
class PullReport:
    applied: int = 0
    cursor: int = 0
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False
    imported: int = 0  # inspections brought to a supervisor's desk for review


class SyncClient:
    """One device talking to one server; settings and token live in the local store."""

    def __init__(
        self,
        store: Store,
        server_url: str | None = None,
        *,
        verify: bool | str | None = None,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
    ):
        url = server_url or state.get(store, state.SERVER_URL)
        if not url:
            raise SyncError(
                "尚未设置同步服务器地址，请先登录（inspector sync login --server 地址）"
            )
        ca = verify if verify is not None else state.get(store, state.CA_BUNDLE) or True
        self.store = store
        self.transport = Transport(
            url,
            token=state.get(store, state.TOKEN),
            verify=ca,
            retry=retry or RetryPolicy(),
            session=session or pooled_session(PARALLEL_FILES + RECORDS_AHEAD),
        )

    def login(self, username: str, password: str) -> LoginResponse:
        """Exchange the password for a device token and remember it (the password is not kept)."""
        request = LoginRequest(
            username=username, password=password, device_id=state.device_id(self.store)
        )
        try:
            body = self.transport.call("POST", "/auth/login", json=request.model_dump())
        except Rejected as exc:
            raise SyncError(exc.message) from exc
        except LoginRequired:  # a wrong password: the token stored before is not kept either
            self.forget_token()
            raise
        answer = LoginResponse(**body)
        self.transport.token = answer.token
        state.set_values(
            self.store,
            **{state.SERVER_URL: self.transport.server_url, state.TOKEN: answer.token},
            **{state.USERNAME: answer.username, state.ROLE: answer.role},
        )
        sign_in.enrol(self.store, self.transport)  # office accounts can now sign in here
        return answer

    def push(self, job: jobs.Job = jobs.UNWATCHED) -> PushReport:
        """Upload every waiting record; one refused record does not stop the others."""
        run = self._run(job)
        items = outbox.waiting(self.store)
        changes = field_changes.waiting(self.store)
        run.progress.records_total = len(items) + len(changes) + len(reviews.waiting(self.store))
        run.progress.bytes_total = outbox.waiting_bytes(self.store, items, changes)
        report = PushReport()
        with FileUploads(self.store, self.transport, run) as files:
            _Pusher(self, run, files, report).push(items)
            self._push_field_changes(report, run, files)
        self._push_reviews(report, run)
        if report.login_required:
            self.forget_token()
        if not report.cancelled and not report.stopped:
            state.set_values(self.store, **{state.LAST_SYNC: utc_now()})
        return report

    def _run(self, job: jobs.Job) -> Run:
        self.transport.retry = dataclasses.replace(self.transport.retry, sleep=job.wait)
        return Run(job)

    def _push_field_changes(self, report: PushReport, run: Run, files: FileUploads) -> None:
        """Finding changes made after upload go up after the bundles, each once the server
        holds its inspection; they stop with the run like the bundles."""
        for item in field_changes.waiting(self.store):
            if _left_for_next_time(report, run, item.key, item.label):
                continue
            try:
                report.results.append(self._push_field_change(item, files))
            except Cancelled:
                report.cancelled = True
                report.results.append(
                    RecordResult(item.key, item.label, "waiting", "未上传：已取消，下次同步时继续")
                )
            except SyncError as exc:
                _stopped_by(report, exc)
                field_changes.note(self.store, item, exc.message)
                report.results.append(
                    RecordResult(item.key, item.label, "waiting", f"未上传：{exc.message}")
                )
            run.progress.records_done += 1
            run.emit(item.label)

    def _push_field_change(self, item: field_changes.Item, files: FileUploads) -> RecordResult:
        if not field_changes.inspection_on_server(self.store, item):
            message = "其检查记录尚未上传到服务器，上传后再发送"
            field_changes.note(self.store, item, message)
            return RecordResult(item.key, item.label, "waiting", message)
        try:
            change = field_changes.frozen(self.store, item)
        except ValidationError as exc:
            message = _beyond_protocol("问题变更", exc)
            field_changes.refused(self.store, item, "rejected", message)
            return RecordResult(item.key, item.label, "rejected", message)
        payload = change.model_dump(mode="json")
        try:
            result = FieldChangeResult(**self.transport.call("PUT", item.path, json=payload))
            notes: list[str] = []
            if result.missing:
                refs = [(ref.sha256, ref.size, ref.file_name) for ref in evidence_of(change)]
                notes = finished(files.queue(refs, result.missing))
                result = FieldChangeResult(**self.transport.call("PUT", item.path, json=payload))
        except Rejected as exc:
            outcome = "conflict" if exc.status == 409 else "rejected"
            field_changes.refused(self.store, item, outcome, exc.message)
            return RecordResult(item.key, item.label, outcome, exc.message)
        if result.outcome == "waiting":
            raise SyncError(f"{item.label}：服务器未确认整改材料已传齐，下次同步时继续")
        outcome, message = field_changes.settled(self.store, item, result.model_dump())
        return RecordResult(item.key, item.label, outcome, message, notes)

    def _push_reviews(self, report: PushReport, run: Run) -> None:
        """A supervisor's decisions go up after the bundles; they stop with the run."""
        for item in reviews.waiting(self.store):
            if _left_for_next_time(report, run, item.key, item.label):
                continue
            try:
                outcome, message = reviews.send(self.store, self.transport, item)
            except SyncError as exc:
                _stopped_by(report, exc)
                outcome, message = "waiting", f"未上传：{exc.message}"
            report.results.append(RecordResult(item.key, item.label, outcome, message))
            run.emit(item.label)

    def audit_heads(self) -> list[tuple[int, str]]:
        """The audit-chain heads the server received from this device, oldest first."""
        try:
            answer = self.transport.call("GET", "/audit-heads")
        except Rejected as exc:
            raise SyncError(exc.message) from exc
        return [(int(h["seq"]), str(h["hash"])) for h in answer]

    def pull(self, job: jobs.Job = jobs.UNWATCHED) -> PullReport:
        """Fetch changes after the stored cursor; each page commits with its new cursor.

        A 401 (``LoginRequired``) forgets the token before it propagates. A pull that ran to
        its end refreshes the roles of the office accounts that signed in here
        (``sync.sign_in.refresh``).
        """
        try:
            report = self._pull(job)
        except LoginRequired as exc:
            if exc.code == "account_disabled":
                sign_in.account_refused(self.store, state.get(self.store, state.USERNAME))
            self.forget_token()
            raise
        if not report.cancelled:
            report.notes += sign_in.refresh(self.store, self.transport)
        return report

    def forget_token(self) -> None:
        """The server refused the token (401): drop it, so that the next run, from the command
        line or the window alike, asks for the password instead of sending it again; and ask
        the app to lock, as the office may have revoked a lost device (``inspector.lost_device``)."""
        lost_device.token_refused(self.store, state.TOKEN)
        self.transport.token = None

    def _pull(self, job: jobs.Job) -> PullReport:
        run = self._run(job)
        report = PullReport(cursor=int(state.get(self.store, state.PULL_CURSOR) or 0))
        pages = self._pages(report.cursor)
        page = next(pages, None)
        while page is not None:
            if run.cancelled():
                report.cancelled = True
                return report
            report.notes += reviews.apply_decisions(self.store, page.changes)
            report.notes += field_changes.apply_received(self.store, self.transport, page.changes)
            # A few pages per transaction, each with its cursor: a commit per page cost a third
            # of a large register's pull. A page with workflow steps of its own (decisions,
            # finding changes: their own transactions) starts the next transaction.
            with self.store.transaction() as conn:
                for _ in range(PAGES_PER_TRANSACTION):
                    report.notes += pull.apply_page(self.store, page.changes)
                    state.put(conn, state.PULL_CURSOR, str(page.next_cursor))
                    report.applied += len(page.changes)
                    report.cursor = page.next_cursor
                    run.progress.records_done = report.applied
                    run.emit("下载服务器数据")
                    page = next(pages, None)
                    if page is None or run.cancelled() or _has_own_steps(page):
                        break
        if state.get(self.store, state.ROLE) in desk.REVIEWER_ROLES:
            run.emit("取回待审核的检查记录")
            report.imported, notes = desk.import_completed(
                self.store, self.transport, run.cancelled
            )
            report.notes += notes
            report.notes += field_changes.apply_deferred(self.store, self.transport)
            report.cancelled = run.cancelled()
        if not report.cancelled:
            state.set_values(self.store, **{state.LAST_SYNC: utc_now()})
        return report

    def _pages(self, cursor: int) -> Iterator[ChangesPage]:
        """The change feed from ``cursor`` on, page by page, the next page fetched while the
        caller applies this one (the network and the store's writes overlap). A page the
        caller does not take (a cancel) is dropped: the stored cursor is only ever the
        applied one."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull") as fetcher:
            coming = fetcher.submit(self._page, cursor)
            while True:
                page = coming.result()  # a SyncError from the fetch is raised here
                if page.more:
                    coming = fetcher.submit(self._page, page.next_cursor)
                yield page
                if not page.more:
                    return

    def _page(self, cursor: int) -> ChangesPage:
        params = {"cursor": cursor, "limit": PAGE_SIZE}
        return ChangesPage(**self.transport.call("GET", "/changes", params=params))


def _done(run: Run, index: int, item: outbox.OutboxItem) -> None:
    run.progress.records_done = index + 1
    run.emit(item.label)


def _has_own_steps(page: ChangesPage) -> bool:
    """Whether the page holds changes applied before it, outside its transaction."""
    return any(change.entity in ("review", "finding_change") for change in page.changes)


@dataclass
class _Answer:
    """What the server said of a record once its files were in, and the files' notes."""

    result: PushResult
    notes: list[str]


@dataclass
class _Flight:
    """A record begun and not yet settled: refused at once, or its network work under way."""

    index: int
    item: outbox.OutboxItem  # frozen once it is sent
    refused: RecordResult | None = None
    sent: "Future[_Answer] | None" = None

    def settled(self) -> bool:
        return self.sent is None or self.sent.done()


class _Pusher:
    """Sends the outbox's records: each one's bundle, its missing files (resumably), then the
    bundle again to confirm.

    The store's thread freezes each record and records its verdict, in outbox order; all of a
    record's network work (``_send``) runs on a thread of its own, up to ``RECORDS_AHEAD``
    records at once, so that no record waits for another's bundle, files or confirmation, and
    the push's connections (``FileUploads``) always have the next file."""

    def __init__(self, client: SyncClient, run: Run, files: FileUploads, report: PushReport):
        self.store, self.transport, self.run = client.store, client.transport, run
        self.files, self.report = files, report
        self._flights: deque[_Flight] = deque()

    def push(self, items: list[outbox.OutboxItem]) -> None:
        with ThreadPoolExecutor(RECORDS_AHEAD, thread_name_prefix="record") as records:
            for index, item in enumerate(items):
                self._settle(keep=RECORDS_AHEAD - 1)
                if _left_for_next_time(self.report, self.run, item.key, item.label):
                    _done(self.run, index, item)
                    continue
                try:
                    self.run.check()
                    self._flights.append(self._begin(index, item, records))
                except (Cancelled, SyncError) as exc:
                    self.run.halt(exc)
                    self._settle(keep=0)
                    self._stop(index, item, exc)
            self._settle(keep=0)

    def _begin(self, index: int, item: outbox.OutboxItem, records: ThreadPoolExecutor) -> _Flight:
        """Freeze the record here, on the store's thread, and send it from a record thread."""
        try:
            item = outbox.freeze(self.store, item)
        except ValidationError as exc:
            message = _beyond_protocol("检查记录", exc)
            outbox.mark(self.store, item, "rejected", message)
            return _Flight(
                index, item, refused=RecordResult(item.key, item.label, "rejected", message)
            )
        return _Flight(index, item, sent=records.submit(self._send, item, self._audit_head()))

    def _send(self, item: outbox.OutboxItem, head: dict[str, str]) -> _Answer:
        """The bundle, the files the server lacks, then the bundle once more to confirm: HTTP
        only (a record thread). An error after which nothing more can go up halts the run."""
        assert item.bundle is not None
        path = f"/inspections/{item.inspection_id}/revisions/{item.revision}"
        payload = item.bundle.model_dump(mode="json")
        try:
            result = PushResult(**self.transport.call("PUT", path, json=payload, headers=head))
            if not result.missing:
                return _Answer(result, [])
            files = [(ref.sha256, ref.size, ref.file_name) for ref in item.bundle.attachments]
            notes = finished(self.files.queue(files, result.missing))
            self.run.check()
            answer = self.transport.call("PUT", path, json=payload, headers=head)
        except SyncError as exc:
            self.run.halt(exc)
            raise
        return _Answer(PushResult(**answer), notes)

    def _settle(self, keep: int) -> None:
        """The verdicts of the records at the head of the queue whose answer has come, and of
        more, waiting for them, until at most ``keep`` are left."""
        while self._flights and (len(self._flights) > keep or self._flights[0].settled()):
            flight = self._flights.popleft()
            try:
                result = self._verdict(flight)
            except (Cancelled, SyncError) as exc:
                self.run.halt(exc)
                self._stop(flight.index, flight.item, exc)
                continue
            self.report.results.append(result)
            _done(self.run, flight.index, flight.item)

    def _verdict(self, flight: _Flight) -> RecordResult:
        """The record's verdict, on the store's thread, once ``flight.settled()``."""
        if flight.refused is not None:
            return flight.refused
        assert flight.sent is not None
        try:
            answer = flight.sent.result()
        except Rejected as exc:
            return self._refused(flight.item, exc)
        return self._settled(flight.item, answer.result, answer.notes)

    def _stop(self, index: int, item: outbox.OutboxItem, exc: Exception) -> None:
        """A cancel, or an error after which nothing more can go up now (login included)."""
        if isinstance(exc, Cancelled):
            self.report.cancelled = True
            self.report.results.append(_left(item, "已取消，下次同步时继续"))
        else:
            assert isinstance(exc, SyncError)
            _stopped_by(self.report, exc)
            outbox.note(self.store, item, self.report.stopped)
            self.report.results.append(_left(item, self.report.stopped))
        _done(self.run, index, item)

    def _refused(self, item: outbox.OutboxItem, exc: Rejected) -> RecordResult:
        outcome = "conflict" if exc.status == 409 else "rejected"
        outbox.mark(self.store, item, outcome, exc.message)
        return RecordResult(item.key, item.label, outcome, exc.message)

    def _settled(
        self, item: outbox.OutboxItem, result: PushResult, notes: list[str]
    ) -> RecordResult:
        assert item.bundle is not None
        if not result.complete:
            raise SyncError(f"{item.label}：服务器未确认证据文件已传齐，下次同步时继续")
        photos = len({ref.sha256 for ref in item.bundle.attachments})
        message = f"已上传，服务器已确认（{photos} 个附件齐全）"
        outbox.mark(self.store, item, "done", message)
        return RecordResult(item.key, item.label, "uploaded", message, notes)

    def _audit_head(self) -> dict[str, str]:
        """The device's audit-chain head, sent with each bundle (the server keeps every one)."""
        head = audit.head(self.store)
        return {AUDIT_HEAD_HEADER: f"{head[0]}:{head[1]}"} if head else {}


def _beyond_protocol(what: str, exc: ValidationError) -> str:
    """The refusal of a record the protocol's limits do not allow, naming the field."""
    where = ".".join(str(part) for part in exc.errors()[0]["loc"])
    return f"{what}内容超出同步协议允许的范围（{where} 过长或格式不符），无法上传"


def _left(item: outbox.OutboxItem, reason: str) -> RecordResult:
    return RecordResult(item.key, item.label, "waiting", f"未上传：{reason}")


def _left_for_next_time(report: PushReport, run: Run, key: str, label: str) -> bool:
    """After a stop or a cancel, a record still queued is listed as waiting, not sent."""
    report.cancelled = report.cancelled or run.cancelled()
    if not (report.stopped or report.cancelled):
        return False
    reason = report.stopped or "已取消，下次同步时继续"
    report.results.append(RecordResult(key, label, "waiting", f"未上传：{reason}"))
    return True


def _stopped_by(report: PushReport, exc: SyncError) -> None:
    """A sync error ends the push here: what follows waits for the next time."""
    report.stopped = report.stopped or exc.message
    report.login_required = report.login_required or isinstance(exc, LoginRequired)
