"""Importing the register of organizations from the files offices export (CSV or XLSX).

A file is read into rows (``register_files``: delimiter, encodings, sheets, merged cells), the
header — one row or two, below any title rows — is matched to our fields (Chinese headers or
English aliases), and each row is validated on its own: a bad row is reported with the file,
sheet, row number as Excel shows it, column and reason, and the good rows still import. Note
rows (合计, 制表人, a section title) are skipped and listed, not rejected.
"""

import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl.utils.cell import get_column_letter

from inspector import credit_code, jobs, registry
from inspector.errors import CreditCodeError, UserError
from inspector.model import Organization, OrgKind
from inspector.register_files import DELIMITER_NAMES, CsvSheet, Row, Sheet, open_sheets
from inspector.register_values import (
    BadValue,
    Cell,
    parse_credit_status,
    parse_date,
    parse_kind,
    parse_money,
    parse_registration_status,
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
    "registration_status": (
        "登记状态",
        "状态",
        "存续状态",
        "登记情况",
        "registration_status",
    ),
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
_ROWS_PER_STEP = 1000  # reading progress and the cancel check
# A row starting with one of these is a note (totals, who made the table), not an organization.
_NOTE_WORDS: tuple[str, ...] = (
    "合计",
    "总计",
    "共计",
    "小计",
    "制表",
    "填表",
    "审核",
    "注：",
    "注:",
    "说明",
    "备注",
)
_NOTE_WORDS += ("数据来源", "统计时间", "统计截止", "打印", "导出时间", "单位：", "单位:")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?e\+?\d+", re.IGNORECASE)


@dataclass(frozen=True)
class RowProblem:
    """Why one row was rejected: where (file, sheet, row as Excel numbers it, column) and why."""

    row: int
    column: str  # the header as written in the file, or 整行
    reason: str
    file: str = ""
    sheet: str = ""  # "" for a CSV file
    column_index: int | None = None  # 0-based; None for the whole row

    def __str__(self) -> str:
        place = [self.file] if self.file else []
        if self.sheet:
            place.append(f"工作表“{self.sheet}”")
        place.append(f"第 {self.row} 行")
        if self.column_index is None:
            place.append(self.column)
        else:
            place.append(f"“{self.column}”列（{get_column_letter(self.column_index + 1)} 列）")
        return "，".join(place) + f"：{self.reason}"


@dataclass(frozen=True)
class ParsedRegister:
    """A validated file: the good rows, and the problems of the rest."""

    organizations: list[Organization]
    columns: frozenset[str]  # Organization fields the file has a column for
    problems: list[RowProblem] = field(default_factory=list)
    rejected_rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # skipped rows: 第 N 行（“合计…”）
    sheet: str = ""
    delimiter: str = ","


@dataclass(frozen=True)
class ImportReport:
    inserted: int
    updated: int
    rejected_rows: int
    problems: list[RowProblem]
    ignored_headers: list[str]
    dry_run: bool
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)
    sheet: str = ""
    delimiter: str = ","

    @property
    def summary(self) -> str:
        return (
            f"导入 {self.inserted} 条，更新 {self.updated} 条，未变 {self.unchanged} 条，"
            f"拒绝 {self.rejected_rows} 条"
        )

    @property
    def source(self) -> str:
        """Which sheet was read, and the delimiter when it was not a comma."""
        parts = [f"工作表“{self.sheet}”"] if self.sheet else []
        if self.delimiter != ",":
            parts.append(f"分隔符：{DELIMITER_NAMES[self.delimiter]}")
        return "，".join(parts)


@dataclass(frozen=True)
class _Where:
    file: str
    sheet: str

    def __str__(self) -> str:
        return f"文件 {self.file}" + (f" 的工作表“{self.sheet}”" if self.sheet else "")


@dataclass(frozen=True)
class _Header:
    """Which cell holds which field, and the unit a money header declares."""

    row_number: int
    positions: dict[str, int]
    titles: dict[str, str]  # field → the header text as written in the file
    capital_in_wan: bool
    width: int
    ignored: dict[int, str]  # column → a header we do not know


class _NoHeader(UserError):
    pass


def import_file(
    store: Store | None,
    path: Path,
    dry_run: bool = False,
    job: jobs.Job = jobs.UNWATCHED,
    sheet: str | None = None,
) -> ImportReport:
    """Read, validate and upsert a register file; with ``dry_run`` nothing is written.

    ``store`` may be None only for a dry run (no store yet: every row would be new);
    ``sheet`` picks an XLSX sheet by name, else the first sheet with a header is read.
    ``job`` sees the rows written after each committed batch; a cancel stops the import
    between batches (``jobs.Cancelled``) with the batches so far kept, so it can be re-run.
    """
    job.report(jobs.Step(text="正在读取名录文件"))
    parsed = read_register(path, sheet, job)
    if dry_run:
        counts = registry.plan(store, parsed.organizations, parsed.columns)
    elif store is None:
        raise ValueError("a real import needs a store")
    else:
        jobs.check(job)
        counts = _upsert(store, parsed, path, job)
    log.info("imported %s: %s (dry run: %s)", path, counts, dry_run)
    return ImportReport(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected_rows=parsed.rejected_rows,
        problems=parsed.problems,
        ignored_headers=parsed.ignored_headers,
        dry_run=dry_run,
        notes=parsed.notes,
        sheet=parsed.sheet,
        delimiter=parsed.delimiter,
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
        job.report(jobs.Step(counts.processed, len(parsed.organizations), "正在写入"))
        jobs.check(job)

    try:
        return registry.upsert_many(
            store, parsed.organizations, columns=parsed.columns, on_batch=committed
        )
    except DiskFullError as exc:
        total = len(parsed.organizations)
        raise DiskFullError(
            f"{exc.message}\n导入未完成：{path.name} 的 {total} 条有效数据中已保存 "
            f"{saved.processed} 条（新增 {saved.inserted}，更新 {saved.updated}，"
            f"未变 {saved.unchanged}），未保存 {total - saved.processed} 条。"
            "腾出磁盘空间后重新导入同一文件即可补全，已保存的行不会重复。"
        ) from exc


def read_register(
    path: Path, sheet: str | None = None, job: jobs.Job = jobs.UNWATCHED
) -> ParsedRegister:
    """Read and validate a CSV or XLSX register file. Whole-file problems raise ``UserError``.

    ``job`` sees the rows read (of about how many the file has) and may cancel the reading.
    """
    with open_sheets(path) as sheets:
        chosen, header, rows = _choose_sheet(sheets, sheet, path)
        where = _Where(path.name, chosen.name)
        parsed = _read_rows(_watched(rows, chosen.expected_rows, job), header, where)
    delimiter = chosen.delimiter if isinstance(chosen, CsvSheet) else ","
    return replace(parsed, sheet=chosen.name, delimiter=delimiter)


def _choose_sheet(
    sheets: list[Sheet], name: str | None, path: Path
) -> tuple[Sheet, _Header, Iterator[Row]]:
    candidates = sheets if name is None else [s for s in sheets if s.name == name]
    if not candidates:
        names = "、".join(f"“{s.name}”" for s in sheets)
        raise UserError(f"文件 {path.name} 中没有名为“{name}”的工作表（有：{names}）")
    refusals: list[str] = []
    for sheet in candidates:
        rows = sheet.rows()
        try:
            header, pending = _find_header(rows, _Where(path.name, sheet.name))
        except _NoHeader as exc:
            refusals.append(exc.message)
            continue
        return sheet, header, _chain(pending, rows)
    if len(refusals) == 1:
        raise UserError(refusals[0])
    raise UserError(f"文件 {path.name} 的每个工作表都没有可用的表头：" + "；".join(refusals))


def _chain(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest


def _watched(rows: Iterator[Row], expected: int, job: jobs.Job) -> Iterator[Row]:
    for row in rows:
        if row[0] % _ROWS_PER_STEP == 0:
            job.report(jobs.Step(row[0], max(expected, row[0]), "正在读取名录文件"))
            jobs.check(job)
        yield row


def _read_rows(rows: Iterator[Row], header: _Header, where: _Where) -> ParsedRegister:
    organizations: list[Organization] = []
    problems: list[RowProblem] = []
    notes: list[str] = []
    rejected = 0
    first_row_of_code: dict[str, int] = {}
    for number, cells in rows:
        if _blank(cells):
            continue
        note = _note(cells, header)
        if note is not None:
            notes.append(f"第 {number} 行（“{note[:30]}”）")
            continue
        org, row_problems = _validate_row(number, cells, header, where)
        if org is not None and org.credit_code in first_row_of_code:
            first = first_row_of_code[org.credit_code]
            reason = f"统一社会信用代码 {org.credit_code} 与第 {first} 行重复"
            row_problems.append(_problem(where, number, header, "credit_code", reason))
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
        ignored_headers=list(dict.fromkeys(header.ignored.values())),
        notes=notes,
    )


def _blank(cells: list[Cell]) -> bool:
    return all(text_of(cell) == "" for cell in cells)


def _note(cells: list[Cell], header: _Header) -> str | None:
    """The text of a row that is a note (合计, 制表人, a section title), else None."""
    filled = [(index, text_of(cell)) for index, cell in enumerate(cells) if text_of(cell)]
    first = filled[0][1]
    if first.startswith(_NOTE_WORDS):
        return first
    alone = len(filled) == 1 and filled[0][0] != header.positions.get("name")
    return first if alone and _CJK.search(first) else None


def _problem(where: _Where, row: int, header: _Header, field_name: str, reason: str) -> RowProblem:
    return RowProblem(
        row,
        header.titles[field_name],
        reason,
        where.file,
        where.sheet,
        header.positions[field_name],
    )


def _header_key(title: str) -> tuple[str, str]:
    """The alias-lookup key of a header, and the unit in trailing brackets, if any."""
    key = unicodedata.normalize("NFKC", title).replace(" ", "").lstrip("*").lower()
    unit = _UNIT_SUFFIX.search(key)
    if unit is None:
        return key, ""
    return key[: unit.start()], unit.group(1)


def _find_header(rows: Iterator[Row], where: _Where) -> tuple[_Header, list[Row]]:
    """The header (one or two rows, below any title rows) and the rows read past it."""
    first: _Header | None = None
    for number, cells in rows:
        if _blank(cells):
            continue
        header = _parse_header(number, cells)
        if all(name in header.positions for name in REQUIRED_FIELDS):
            return _with_sub_header(header, rows)
        first = first or header
        if number >= _HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise _NoHeader(f"{where} 是空的，没有表头和数据")
    missing = [FIELD_LABELS[name] for name in REQUIRED_FIELDS if name not in first.positions]
    raise _NoHeader(f"{where} 缺少必需的列：{'、'.join(missing)}（第 {first.row_number} 行为表头）")


def _with_sub_header(header: _Header, rows: Iterator[Row]) -> tuple[_Header, list[Row]]:
    """A second header row under group titles (登记信息 → 登记管理机关、成立登记日期…)."""
    following = next(rows, None)
    if following is None:
        return header, []
    number, cells = following
    sub = _parse_header(number, cells)
    code_index = header.positions["credit_code"]
    code = text_of(cells[code_index]) if code_index < len(cells) else ""
    if not sub.positions or len(re.sub(r"\W", "", code)) >= 15:
        return header, [following]
    taken = set(sub.positions.values())
    positions = {
        f: i for f, i in header.positions.items() if i not in taken and f not in sub.positions
    }
    titles = {f: header.titles[f] for f in positions}
    positions.update(sub.positions)
    titles.update(sub.titles)
    used = set(positions.values())
    ignored = {i: t for i, t in {**header.ignored, **sub.ignored}.items() if i not in used}
    in_wan = sub.capital_in_wan if "registered_capital" in sub.positions else header.capital_in_wan
    width = max(header.width, sub.width)
    return _Header(header.row_number, positions, titles, in_wan, width, ignored), []


def _parse_header(number: int, cells: list[Cell]) -> _Header:
    positions: dict[str, int] = {}
    titles: dict[str, str] = {}
    ignored: dict[int, str] = {}
    capital_in_wan = False
    for index, cell in enumerate(cells):
        title = text_of(cell)
        key, unit = _header_key(title)
        field_name = _HEADER_LOOKUP.get(key)
        if field_name is None:
            if title:
                ignored[index] = title
            continue
        if field_name in positions:
            if titles[field_name] == title and positions[field_name] == index - 1:
                continue  # one header merged across two columns
            raise UserError(f"表头中“{titles[field_name]}”和“{title}”是同一项，请只保留一列")
        positions[field_name] = index
        titles[field_name] = title
        if field_name == "registered_capital":
            capital_in_wan = unit in ("万元", "万")
    return _Header(number, positions, titles, capital_in_wan, len(cells), ignored)


def _validate_row(
    number: int, cells: list[Cell], header: _Header, where: _Where
) -> tuple[Organization | None, list[RowProblem]]:
    extra = [cell for cell in cells[header.width :] if text_of(cell) != ""]
    if extra:
        reason = f"该行比表头多出 {len(extra)} 个单元格（可能是未加引号的逗号或错位），整行未导入"
        return None, [RowProblem(number, "整行", reason, where.file, where.sheet)]
    values: dict[str, object] = {}
    problems: list[RowProblem] = []
    for field_name, index in header.positions.items():
        cell = cells[index] if index < len(cells) else None
        try:
            values[field_name] = _parse_field(field_name, cell, header)
        except BadValue as exc:
            problems.append(_problem(where, number, header, field_name, exc.reason))
    if not problems and not values.get("kind"):
        try:
            values["kind"] = _kind_from_code(str(values["credit_code"]))
        except BadValue as exc:
            column = "kind" if "kind" in header.positions else "credit_code"
            problems.append(_problem(where, number, header, column, exc.reason))
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
    if field_name == "registration_status":
        return parse_registration_status(cell)
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
        raise BadValue(
            f"Excel 已将代码按数字保存（{cell:.6G}），代码已丢失位数；请把该列设为文本后重新导出"
        )
    text = text_of(cell)
    if _SCIENTIFIC.fullmatch(text.replace(" ", "")):
        raise BadValue(
            f"代码“{text}”是 Excel 按数字显示的科学计数法，原代码已丢失位数；"
            "Excel 已将代码按数字保存，请把该列设为文本后重新导出"
        )
    try:
        return credit_code.validate(text)
    except CreditCodeError as exc:
        raise BadValue(exc.message) from exc


def _kind_from_code(code: str) -> OrgKind:
    try:
        return credit_code.org_kind(code)
    except CreditCodeError as exc:
        raise BadValue(f"类型为空，且无法从代码推断：{exc.message}") from exc
