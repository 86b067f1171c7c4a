"""Rendering a composed document and writing its files: no store, so a worker process can do it.

``reports.generate`` calls this in the process that numbers the notices, and
``reports.render_pool`` in the worker processes of a batch.
"""

import os
import re
import tempfile
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from inspector.errors import UserError
from reports import fonts
from reports.document import Document


class Format(StrEnum):
    PDF = "pdf"
    DOCX = "docx"


def render(document: Document, fmt: Format, font_set: fonts.FontSet | None) -> bytes:
    """A composed document as the bytes of a PDF or DOCX file."""
    # The renderers load reportlab's platypus and python-docx (~150 ms): on first use, not
    # when the supervisor's window starts.
    if fmt is Format.DOCX:
        from reports import docx_render

        return docx_render.render(document)
    from reports import pdf

    return pdf.render(document, font_set or fonts.resolve())


def write(
    document: Document,
    out_dir: Path,
    stem: str,
    formats: Sequence[Format],
    font_set: fonts.FontSet | None,
) -> tuple[Path, ...]:
    """One file per format, named ``stem``; each one whole or not there at all."""
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
PART_PREFIX = ".part-"


def _write_atomically(target: Path, data: bytes) -> None:
    """Never leave a half-written document: write beside it, then rename.

    The temporary file is private (0600); the document gets the mode any file written by the
    user would get (0666 less the umask), so colleagues sharing the folder can read it.
    """
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=PART_PREFIX)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise UserError(f"无法写入文件：{target}（{exc.strerror}）") from exc
