"""Writing documents to files: one notice, the on-site record, the report, or a batch of notices.

This is the API the CLI and the UI call. The batch takes an ``inspector.jobs.Job`` (progress,
cancel) and touches no GUI, so the UI can run it on a worker thread.

A batch numbers its notices here and renders them in worker processes
(``reports.render_pool``), which also says how python-docx's reference cycles are collected.
"""

import dataclasses
import logging
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from inspector import authorities, jobs, notices, preferences
from inspector.clock import to_local
from inspector.errors import UserError
from inspector.store import Store
from reports import compose, files, fonts, render_pool
from reports.content import NoticeContent, notice_content, record_content
from reports.document import Document
from reports.files import Format as Format  # re-exported: callers name generate.Format
from reports.formatting import chinese_date

log = logging.getLogger(__name__)


def parse_formats(text: str) -> list[Format]:
    """``"pdf,docx"`` → [PDF, DOCX]; anything else is refused in Chinese."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in Format.__members__.values()]
    if unknown or not names:
        raise UserError(f"不支持的文件格式：{'、'.join(unknown) or '（空）'}；可选 pdf、docx")
    return [Format(n) for n in dict.fromkeys(names)]


@dataclass(frozen=True)
class WrittenNotice:
    inspection_id: str
    number: str
    version: int
    paths: tuple[Path, ...]


@dataclass
class BatchResult:
    written: list[WrittenNotice] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (inspection id, message)
    cancelled: bool = False
    notes: list[str] = field(default_factory=list)  # warnings to show once (see ``advisories``)


def advisories(store: Store, formats: Sequence[Format], *, notice: bool = True) -> list[str]:
    """What the user should know before relying on the files: the 公文 faces that stand-ins
    replace (PDF), and for notices the contact details or 复议机关 not set."""
    notes = []
    if Format.PDF in formats:
        notes.append(_fonts(store).stand_ins())
    if notice:
        notes.append(notices.missing_warning(notices.load_settings(store)))
        notes += [
            f"提示：发文机关“{a.name}”未设置机关代字，已自动使用“{a.code}”编号；请核对"
            f"（inspector notice-authority --name {a.name} --code 机关代字）。"
            for a in authorities.automatic_codes(store)
        ]
    return [note for note in notes if note]


def write_notice(
    store: Store,
    inspection_id: str,
    out_dir: Path,
    formats: Sequence[Format],
    *,
    actor: str,
    font_set: fonts.FontSet | None = None,
) -> WrittenNotice:
    """Issue (or reprint) the rectification notice of one inspection and write its files.

    The number is recorded before any file is written: if writing fails, the number stays
    with this inspection and the next attempt prints the same number.
    """
    content = numbered_notice(store, inspection_id, actor=actor)
    return _write_notice(store, content, out_dir, formats, font_set)


def reissue_notice(
    store: Store,
    inspection_id: str,
    out_dir: Path,
    formats: Sequence[Format],
    *,
    reason: str,
    actor: str,
) -> WrittenNotice:
    """A new notice under a new number, with today's settings, naming the one it replaces."""
    notices.require_issuable(store, inspection_id)
    settings = _settings_for(store, inspection_id, actor)
    content = notice_content(store, inspection_id, settings)
    issued = notices.reissue(
        store,
        inspection_id,
        content_hash=content.fingerprint(),
        settings=settings,
        reason=reason,
        actor=actor,
    )
    return _write_notice(store, _numbered(store, content, issued), out_dir, formats, None)


def numbered_notice(store: Store, inspection_id: str, *, actor: str) -> NoticeContent:
    """The notice's facts with its number: issued now, or the notice already issued, printed
    with the settings it was issued with (later settings apply only to later notices)."""
    notices.require_issuable(store, inspection_id)
    current = notices.latest(store, inspection_id)
    settings = current.issued_settings() if current else _settings_for(store, inspection_id, actor)
    content = notice_content(store, inspection_id, settings)
    issued = notices.issue(
        store, inspection_id, content_hash=content.fingerprint(), settings=settings, actor=actor
    )
    return _numbered(store, content, issued)


def _settings_for(store: Store, inspection_id: str, actor: str) -> notices.NoticeSettings:
    """Today's settings for a new notice of this inspection: its issuing authority's 代字
    (series), 复议机关 and contact (``inspector.authorities``)."""
    settings = notices.load_settings(store)
    name = notice_content(store, inspection_id, settings).authority
    return authorities.settings_for(store, settings, name, actor=actor)


def _numbered(store: Store, content: NoticeContent, issued: notices.IssuedNotice) -> NoticeContent:
    replaced = notices.get(store, issued.replaces) if issued.replaces else None
    replaces = (
        f"{chinese_date(to_local(replaced.issued_at).date())}出具的{replaced.number}"
        if replaced
        else ""
    )
    return dataclasses.replace(
        content,
        number=issued.number,
        version=issued.version,
        issued_at=to_local(issued.issued_at),
        replaces=replaces,
    )


def _write_notice(
    store: Store,
    content: NoticeContent,
    out_dir: Path,
    formats: Sequence[Format],
    font_set: fonts.FontSet | None,
) -> WrittenNotice:
    paths = _write_all(store, compose.notice(content), out_dir, _stem(content), formats, font_set)
    return WrittenNotice(content.inspection.id, content.number, content.version, paths)


def _stem(content: NoticeContent) -> str:
    return f"{content.number}_{content.inspection.org.name}"


def write_record(
    store: Store, inspection_id: str, out_dir: Path, formats: Sequence[Format]
) -> tuple[Path, ...]:
    """The on-site record 现场检查记录 of any inspection."""
    content = record_content(store, inspection_id)
    stem = f"现场检查记录_{content.inspection.org.name}_{content.inspection.started_at:%Y%m%d}"
    return _write_all(store, compose.onsite_record(content), out_dir, stem, formats, None)


def write_report(
    store: Store, inspection_id: str, out_dir: Path, formats: Sequence[Format]
) -> tuple[Path, ...]:
    """The inspection report: every answer, findings, evidence with fingerprints and photos."""
    content = record_content(store, inspection_id)
    stem = f"检查报告_{content.inspection.org.name}_{content.inspection.started_at:%Y%m%d}"
    return _write_all(store, compose.inspection_report(content), out_dir, stem, formats, None)


def generate_batch(
    store: Store,
    out_dir: Path,
    formats: Sequence[Format],
    *,
    actor: str,
    job: jobs.Job = jobs.UNWATCHED,
    inspection_ids: Sequence[str] | None = None,
    workers: int | None = None,
) -> BatchResult:
    """Notices for every approved inspection with findings (or the ids given).

    This process numbers each notice (the store's one writer); ``workers`` processes render
    and write the files (``reports.render_pool``; by default one per core for a batch of
    ``POOL_FROM`` or more, else this process). ``job`` sees a step as each notice is done
    ("已生成 N / M 份"), in order. A cancel is checked before each notice is numbered: the
    notices already handed to a worker are finished, the others dropped, so a cancel takes
    well under a second. One notice that cannot be made is reported in ``failed``, with its
    number once it has one, and the batch goes on.
    """
    ids = list(inspection_ids) if inspection_ids is not None else notices.candidate_ids(store)
    font_set = _fonts(store) if Format.PDF in formats else None
    result = BatchResult(notes=advisories(store, formats))
    batch = _Batch(result, job, len(ids))
    job.report(_counted(0, len(ids)))
    count = workers or render_pool.workers_for(len(ids))
    font_setting = preferences.get(store, fonts.FONT_SETTING)
    with render_pool.renderer(count, font_set, font_setting) as renderer:
        for inspection_id in ids:
            while len(batch.in_flight) >= renderer.depth:
                batch.settle_first()
            if job.cancelled() or batch.broken:
                result.cancelled = not batch.broken
                break
            try:
                content = numbered_notice(store, inspection_id, actor=actor)
            except UserError as exc:
                log.info("notice for %s not made: %s", inspection_id, exc)
                batch.fail(inspection_id, exc.message)
                continue
            stem = _stem(content)
            batch.in_flight.append(
                (content, renderer.submit(compose.notice(content), out_dir, stem, formats))
            )
        if result.cancelled:
            for _, future in batch.in_flight:
                future.cancel()  # only those no worker has started
        while batch.in_flight:
            batch.settle_first()
    if batch.broken:
        _remove_parts(out_dir)
    return result


@dataclass
class _Batch:
    """The notices of a batch in flight, settled in order into the ``BatchResult``."""

    result: BatchResult
    job: jobs.Job
    total: int
    in_flight: deque[tuple[NoticeContent, "Future[render_pool.Written]"]] = field(
        default_factory=deque
    )
    done_ids: list[str] = field(default_factory=list)
    broken: bool = False  # a worker died: nothing more is numbered

    def settle_first(self) -> None:
        content, future = self.in_flight.popleft()
        inspection_id, number = content.inspection.id, content.number
        kept = f"{number}已编号，未生成文件；再次生成时沿用此文号"
        if future.cancelled():
            self.fail(inspection_id, f"已取消：{kept}")
            return
        try:
            paths = future.result()
        except UserError as exc:  # names the file, hence the notice's number
            self.fail(inspection_id, exc.message)
            return
        except BrokenProcessPool:
            log.exception("a notice worker died while writing %s", number)
            self.broken = True
            self.fail(inspection_id, f"后台生成进程意外退出：{kept}")
            return
        except Exception:  # a defect: the log has the traceback, the user the notice's name
            log.exception("notice %s (%s) not written", number, inspection_id)
            self.fail(inspection_id, f"生成文件时出错（详见日志）：{kept}")
            return
        self.result.written.append(WrittenNotice(inspection_id, number, content.version, paths))
        self._step(inspection_id)

    def fail(self, inspection_id: str, message: str) -> None:
        self.result.failed.append((inspection_id, message))
        self._step(inspection_id)

    def _step(self, inspection_id: str) -> None:
        self.done_ids.append(inspection_id)
        self.job.report(_counted(len(self.done_ids), self.total))


def _remove_parts(out_dir: Path) -> None:
    """The temporary files of a worker that died mid-write (never taken for documents: they
    are hidden and have no document suffix), removed so nothing half-written stays."""
    for part in out_dir.glob(f"{files.PART_PREFIX}*"):
        part.unlink(missing_ok=True)


def _counted(done: int, total: int) -> jobs.Step:
    return jobs.Step(done, total, f"已生成 {done} / {total} 份")


def _fonts(store: Store) -> fonts.FontSet:
    return fonts.resolve(preferences.get(store, fonts.FONT_SETTING))


def _write_all(
    store: Store,
    document: Document,
    out_dir: Path,
    stem: str,
    formats: Sequence[Format],
    font_set: fonts.FontSet | None,
) -> tuple[Path, ...]:
    if Format.PDF in formats and font_set is None:
        font_set = _fonts(store)
    return files.write(document, out_dir, stem, formats, font_set)
