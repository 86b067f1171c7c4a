"""The DOCX, opened by LibreOffice, lays out as our PDF: same pages, same line breaks.

LibreOffice (``soffice --headless --convert-to pdf``) renders the DOCX of a notice, an on-site
record and an inspection report. The faces the DOCX names (仿宋, 宋体, 黑体, 楷体) are mapped by a
fontconfig file to the faces our PDF embedded, as on a machine that has them installed, so
the comparison is of layout, not of font substitution. Then, page by page, the rows of text
(words grouped by their height on the page) are compared with those of our PDF.

Known difference, allowed for by the tolerance: LibreOffice reads ``w:overflowPunct="0"``
(which tells Word not to hang punctuation in the margin) the other way round, so where a
closing mark falls just past the line end it hangs it and its paragraph breaks one character
later.
"""

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector.store import open_store
from reports import fonts, generate
from reports.fonts import DOCX_EAST_ASIAN
from tests.test_reports_record import pages_of, record_pages_are_signed
from tests.test_reports_support import POPPLER, Finding, add_org, inspection, setup_office

SOFFICE = shutil.which("soffice") or "soffice"
BOTH = [generate.Format.PDF, generate.Format.DOCX]


# In CI ($CI set) a missing tool fails the test instead of skipping it (tests/conftest.py).
pytestmark = pytest.mark.needs("soffice", *POPPLER)


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Path]]:
    """(our PDF, LibreOffice's PDF of our DOCX) for a notice, a long notice, record, report."""
    folder = tmp_path_factory.mktemp("lo")
    store = open_store(folder / "inspector.db")
    office = setup_office(store)
    fee = inspection(store, office, add_org(store))
    many = tuple(
        Finding(f"第{n}项：该协会在{n}月举办的培训中强制会员企业参加并收取培训费¥167,300.00元")
        for n in range(1, 12)
    )
    long = inspection(store, office, add_org(store, code="51100000500009247D"), found=many)
    out = folder / "out"
    paths = [
        *generate.write_notice(store, fee, out, BOTH, actor="科长").paths,
        *generate.write_notice(store, long, out, BOTH, actor="科长").paths,
        *generate.write_record(store, fee, out, BOTH),
        *generate.write_report(store, fee, out, BOTH),
    ]
    store.close()
    yield paths


def _fontconfig(folder: Path) -> Path:
    """A fontconfig file that resolves the DOCX's face names to the faces our PDF embeds."""
    faces = fonts.resolve().faces
    rules = "".join(
        f'<match target="pattern"><test name="family"><string>{DOCX_EAST_ASIAN[role]}</string>'
        f'</test><edit name="family" mode="assign" binding="strong"><string>{face.family}'
        "</string></edit></match>"
        for role, face in faces.items()
    )
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include>{rules}</fontconfig>',
        encoding="utf-8",
    )
    return conf


def _libreoffice_pdfs(docx_files: list[Path], folder: Path) -> dict[str, Path]:
    profile = folder / "profile"
    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(folder)), "HOME": str(folder)}
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "lo"),
            *map(str, docx_files),
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    return {path.stem: path for path in (folder / "lo").glob("*.pdf")}


def _rows(pdf: Path) -> list[list[str]]:
    """Per page, the rows of text from top to bottom, each row's words joined left to right."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        words = sorted(
            (float(y), float(x), word)
            for x, y, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>',
                page,
            )
        )
        rows: list[tuple[float, list[tuple[float, str]]]] = []
        for y, x, word in words:
            if rows and y - rows[-1][0] <= 4:
                rows[-1][1].append((x, word))
            else:
                rows.append((y, [(x, word)]))
        pages.append(["".join(word for _, word in sorted(row)) for _, row in rows])
    return pages


def test_libreoffice_lays_out_the_docx_as_our_pdf(documents: list[Path], tmp_path: Path) -> None:
    ours = {path.stem: path for path in documents if path.suffix == ".pdf"}
    theirs = _libreoffice_pdfs([path for path in documents if path.suffix == ".docx"], tmp_path)
    assert sorted(theirs) == sorted(ours)
    for stem, pdf in ours.items():
        our_pages, their_pages = _rows(pdf), _rows(theirs[stem])
        assert len(their_pages) == len(our_pages), stem
        same = total = 0
        for number, (our_rows, their_rows) in enumerate(
            zip(our_pages, their_pages, strict=True), start=1
        ):
            assert abs(len(our_rows) - len(their_rows)) <= 1, (stem, number)
            same += sum(row in their_rows for row in our_rows)
            total += len(our_rows)
        # the same line breaks: all but a paragraph or so of each document's rows are identical
        assert same >= total - 6, (stem, same, total)


def test_libreoffice_puts_the_records_line_to_sign_on_every_page(
    documents: list[Path], tmp_path: Path
) -> None:
    """The DOCX footer: Word and LibreOffice repeat it on each page and fill in the count."""
    [record] = [p for p in documents if p.suffix == ".docx" and p.stem.startswith("现场检查记录")]
    theirs = _libreoffice_pdfs([record], tmp_path)[record.stem]
    record_pages_are_signed(pages_of(theirs))
