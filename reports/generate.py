"""Writing documents to files: one notice, the on-site record, the report, or a batch of notices.

This is the API the CLI and the UI call. The batch takes an ``inspector.jobs.Job`` (progress,
cancel) and touches no GUI, so the UI can run it on a worker thread.

python-docx leaves each document in reference cycles; a batch collects them every
``_COLLECT_EVERY`` notices (100 DOCX here: 74 MB of peak growth without, about 60 MB with),
but only on the main thread (the CLI's): a collection on a worker thread can delete Qt objects
there and crash (``ui/gc_guard.py``). In the GUI the batch runs on the task runner's worker
and the GUI thread collects from its own timer.
"""

import dataclasses
import gc
import logging
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from inspector import authorities, jobs, notices, preferences
from inspector.clock import to_local
from inspector.errors import UserError
from inspector.store import Store
from reports import compose, fonts
from reports.content import NoticeContent, notice_content, record_content
from reports.document import Document
from reports.formatting import chinese_date

log = logging.getLogger(__name__)
_COLLECT_EVERY = 50


class Format(StrEnum):
    PDF = "pdf"
    DOCX = "docx"


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
    stem = f"{content.number}_{content.inspection.org.name}"
    paths = _write_all(store, compose.notice(content), out_dir, stem, formats, font_set)
    return WrittenNotice(content.inspection.id, content.number, content.version, paths)


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
) -> BatchResult:
    """Notices for every approved inspection with findings (or the ids given).

    ``job`` sees a step after each inspection ("已生成 N / M 份"); a cancel is checked before
    each one and stops the batch cleanly between notices. One notice that cannot be made is
    reported in ``failed`` and the batch goes on.
    """
    ids = list(inspection_ids) if inspection_ids is not None else notices.candidate_ids(store)
    font_set = _fonts(store) if Format.PDF in formats else None
    result = BatchResult(notes=advisories(store, formats))
    job.report(_counted(0, len(ids)))
    for done, inspection_id in enumerate(ids, start=1):
        if job.cancelled():
            result.cancelled = True
            break
        try:
            written = write_notice(
                store, inspection_id, out_dir, formats, actor=actor, font_set=font_set
            )
            result.written.append(written)
        except UserError as exc:
            log.info("notice for %s not made: %s", inspection_id, exc)
            result.failed.append((inspection_id, exc.message))
        job.report(_counted(done, len(ids)))
        if done % _COLLECT_EVERY == 0 and threading.current_thread() is threading.main_thread():
            gc.collect()
    return result


def _counted(done: int, total: int) -> jobs.Step:
    return jobs.Step(done, total, f"已生成 {done} / {total} 份")


def render(document: Document, fmt: Format, font_set: fonts.FontSet | None) -> bytes:
    """A composed document as the bytes of a PDF or DOCX file."""
    # The renderers load reportlab's platypus and python-docx (~150 ms): on first use, not
    # when the supervisor's window starts.
    if fmt is Format.DOCX:
        from reports import docx_render

        return docx_render.render(document)
    from reports import pdf

    return pdf.render(document, font_set or fonts.resolve())


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
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法创建输出文件夹：{out_dir}（{exc.strerror}）") from exc
    paths = []
    for fmt in formats:
        target = out_dir / f"{_safe_name(stem)}.{fmt.value}"
        _write_atomically(target, render(document, fmt, font_set))
        paths.append(target)
    return tuple(paths)


def _safe_name(name: str) -> str:
    """A file name Windows accepts: no reserved characters, not too long."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._")[:120] or "document"


def _process_umask() -> int:
    """The umask, read once at start-up (reading it means setting it, which is not safe to do
    while other threads create files)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _process_umask()


def _write_atomically(target: Path, data: bytes) -> None:
    """Never leave a half-written document: write beside it, then rename.

    The temporary file is private (0600); the document gets the mode any file written by the
    user would get (0666 less the umask), so colleagues sharing the folder can read it.
    """
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise UserError(f"无法写入文件：{target}（{exc.strerror}）") from exc
