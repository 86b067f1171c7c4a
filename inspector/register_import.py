"""Importing the register of organizations from the files offices export (CSV or XLSX).

A file is read into cells, the header row is matched to our fields (Chinese headers or English
aliases), and each row is validated on its own: a bad row is reported with its row number as
Excel shows it, the column and the reason, and the good rows still import.
"""

import csv
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from inspector import credit_code, jobs, registry
from inspector.errors import CreditCodeError, UserError
from inspector.model import Organization, OrgKind
from inspector.register_values import (
    BadValue,
    Cell,
    parse_credit_status,
    parse_date,
    parse_kind,
    parse_money,
    text_of,
)
from inspector.store import DiskFullError, Store

log = logging.getLogger(__name__)

# Field → accepted headers, compared after ``_header_key`` (NFKC, no spaces, lower-case,
# without a leading '*' or a trailing unit in brackets).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "credit_code", "uscc"),
    "name": ("社会组织名称", "组织名称", "单位名称", "名称", "name"),
    "kind": ("类型", "组织类型", "社会组织类型", "类别", "kind", "type"),
    "legal_rep": ("法定代表人", "法人代表", "法定代表人姓名", "legal_rep"),
    "address": ("住所", "住所地", "地址", "注册地址", "address"),
    "district": ("所在区县", "行政区划", "所属区县", "区县", "district"),
    "registration_authority": ("登记管理机关", "登记机关", "registration_authority"),
    "authority_level": ("机关级别", "登记机关级别", "登记管理机关级别", "authority_level"),
    "supervising_unit": ("业务主管单位", "supervising_unit"),
    "founded_on": ("成立登记日期", "成立日期", "登记日期", "founded_on"),
    "registered_capital": (
        "注册资金",
        "开办资金",
        "原始基金",
        "注册资本",
        "registered_capital",
    ),
    "credit_status": ("信用状态", "信用情况", "credit_status"),
    "registration_number": ("登记证号", "登记证书号", "证书号", "registration_number"),
}
REQUIRED_FIELDS = ("credit_code", "name")
FIELD_LABELS = {field_name: aliases[0] for field_name, aliases in HEADER_ALIASES.items()}
_HEADER_LOOKUP = {
    unicodedata.normalize("NFKC", alias).lower(): field_name
    for field_name, aliases in HEADER_ALIASES.items()
    for alias in aliases
}
_UNIT_SUFFIX = re.compile(r"\(([^()]*)\)$")
# Exports often put a title line or two above the header row.
_HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class RowProblem:
    """Why one row was rejected. ``row`` is the row number Excel shows (header = 1)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行，“{self.column}”列：{self.reason}"


@dataclass(frozen=True)
class ParsedRegister:
    """A validated file: the good rows, and the problems of the rest."""

    organizations: list[Organization]
    columns: frozenset[str]  # Organization fields the file has a column for
    problems: list[RowProblem] = field(default_factory=list)
    rejected_rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    inserted: int
    updated: int
    rejected_rows: int
    problems: list[RowProblem]
    ignored_headers: list[str]
    dry_run: bool

    @property
    def summary(self) -> str:
        return f"导入 {self.inserted} 条，更新 {self.updated} 条，拒绝 {self.rejected_rows} 条"


@dataclass(frozen=True)
class _Header:
    """Which cell holds which field, and the unit a money header declares."""

    row_number: int
    positions: dict[str, int]
    titles: dict[str, str]  # field → the header text as written in the file
    capital_in_wan: bool
    width: int
    ignored: list[str]


def import_file(
    store: Store,
    path: Path,
    dry_run: bool = False,
    job: jobs.Job = jobs.UNWATCHED,
) -> ImportReport:
    """Read, validate and upsert a register file; with ``dry_run`` nothing is written.

    ``job`` sees the rows written after each committed batch; a cancel stops the import
    between batches (``jobs.Cancelled``) with the batches so far kept, so it can be re-run.
    """
    job.report(jobs.Step(text="正在读取名录文件"))
    parsed = read_register(path)
    total = len(parsed.organizations)
    if dry_run:
        known = registry.existing_ids(store, [org.credit_code for org in parsed.organizations])
        counts = registry.UpsertCounts(total - len(known), len(known))
    else:
        jobs.check(job)
        counts = _upsert(store, parsed, path, job)
    log.info("imported %s: %s (dry run: %s)", path, counts, dry_run)
    return ImportReport(
        inserted=counts.inserted,
        updated=counts.updated,
        rejected_rows=parsed.rejected_rows,
        problems=parsed.problems,
        ignored_headers=parsed.ignored_headers,
        dry_run=dry_run,
    )


def _upsert(
    store: Store,
    parsed: ParsedRegister,
    path: Path,
    job: jobs.Job,
) -> registry.UpsertCounts:
    """Upsert the good rows; a full disk says how many rows were saved and how many not."""
    saved = registry.UpsertCounts()

    def committed(counts: registry.UpsertCounts) -> None:
        nonlocal saved
        saved = counts
        job.report(jobs.Step(counts.inserted + counts.updated, len(parsed.organizations)))
        jobs.check(job)

    try:
        return registry.upsert_many(
            store, parsed.organizations, columns=parsed.columns, on_batch=committed
        )
    except DiskFullError as exc:
        total = len(parsed.organizations)
        done = saved.inserted + saved.updated
        raise DiskFullError(
            f"{exc.message}\n导入未完成：{path.name} 的 {total} 条有效数据中已保存 {done} 条"
            f"（新增 {saved.inserted}，更新 {saved.updated}），未保存 {total - done} 条。"
            "腾出磁盘空间后重新导入同一文件即可补全，已保存的行不会重复。"
        ) from exc


def read_register(path: Path) -> ParsedRegister:
    """Read and validate a CSV or XLSX register file. Whole-file problems raise ``UserError``."""
    rows = iter(_read_rows(path))
    header = _find_header(rows, path)
    organizations: list[Organization] = []
    problems: list[RowProblem] = []
    rejected = 0
    first_row_of_code: dict[str, int] = {}
    for number, cells in rows:
        if all(text_of(cell) == "" for cell in cells):
            continue
        org, row_problems = _validate_row(number, cells, header)
        if org is not None and org.credit_code in first_row_of_code:
            first = first_row_of_code[org.credit_code]
            reason = f"统一社会信用代码 {org.credit_code} 与第 {first} 行重复"
            row_problems.append(RowProblem(number, header.titles["credit_code"], reason))
        if row_problems:
            problems.extend(row_problems)
            rejected += 1
            continue
        assert org is not None
        first_row_of_code[org.credit_code] = number
        organizations.append(org)
    return ParsedRegister(
        organizations=organizations,
        columns=frozenset(header.positions),
        problems=problems,
        rejected_rows=rejected,
        ignored_headers=header.ignored,
    )


def _read_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    """Rows of cells numbered as in Excel (the first row is 1)."""
    if path.suffix.lower() == ".xls":
        raise UserError(
            f"不支持旧版 Excel（.xls）文件：{path.name}。请另存为 .xlsx 或 CSV 后再导入"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取文件 {path}：{exc.strerror}") from exc
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path)
    return _csv_rows(data, path)


def _csv_rows(data: bytes, path: Path) -> Iterator[tuple[int, list[Cell]]]:
    text = _decode(data, path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        # Excel shows one row per record even when a quoted cell spans several lines.
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise UserError(f"CSV 文件格式错误（第 {reader.line_num} 行附近）：{exc}") from exc


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


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    # openpyxl costs ~130 ms to import: loaded when a spreadsheet is read, not at start-up.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise UserError(f"无法读取 Excel 文件 {path.name}：文件已损坏或不是 .xlsx 格式") from exc
    try:
        sheet = workbook.worksheets[0]
        # Some exporters write a wrong <dimension>; read-only mode would trust it and cut rows.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


def _header_key(title: str) -> tuple[str, str]:
    """The alias-lookup key of a header, and the unit in trailing brackets, if any."""
    key = unicodedata.normalize("NFKC", title).replace(" ", "").lstrip("*").lower()
    unit = _UNIT_SUFFIX.search(key)
    if unit is None:
        return key, ""
    return key[: unit.start()], unit.group(1)


def _find_header(rows: Iterator[tuple[int, list[Cell]]], path: Path) -> _Header:
    first: _Header | None = None
    for number, cells in rows:
        if all(text_of(cell) == "" for cell in cells):
            continue
        header = _parse_header(number, cells)
        if all(name in header.positions for name in REQUIRED_FIELDS):
            return header
        first = first or header
        if number >= _HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise UserError(f"文件 {path.name} 是空的，没有表头和数据")
    missing = [FIELD_LABELS[name] for name in REQUIRED_FIELDS if name not in first.positions]
    raise UserError(
        f"文件 {path.name} 缺少必需的列：{'、'.join(missing)}（第 {first.row_number} 行为表头）"
    )


def _parse_header(number: int, cells: list[Cell]) -> _Header:
    positions: dict[str, int] = {}
    titles: dict[str, str] = {}
    ignored: list[str] = []
    capital_in_wan = False
    for index, cell in enumerate(cells):
        title = text_of(cell)
        key, unit = _header_key(title)
        field_name = _HEADER_LOOKUP.get(key)
        if field_name is None:
            if title:
                ignored.append(title)
            continue
        if field_name in positions:
            raise UserError(f"表头中“{titles[field_name]}”和“{title}”是同一项，请只保留一列")
        positions[field_name] = index
        titles[field_name] = title
        if field_name == "registered_capital":
            capital_in_wan = unit in ("万元", "万")
    return _Header(number, positions, titles, capital_in_wan, len(cells), ignored)


def _validate_row(
    number: int, cells: list[Cell], header: _Header
) -> tuple[Organization | None, list[RowProblem]]:
    extra = [cell for cell in cells[header.width :] if text_of(cell) != ""]
    if extra:
        reason = f"该行比表头多出 {len(extra)} 个单元格（可能是未加引号的逗号或错位），整行未导入"
        return None, [RowProblem(number, "整行", reason)]
    values: dict[str, object] = {}
    problems: list[RowProblem] = []
    for field_name, index in header.positions.items():
        cell = cells[index] if index < len(cells) else None
        try:
            values[field_name] = _parse_field(field_name, cell, header)
        except BadValue as exc:
            problems.append(RowProblem(number, header.titles[field_name], exc.reason))
    if not problems and not values.get("kind"):
        try:
            values["kind"] = _kind_from_code(str(values["credit_code"]))
        except BadValue as exc:
            column = header.titles.get("kind", header.titles["credit_code"])
            problems.append(RowProblem(number, column, exc.reason))
    if problems:
        return None, problems
    return Organization(**values), []  # type: ignore[arg-type]


def _parse_field(field_name: str, cell: Cell, header: _Header) -> object:
    if field_name == "credit_code":
        return _parse_code(cell)
    if field_name == "kind":
        return parse_kind(cell)
    if field_name == "credit_status":
        return parse_credit_status(cell)
    if field_name == "founded_on":
        return parse_date(cell)
    if field_name == "registered_capital":
        return parse_money(cell, in_wan=header.capital_in_wan)
    value = text_of(cell)
    if field_name == "name" and not value:
        raise BadValue("社会组织名称不能为空")
    return value


def _parse_code(cell: Cell) -> str:
    if isinstance(cell, int | float):
        raise BadValue("代码被 Excel 存成了数字，可能已丢失位数；请把该列设为“文本”格式后重新录入")
    try:
        return credit_code.validate(text_of(cell))
    except CreditCodeError as exc:
        raise BadValue(exc.message) from exc


def _kind_from_code(code: str) -> OrgKind:
    try:
        return credit_code.org_kind(code)
    except CreditCodeError as exc:
        raise BadValue(f"类型为空，且无法从代码推断：{exc.message}") from exc
