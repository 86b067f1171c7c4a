"""Register files as offices have them, read into numbered rows of cells.

CSV in UTF-8 or GBK with whatever delimiter the exporter chose (sniffed), cells Excel wrapped
as ``="…"`` unwrapped; XLSX with every sheet available and merged cells filled (the value of
a merged range is given to every cell it covers, as a person reads it).
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import openpyxl
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from inspector.errors import UserError
from inspector.register_values import Cell

Row = tuple[int, list[Cell]]  # the row number as Excel shows it (first row = 1), the cells
DELIMITER_NAMES = {",": "逗号", "\t": "制表符（Tab）", ";": "分号", "|": "竖线"}
_SNIFF_LINES = 20
_EXCEL_TEXT = re.compile(r'="(.*)"', re.DOTALL)
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


class Sheet(Protocol):
    """One table of a file: ``name`` is the sheet's name ("" for a CSV file)."""

    @property
    def name(self) -> str: ...

    def rows(self) -> Iterator[Row]:
        """The rows from the first, each time it is called."""
        ...

    @property
    def expected_rows(self) -> int:
        """About how many rows the sheet has, for progress (0: not known)."""
        ...


@dataclass(frozen=True)
class CsvSheet:
    name: str
    text: str
    delimiter: str

    @property
    def expected_rows(self) -> int:
        return self.text.count("\n") + 1

    def rows(self) -> Iterator[Row]:
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        try:
            # Excel shows one row per record even when a quoted cell spans several lines.
            for number, cells in enumerate(reader, start=1):
                yield number, [_unwrap(cell) for cell in cells]
        except csv.Error as exc:
            raise UserError(f"CSV 文件格式错误（第 {reader.line_num} 行附近）：{exc}") from exc


@dataclass(frozen=True)
class XlsxSheet:
    name: str
    sheet: ReadOnlyWorksheet
    expected_rows: int = 0  # from the sheet's <dimension>, which may be wrong: progress only

    def rows(self) -> Iterator[Row]:
        merges = _merges(self.sheet)
        values_of_anchors: dict[tuple[int, int], Cell] = {}
        for number, values in enumerate(self.sheet.iter_rows(values_only=True), start=1):
            cells: list[Cell] = list(values)
            for column in merges.anchors.get(number, ()):
                values_of_anchors[(number, column)] = cells[column] if column < len(cells) else None
            for column, anchor in merges.covered.get(number, ()):
                cells.extend([None] * (column + 1 - len(cells)))
                cells[column] = values_of_anchors.get(anchor)
            yield number, cells


@contextmanager
def open_sheets(path: Path) -> Iterator[list[Sheet]]:
    """The sheets of a CSV (one, unnamed) or XLSX file; whole-file problems raise ``UserError``."""
    if path.suffix.lower() == ".xls":
        raise UserError(
            f"不支持旧版 Excel（.xls）文件：{path.name}。请另存为 .xlsx 或 CSV 后再导入"
        )
    try:
        with path.open("rb") as fh:
            start = fh.read(4)
    except OSError as exc:
        raise UserError(f"无法读取文件 {path}：{exc.strerror}") from exc
    if start != b"PK\x03\x04":
        text = _decode(path.read_bytes(), path)
        yield [CsvSheet("", text, sniff_delimiter(text))]
        return
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise UserError(f"无法读取 Excel 文件 {path.name}：文件已损坏或不是 .xlsx 格式") from exc
    try:
        sheets: list[Sheet] = []
        for worksheet in workbook.worksheets:
            if isinstance(worksheet, ReadOnlyWorksheet):
                expected = worksheet.max_row or 0
                # Some exporters write a wrong <dimension>; read-only mode would trust it.
                worksheet.reset_dimensions()
                sheets.append(XlsxSheet(worksheet.title, worksheet, expected))
        yield sheets
    finally:
        workbook.close()


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most columns; a comma on a tie."""
    head = "\n".join(text.splitlines()[:_SNIFF_LINES])
    best, best_width = ",", 0
    for delimiter in DELIMITER_NAMES:
        try:
            rows = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        width = max((len(row) for row in rows), default=0)
        if width > best_width:
            best, best_width = delimiter, width
    return best


def _unwrap(cell: str) -> str:
    """``="0123"`` is how Excel users keep a code as text in a CSV: the text is the code."""
    match = _EXCEL_TEXT.fullmatch(cell.strip())
    return match.group(1) if match else cell


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of the GBK Excel writes)."""
    if b"\x00" in data:
        raise UserError(
            f"文件 {path.name} 不是 CSV 文本文件（含有二进制内容，可能是 UTF-16 编码或其他格式）。"
            "请在 Excel 中“另存为”CSV（逗号分隔）或 .xlsx 后再导入"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(
        f"无法识别文件 {path.name} 的文字编码：既不是 UTF-8，也不是 GBK/GB18030。"
        "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入"
    )


@dataclass(frozen=True)
class _Merges:
    covered: dict[int, list[tuple[int, tuple[int, int]]]]  # row → [(column, anchor cell)]
    anchors: dict[int, list[int]]  # row → columns where a merged range starts


def _merges(sheet: ReadOnlyWorksheet) -> _Merges:
    """The merged ranges of a sheet; columns are 0-based, rows as Excel numbers them.

    Read-only worksheets do not parse merges, so they are read from the sheet's XML, where
    they follow the cell data.
    """
    with sheet._get_source() as source:  # openpyxl's own handle on the sheet's XML part
        xml = source.read()
    tail = xml[xml.rfind(b"</sheetData>") :]
    merges = _Merges({}, {})
    for ref in _MERGE_REF.findall(tail):
        min_col, min_row, max_col, max_row = (int(b or 0) for b in range_boundaries(ref.decode()))
        anchor = (min_row, min_col - 1)
        merges.anchors.setdefault(min_row, []).append(min_col - 1)
        for row in range(min_row, max_row + 1):
            for column in range(min_col - 1, max_col):
                if (row, column) != anchor:
                    merges.covered.setdefault(row, []).append((column, anchor))
    return merges
