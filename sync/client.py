"""The client engine: log in, push the outbox, pull changes. Used by the CLI and the UI.

``push`` and ``pull`` take an ``inspector.jobs.Job``: each step it gets carries this module's
``Progress`` (records and bytes) as its detail, and its cancel is checked between steps and
while a file is being sent; the job's ``wait`` is the retries' back-off, so a cancel also ends
a wait for an unreachable server. ``push`` returns a ``PushReport`` with one
``RecordResult`` per outbox record, each with a plain-Chinese message.
"""

import dataclasses
import hashlib
import io
import threading
from collections.abc import Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import requests
from pydantic import ValidationError

from inspector import audit, jobs, lost_device
from inspector.attachments import has_content, kind_word, read_bytes
from inspector.clock import utc_now
from inspector.errors import UserError
from inspector.store import Store
from sync import desk, field_changes, outbox, pull, reviews, sign_in, state
from sync.protocol import (
    ChangesPage,
    FieldChangeResult,
    LoginRequest,
    LoginResponse,
    MissingBlob,
    PushResult,
    evidence_of,
)
from sync.transport import (
    NETWORK_ERRORS,
    Cancelled,
    LoginRequired,
    Rejected,
    RetryPolicy,
    SyncError,
    Transport,
    decode,
    server_fault_message,
)

AUDIT_HEAD_HEADER = "X-Inspector-Audit-Head"

PAGE_SIZE = 1000
PAGES_PER_TRANSACTION = 5  # pages applied, with their cursor, in one device transaction
PARALLEL_FILES = 4  # connections a record's files go up on at once
_ALONE_BYTES = 32 << 20  # a file above this goes up alone (the others wait in memory)
_READ_CHUNK = 1 << 20


@dataclass
class Progress:
    records_done: int = 0
    records_total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    current: str = ""


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
            session=session or requests.Session(),
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
        # A record's confirming PUT goes up on a thread while the next record begins: the
        # client's wait for it was a third of a large push. Results stay in outbox order.
        confirming: _Confirming | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="confirm") as confirmer:
            for index, item in enumerate(items):
                if report.stopped or report.cancelled:
                    report.results.append(_left(item, report.stopped or "已取消，下次同步时继续"))
                    continue
                pusher = _Pusher(self, run)
                try:
                    run.check()
                    step = pusher.begin(item)
                except (Cancelled, SyncError) as exc:
                    self._settle(report, run, confirming)
                    confirming = None
                    self._stop(report, run, index, item, exc)
                    continue
                self._settle(report, run, confirming)
                confirming = None
                if isinstance(step, RecordResult):
                    report.results.append(step)
                    _done(run, index, item)
                elif report.stopped or report.cancelled:  # the record before stopped the run
                    report.results.append(_left(item, report.stopped or "已取消，下次同步时继续"))
                else:
                    future = confirmer.submit(pusher.confirm, step)
                    confirming = (index, item, pusher, step, future)
            self._settle(report, run, confirming)
        self._push_field_changes(report, run)
        self._push_reviews(report, run)
        if report.login_required:
            self.forget_token()
        if not report.cancelled and not report.stopped:
            state.set_values(self.store, **{state.LAST_SYNC: utc_now()})
        return report

    def _settle(self, report: PushReport, run: "_Run", confirming: "_Confirming | None") -> None:
        """The confirmation of the record before, on the store's thread."""
        if confirming is None:
            return
        index, item, pusher, sent, future = confirming
        try:
            report.results.append(pusher.finish(sent, future))
        except (Cancelled, SyncError) as exc:
            self._stop(report, run, index, item, exc)
            return
        _done(run, index, item)

    def _stop(
        self,
        report: PushReport,
        run: "_Run",
        index: int,
        item: outbox.OutboxItem,
        exc: Exception,
    ) -> None:
        """A cancel, or an error after which nothing more can go up now (login included)."""
        if isinstance(exc, Cancelled):
            report.cancelled = True
            report.results.append(_left(item, "已取消，下次同步时继续"))
        else:
            assert isinstance(exc, SyncError)
            _stopped_by(report, exc)
            outbox.note(self.store, item, exc.message)
            report.results.append(_left(item, exc.message))
        _done(run, index, item)

    def _run(self, job: jobs.Job) -> "_Run":
        self.transport.retry = dataclasses.replace(self.transport.retry, sleep=job.wait)
        return _Run(job)

    def _push_field_changes(self, report: PushReport, run: "_Run") -> None:
        """Finding changes made after upload go up after the bundles, each once the server
        holds its inspection; they stop with the run like the bundles."""
        for item in field_changes.waiting(self.store):
            if _left_for_next_time(report, run, item.key, item.label):
                continue
            try:
                report.results.append(self._push_field_change(item, run))
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

    def _push_field_change(self, item: field_changes.Item, run: "_Run") -> RecordResult:
        if not field_changes.inspection_on_server(self.store, item):
            message = "其检查记录尚未上传到服务器，上传后再发送"
            field_changes.note(self.store, item, message)
            return RecordResult(item.key, item.label, "waiting", message)
        try:
            change = field_changes.frozen(self.store, item)
        except ValidationError as exc:
            where = ".".join(str(part) for part in exc.errors()[0]["loc"])
            message = f"问题变更内容超出同步协议允许的范围（{where} 过长或格式不符），无法上传"
            field_changes.refused(self.store, item, "rejected", message)
            return RecordResult(item.key, item.label, "rejected", message)
        payload = change.model_dump(mode="json")
        try:
            result = FieldChangeResult(**self.transport.call("PUT", item.path, json=payload))
            notes: list[str] = []
            if result.missing:
                refs = evidence_of(change)
                files = [(ref.sha256, ref.size, ref.file_name) for ref in refs]
                notes = _Pusher(self, run).send_files(files, result.missing)
                result = FieldChangeResult(**self.transport.call("PUT", item.path, json=payload))
        except Rejected as exc:
            outcome = "conflict" if exc.status == 409 else "rejected"
            field_changes.refused(self.store, item, outcome, exc.message)
            return RecordResult(item.key, item.label, outcome, exc.message)
        if result.outcome == "waiting":
            raise SyncError(f"{item.label}：服务器未确认整改材料已传齐，下次同步时继续")
        outcome, message = field_changes.settled(self.store, item, result.model_dump())
        return RecordResult(item.key, item.label, outcome, message, notes)

    def _push_reviews(self, report: PushReport, run: "_Run") -> None:
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


def _done(run: "_Run", index: int, item: outbox.OutboxItem) -> None:
    run.progress.records_done = index + 1
    run.emit(item.label)


def _has_own_steps(page: ChangesPage) -> bool:
    """Whether the page holds changes applied before it, outside its transaction."""
    return any(change.entity in ("review", "finding_change") for change in page.changes)


class _Run:
    """Progress and cancel for one run."""

    def __init__(self, job: jobs.Job):
        self.progress = Progress()
        self.job = job
        self._lock = threading.Lock()  # files go up from several threads

    def cancelled(self) -> bool:
        return self.job.cancelled()

    def check(self) -> None:
        if self.cancelled():
            raise Cancelled()

    def emit(self, current: str) -> None:
        """The bar counts KB while photos go up (a Qt int holds at most 2 GB), else records."""
        with self._lock:
            self.progress.current = current
            now = Progress(**self.progress.__dict__)
        if now.bytes_total:
            self.job.report(jobs.Step(now.bytes_done >> 10, now.bytes_total >> 10, detail=now))
        else:
            self.job.report(jobs.Step(now.records_done, now.records_total, detail=now))

    def add_bytes(self, count: int) -> None:
        with self._lock:
            self.progress.bytes_done += count


@dataclass
class _Sent:
    """A record whose bundle and files went up; the bundle is sent once more to confirm."""

    item: outbox.OutboxItem
    path: str
    payload: dict[str, Any]
    head: dict[str, str]
    notes: list[str]


_Confirming = tuple[int, outbox.OutboxItem, "_Pusher", _Sent, "Future[PushResult]"]


class _Pusher:
    """Sends one outbox record: bundle, missing files (resumably), bundle again to confirm.

    ``begin`` (bundle and files) and ``finish`` (the outbox's verdict) run on the store's
    thread; ``confirm`` is HTTP only, so ``SyncClient.push`` sends it while the next record
    begins."""

    def __init__(self, client: SyncClient, run: _Run):
        self.store, self.transport, self.run = client.store, client.transport, run

    def begin(self, item: outbox.OutboxItem) -> "RecordResult | _Sent":
        """Send the bundle and the files the server lacks; a record needing no confirmation
        (nothing was missing, or it was refused) is settled here."""
        try:
            item = outbox.freeze(self.store, item)
        except ValidationError as exc:
            where = ".".join(str(part) for part in exc.errors()[0]["loc"])
            message = f"检查记录内容超出同步协议允许的范围（{where} 过长或格式不符），无法上传"
            outbox.mark(self.store, item, "rejected", message)
            return RecordResult(item.key, item.label, "rejected", message)
        assert item.bundle is not None
        path = f"/inspections/{item.inspection_id}/revisions/{item.revision}"
        payload = item.bundle.model_dump(mode="json")
        head = self._audit_head()
        try:
            result = PushResult(**self.transport.call("PUT", path, json=payload, headers=head))
            notes = self._send_missing(item, result)
        except Rejected as exc:
            return self._refused(item, exc)
        if result.missing:
            return _Sent(item, path, payload, head, notes)
        return self._settled(item, result, notes)

    def confirm(self, sent: _Sent) -> PushResult:
        """The bundle once more, now that its files are in: HTTP only (any thread)."""
        answer = self.transport.call("PUT", sent.path, json=sent.payload, headers=sent.head)
        return PushResult(**answer)

    def finish(self, sent: _Sent, confirming: "Future[PushResult]") -> RecordResult:
        try:
            result = confirming.result()
        except Rejected as exc:
            return self._refused(sent.item, exc)
        return self._settled(sent.item, result, sent.notes)

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

    def _send_missing(self, item: outbox.OutboxItem, result: PushResult) -> list[str]:
        assert item.bundle is not None
        files = [(ref.sha256, ref.size, ref.file_name) for ref in item.bundle.attachments]
        return self.send_files(files, result.missing)

    def send_files(
        self, files: list[tuple[str, int, str]], missing: list[MissingBlob]
    ) -> list[str]:
        """Upload the ``missing`` ones of ``files`` (sha256, size, name), resumably; the others
        count as sent. Returns notes on interruptions and resumptions.

        Several at once (``PARALLEL_FILES`` connections): each file is read and checked here,
        on the store's thread, then sent by a worker thread. At most ``PARALLEL_FILES`` files
        wait in memory; one above ``_ALONE_BYTES`` goes by itself."""
        names = {sha: name for sha, _size, name in files}
        lacking = {m.sha256 for m in missing}
        self.run.add_bytes(sum(size for sha, size, _name in files if sha not in lacking))
        sending: list[Future[str | None]] = []
        notes: list[str] = []
        with ThreadPoolExecutor(PARALLEL_FILES, thread_name_prefix="upload") as senders:
            for blob in missing:
                name = names.get(blob.sha256, blob.sha256[:12])
                if blob.size > _ALONE_BYTES or len(sending) >= PARALLEL_FILES:
                    notes += _finished(sending, everything=blob.size > _ALONE_BYTES)
                content = self._checked(blob.sha256, blob.size, name)
                sending.append(senders.submit(self._file, blob, name, content))
                if blob.size > _ALONE_BYTES:
                    notes += _finished(sending, everything=True)
            notes += _finished(sending, everything=True)
        return notes

    def _checked(self, sha256: str, size: int, name: str) -> bytes:
        """The file's content, refused (naming it) when missing, of another size or damaged."""
        content = _content_of(self.store, sha256)
        if (content is not None and len(content) != size) or not has_content(self.store, sha256):
            raise Rejected(
                0, "missing_local", f"{kind_word(name)} {name} 在本机找不到或大小不符，无法上传"
            )
        if content is None or hashlib.sha256(content).hexdigest() != sha256:
            raise Rejected(
                0,
                "damaged_local",
                f"{kind_word(name)} {name} 在本机已损坏（内容与登记的校验值不符），无法上传",
            )
        return content

    def _file(self, blob: MissingBlob, name: str, content: bytes) -> str | None:
        """``_upload``, with every refusal or stop naming the photo; returns its note."""
        try:
            interrupted, resumed_at = self._upload(blob.sha256, blob.offset, name, content)
        except Rejected as exc:
            raise Rejected(
                exc.status, exc.code, f"{kind_word(name)} {name}：{exc.message}"
            ) from exc
        except LoginRequired:
            raise
        except SyncError as exc:
            if name in exc.message:
                raise
            raise type(exc)(f"{kind_word(name)} {name}：{exc.message}") from exc
        if interrupted:
            return f"{kind_word(name)} {name} 上传中断，已自动续传"
        if resumed_at:
            return f"{kind_word(name)} {name} 上次已传 {resumed_at} 字节，本次从断点续传"
        return None

    def _upload(self, sha256: str, offset: int, name: str, content: bytes) -> tuple[bool, int]:
        """Send one file from the server's offset, resuming after drops.

        Returns whether this run was interrupted, and the offset it first resumed from (0 when
        the file was sent from its start).
        """
        interrupted, resumed_at, fault = False, offset, 0
        size, label = len(content), f"上传{kind_word(name)} {name}"
        counted = _Counted(self.run)
        for attempt in range(self.transport.retry.attempts * 2):
            self.run.check()
            counted.set(offset)  # bytes the server holds count as done
            self.run.emit(label)
            try:
                response = self._patch(sha256, content, offset, label, counted)
            except NETWORK_ERRORS:
                interrupted = True
                offset = self._after_failure(sha256, attempt)
                continue
            if response.status_code >= 500 or _code(response) == "upload_busy":
                fault = response.status_code if response.status_code >= 500 else 0
                offset = self._after_failure(sha256, attempt)
                resumed_at = resumed_at or offset
                continue
            if _code(response) == "offset_mismatch":
                offset = int(response.headers.get("Upload-Offset", "0"))
                resumed_at = resumed_at or offset
                continue
            body = decode(response)
            if body["complete"]:
                counted.set(size)
                return interrupted, resumed_at
            interrupted, offset = True, int(body["offset"])
        if fault:
            message = server_fault_message(fault, self.transport.retry.attempts * 2)
            raise SyncError(f"{kind_word(name)} {name} 上传失败：{message}")
        raise SyncError(f"{kind_word(name)} {name} 多次上传失败，下次同步时从断点继续")

    def _after_failure(self, sha256: str, attempt: int) -> int:
        """Back off, then ask the server how much of the file it holds."""
        self.transport.retry.sleep(self.transport.retry.delay(min(attempt, 6)))
        return int(self.transport.call("GET", f"/blobs/{sha256}")["offset"])

    def _patch(
        self, sha256: str, content: bytes, offset: int, label: str, counted: "_Counted"
    ) -> requests.Response:
        with io.BytesIO(content) as fh:  # decrypted: the server gets the content
            fh.seek(offset)
            body = _FileBody(fh, len(content) - offset, self.run, label, counted)
            return self.transport.send_once(
                "PATCH",
                f"/blobs/{sha256}",
                data=body,
                headers={
                    "Upload-Offset": str(offset),
                    "Content-Type": "application/octet-stream",
                },
            )


def _finished(sending: list["Future[str | None]"], everything: bool) -> list[str]:
    """Wait for the first file of ``sending`` to be sent (all of them when ``everything``) and
    take it off; a refusal or a stop is raised once every file under way has finished."""
    if not sending:
        return []
    done, _ = wait(sending, return_when=ALL_COMPLETED if everything else FIRST_COMPLETED)
    failed = next((f.exception() for f in sending if f.done() and f.exception()), None)
    if failed is not None:
        wait(sending)
        raise failed
    notes = [note for future in sending if future in done and (note := future.result())]
    sending[:] = [future for future in sending if future not in done]
    return notes


class _Counted:
    """How much of one file the progress counts, so a resend from an earlier offset (or
    several files going up at once) keeps the run's byte count right."""

    def __init__(self, run: _Run):
        self._run, self.bytes = run, 0

    def set(self, position: int) -> None:
        self.add(position - self.bytes)

    def add(self, count: int) -> None:
        self.bytes += count
        self._run.add_bytes(count)


class _FileBody:
    """A streamed request body: read in chunks, counts bytes, honours cancel mid-file."""

    def __init__(self, fh: BinaryIO, length: int, run: _Run, label: str, counted: _Counted):
        self._fh, self._left, self._run, self._label = fh, length, run, label
        self._counted = counted

    def __len__(self) -> int:
        return self._left

    def read(self, size: int = -1) -> bytes:
        self._run.check()
        wanted = self._left if size < 0 else min(max(size, _READ_CHUNK), self._left)
        chunk = self._fh.read(wanted)
        self._left -= len(chunk)
        self._counted.add(len(chunk))
        self._run.emit(self._label)
        return chunk


def _content_of(store: Store, sha256: str) -> bytes | None:
    """The file's content, decrypted; None when it is missing or cannot be decrypted."""
    if not has_content(store, sha256):
        return None
    try:
        return read_bytes(store, sha256)
    except UserError:
        return None


def _code(response: requests.Response) -> str:
    if response.status_code != 409:
        return ""
    try:
        body: Any = response.json()
        return str(body.get("code", ""))
    except ValueError:
        return ""


def _left(item: outbox.OutboxItem, reason: str) -> RecordResult:
    return RecordResult(item.key, item.label, "waiting", f"未上传：{reason}")


def _left_for_next_time(report: PushReport, run: "_Run", key: str, label: str) -> bool:
    """After a stop or a cancel, a record still queued is listed as waiting, not sent."""
    report.cancelled = report.cancelled or run.cancelled()
    if not (report.stopped or report.cancelled):
        return False
    reason = report.stopped or "已取消，下次同步时继续"
    report.results.append(RecordResult(key, label, "waiting", f"未上传：{reason}"))
    return True


def _stopped_by(report: PushReport, exc: SyncError) -> None:
    """A sync error ends the push here: what follows waits for the next time."""
    report.stopped = exc.message
    report.login_required = isinstance(exc, LoginRequired)
