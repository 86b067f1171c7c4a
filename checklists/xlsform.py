"""Spreadsheet authoring: read a checklist from an XLSForm-style .xlsx.

Sheets ``survey``, ``choices``, ``settings`` (and our optional ``computed``), names in any
case. Translated columns (``label::English``, ``label:中文``) are common: the Chinese one is
taken, else the plain column, else the first. Every row becomes a located record, so the
validator names the sheet row of each problem, and messages name the column the author wrote
or must add. Nothing with meaning is dropped: a ``relevant`` on a group applies to each of
its items (and tables); what we cannot carry out — a ``required`` that is an expression, a
``constraint``, ``calculation``, ``choice_filter`` or ``repeat_count``, a ``${…}`` reference in
a label, hint, note or choice — refuses the file with the row named. Types outside the
supported set are reported by row; form metadata (``start``, ``end``, ``today``...) is skipped
with a warning. Every problem of a file comes in one report, with the warnings. The cell
formats shared with the exporter are defined here.
"""

import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from checklists.loader import Loaded
from checklists.problems import ChecklistError, Located, Problem
from checklists.validate import build_checklist
from inspector.checklist_model import YES_NO_VALUES, AnswerLabels

YES_NO_LIST = "yes_no"
FINDING_COLUMNS = ("finding", "severity", "requirement", "rectification_days", "follow_up")
ANSWER_LABELS = "answer_labels"  # a compliance item's own words: 不存在/存在[/不适用]
METADATA_TYPES = frozenset(
    {"start", "end", "today", "deviceid", "username", "simserial", "subscriberid",
     "phonenumber", "audit", "email", "start-geopoint"}
)  # fmt: skip
# Logic we cannot carry out: a file using it is refused, the row and column named.
REFUSED_COLUMNS = ("calculation", "choice_filter", "repeat_count")
# Presentation only: ignored with a warning.
IGNORED_COLUMNS = ("default", "read_only")
_FALSE = ("", "no", "false", "false()", "0", "n", "否")
_TRUE = ("yes", "true", "true()", "1", "y", "是")
_REFERENCE = re.compile(r"\$\{[^}]*\}")
# A calculation in the subset we compute: sum(${column}) and ${item} joined with + or -.
_SUM_OR_ITEM = re.compile(r"(?P<sum>sum\(\s*)?\$\{\s*(?P<name>[A-Za-z_][\w.\-]*)\s*\}(?(sum)\s*\))")
_EXPRESSION = re.compile(
    r"[+-]?\s*(sum\([\w.\-]+\)|[A-Za-z_][\w.\-]*)(\s*[+-]\s*(sum\([\w.\-]+\)|[A-Za-z_][\w.\-]*))*"
)
SIMPLE_TYPES = {
    "compliance": "compliance",
    "money": "money",
    "text": "text",
    "integer": "number",
    "decimal": "number",
    "date": "date",
}
_CHINESE = ("chinese", "中文", "zh")
# survey ``type`` in Chinese: 金额, 文本, 整数, 单选 LIST, 分组开始 ...
_CHINESE_TYPES = {
    "符合性": "compliance",
    "合规": "compliance",
    "金额": "money",
    "文本": "text",
    "文字": "text",
    "整数": "integer",
    "小数": "decimal",
    "数字": "decimal",
    "日期": "date",
    "说明": "note",
    "单选": "select_one",
    "多选": "select_multiple",
    "分组开始": "begin_group",
    "分组结束": "end_group",
    "表格开始": "begin_repeat",
    "表格结束": "end_repeat",
}


_OLD_SELECT = re.compile(
    r"^(select[ _]one|select[ _]multiple|select all that apply)(?: from)? (\S+)$", re.IGNORECASE
)


def normalize_type(raw: str) -> str:
    """``begin group`` → ``begin_group``, ``select one x`` → ``select_one x``, lower case.

    pyxform's older spellings too (``select one from x``, ``select all that apply from x``),
    and the Chinese names of our types (``金额``, ``单选 x``, ``分组开始``).
    """
    first = raw.strip().split(maxsplit=1)
    if first and first[0] in _CHINESE_TYPES:
        raw = " ".join([_CHINESE_TYPES[first[0]], *first[1:]])
    old = _OLD_SELECT.match(raw.strip())
    if old is not None:
        single = old.group(1).lower().replace("_", " ") == "select one"
        return f"{'select_one' if single else 'select_multiple'} {old.group(2)}"
    words = raw.strip().split()
    if not words:
        return ""
    head = words[0].lower()
    if len(words) >= 2 and head in ("begin", "end", "select"):
        head = f"{head}_{words[1].lower()}"
        words = words[1:]
    return " ".join([head, *words[1:]])


def format_answer_labels(labels: AnswerLabels | None) -> str:
    """``不存在/存在`` (and ``/不适用``'s own words when they differ): the survey column."""
    if labels is None:
        return ""
    parts = [labels.compliant, labels.not_compliant]
    if labels.not_applicable != "不适用":
        parts.append(labels.not_applicable)
    return "/".join(parts)


def parse_answer_labels(cell: str) -> dict[str, str] | None:
    """``符合的文字/不符合的文字[/不适用的文字]``; None when the cell does not read so."""
    parts = [part.strip() for part in re.split(r"[/／]", cell)]
    if len(parts) not in (2, 3) or not all(parts):
        return None
    return dict(zip(("compliant", "not_compliant", "not_applicable"), parts, strict=False))


def parse_list(cell: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n；;]", cell) if part.strip()]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class _Sheet:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]

    def columns(self, base: str) -> list[str]:
        """The headers to read for ``base``, best first: Chinese, plain, other translations."""
        plain = [h for h in self.headers if h.lower() == base]
        translated = [h for h in self.headers if re.match(rf"{re.escape(base)}::?[^:]", h.lower())]
        chinese = [h for h in translated if any(m in h.lower()[len(base) :] for m in _CHINESE)]
        others = [h for h in translated if h not in chinese]
        return [*chinese, *plain, *others]

    def column(self, base: str) -> str | None:
        found = self.columns(base)
        return found[0] if found else None

    def getter(self, base: str) -> "_Getter":
        """Reads the best column, or the next where a row left that one empty."""
        return _Getter(tuple(self.columns(base)) or (base,))

    def where(self, row: int) -> str:
        return f"{self.name} 表第 {row} 行"


@dataclass(frozen=True)
class _Getter:
    headers: tuple[str, ...]

    def __call__(self, row: dict[str, str]) -> str:
        return next((row[h] for h in self.headers if row.get(h)), "")


def _read_sheet(worksheet: Any) -> _Sheet:
    rows_iter = worksheet.iter_rows(values_only=True)
    header_cells = next(rows_iter, ())
    headers = [_cell_text(cell) for cell in header_cells]
    rows = []
    for number, cells in enumerate(rows_iter, start=2):
        values = {h: _cell_text(c) for h, c in zip(headers, cells, strict=False) if h}
        if any(values.values()):
            rows.append((number, values))
    return _Sheet(worksheet.title, headers, rows)


@dataclass
class _Reader:
    file: str
    sheets: dict[str, _Sheet]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sections: list[Located] = field(default_factory=list)

    def problem(self, where: str, item_id: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, where, item_id, message))

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.file}：{message}")


def read_xlsform(path: Path) -> Loaded:
    """Load and validate an .xlsx checklist; raises ``ChecklistError`` listing every problem."""
    import openpyxl  # only spreadsheet users pay for it

    file = str(path)
    with warnings.catch_warnings():  # openpyxl's notes on Excel extensions it drops
        warnings.simplefilter("ignore", UserWarning)
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a bad file
            message = f"无法读取 Excel 文件（{exc}）"
            raise ChecklistError([Problem(file, "", None, message)]) from None
        try:
            sheets = {ws.title.strip().lower(): _read_sheet(ws) for ws in workbook.worksheets}
        finally:
            workbook.close()
    if "survey" not in sheets:
        raise ChecklistError([Problem(file, "", None, "缺少 survey 工作表")])
    reader = _Reader(file, sheets)
    raw = _settings(reader, path, _saved_on(workbook))
    survey = _Survey(reader, _choice_lists(reader))
    survey.walk()
    raw["sections"] = reader.sections
    raw["computed"] = [*_computed(reader), *survey.computed]
    try:
        checklist = build_checklist(raw, file, column_of)
    except ChecklistError as exc:
        raise ChecklistError([*reader.problems, *exc.problems], reader.warnings) from None
    if reader.problems:
        raise ChecklistError(reader.problems, reader.warnings)
    return Loaded(checklist, reader.warnings)


def _saved_on(workbook: Any) -> date | None:
    """The day the workbook was last saved (its document properties), if it says."""
    saved = workbook.properties.modified or workbook.properties.created
    return saved.date() if isinstance(saved, datetime) else None


_SETTINGS_COLUMNS = {"id": "form_id", "title": "form_title"}
_ITEM_COLUMNS = {
    "id": "name 列",
    "question": "label 列（题目）",
    "guidance": "hint 列",
    "show_if": "relevant 列",
    "constraint": "constraint 列",
    "constraint_message": "constraint_message 列",
    "required": "required 列",
    "answer_type": "type 列",
    "legal_basis": "legal_basis 列（依据目录中的编号）",
    "evidence": "evidence 列",
    "choices": "choices 表中的选项",
    "columns": "表格（begin_repeat）中的列",
}
_FINDING_COLUMNS = {
    "text": "finding 列（问题描述）",
    "severity": "severity 列（严重程度：一般、较重或严重）",
    "requirement": "requirement 列（整改要求）",
    "rectification_days": "rectification_days 列（整改天数）",
    "follow_up": "follow_up 列（后续处置措施）",
}


def column_of(loc: tuple[Any, ...]) -> str:
    """The sheet column that holds the field at ``loc`` of the raw checklist."""
    field = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    if "finding" in loc:
        return _FINDING_COLUMNS.get(field, f"{field} 列")
    if "legal_basis" in loc:
        return "legal_basis 列（依据目录 inspector/legal_bases.yaml 中的编号）"
    if "choices" in loc:
        return {"value": "choices 表的 name 列", "label": "choices 表的 label 列"}.get(
            field, "choices 表"
        )
    if "computed" in loc:
        return f"computed 表的 {'name' if field == 'id' else field} 列"
    if "items" in loc and loc.index("items") < len(loc) - 2:
        return _ITEM_COLUMNS.get(field, f"{field} 列")
    if "sections" in loc:
        return {"id": "begin_group 的 name 列", "title": "begin_group 的 label 列"}.get(
            field, "分组中的题目"
        )
    return f"settings 表的 {_SETTINGS_COLUMNS.get(field, field)} 列"


def _settings(reader: _Reader, path: Path, saved_on: date | None) -> Located:
    sheet = reader.sheets.get("settings")
    row = sheet.rows[0][1] if sheet and sheet.rows else {}
    where = sheet.where(sheet.rows[0][0]) if sheet and sheet.rows else "settings 表"
    value = {base: sheet.getter(base)(row) if sheet else "" for base in _SETTING_DEFAULTS}
    defaults = {
        "form_id": re.sub(r"[^A-Za-z0-9_.\-]", "-", path.stem).strip("-") or "checklist",
        "version": "1",
        "form_title": value["form_id"] or path.stem,
        "kind": "other",
        "applies_to": "social_group social_service foundation",
        # Not today: the same file must read the same (and hash the same) on any day.
        "effective_date": (saved_on or date.fromtimestamp(path.stat().st_mtime)).isoformat(),
    }
    for key, default in defaults.items():
        if not value[key]:
            value[key] = default
            if key == "effective_date":
                reader.warn(f"settings 表未填写 effective_date，已使用文件的保存日期“{default}”")
            else:
                reader.warn(f"settings 表未填写 {key}，已使用默认值“{default}”")
    return Located(
        {
            "id": value["form_id"],
            "version": value["version"],
            "title": value["form_title"],
            "kind": value["kind"],
            "applies_to": [k for k in re.split(r"[\s,，、;；]+", value["applies_to"]) if k],
            "effective_date": value["effective_date"],
        },
        where,
    )


_SETTING_DEFAULTS = ("form_id", "version", "form_title", "kind", "applies_to", "effective_date")


def _choice_lists(reader: _Reader) -> dict[str, list[Located]]:
    sheet = reader.sheets.get("choices")
    lists: dict[str, list[Located]] = {}
    if sheet is None:
        return lists
    list_name = (
        sheet.getter("list_name") if sheet.column("list_name") else sheet.getter("list name")
    )
    name, label = sheet.getter("name"), sheet.getter("label")
    for number, row in sheet.rows:
        choice = Located({"value": name(row), "label": label(row)}, sheet.where(number))
        lists.setdefault(list_name(row), []).append(choice)
        _refuse_references(reader, sheet.where(number), None, {"label": label(row)})
    return lists


def _refuse_references(
    reader: _Reader, where: str, name: str | None, cells: dict[str, str]
) -> None:
    """A ``${…}`` in text the inspector reads would show as literal text: refused."""
    for column, text in cells.items():
        found = _REFERENCE.findall(text)
        if found:
            reader.problem(
                where,
                name,
                f"{column} 列引用了答案 {'、'.join(found)}：本程序显示检查表时不会替换为答案，"
                "请改写为不含引用的文字",
            )


def _computed(reader: _Reader) -> list[Located]:
    sheet = reader.sheets.get("computed")
    if sheet is None:
        return []
    name, label, expression = (sheet.getter(b) for b in ("name", "label", "expression"))
    return [
        Located({"id": name(r), "label": label(r), "expression": expression(r)}, sheet.where(n))
        for n, r in sheet.rows
    ]


class _Survey:
    """Walks the survey rows: groups become sections, repeats become table items."""

    def __init__(self, reader: _Reader, lists: dict[str, list[Located]]) -> None:
        self.reader = reader
        self.lists = lists
        self.sheet = reader.sheets["survey"]
        self.get = {
            base: self.sheet.getter(base)
            for base in ("type", "name", "label", "hint", "required", "relevant", "legal_basis",
                         "evidence", "constraint", "constraint_message", *FINDING_COLUMNS, ANSWER_LABELS)
        }  # fmt: skip
        self.section: Located | None = None
        self.table: Located | None = None
        self.group_relevant: str | None = None  # applies to every item of the open group
        self.untitled = 0
        self.table_of: dict[str, str] = {}  # column id → its table item's id
        self.calculations: list[tuple[str, str, str, str]] = []  # where, name, label, formula
        self.computed: list[Located] = []

    def walk(self) -> None:
        for number, row in self.sheet.rows:
            self.row(number, row)
        if self.table is not None:
            self.reader.problem(
                self.table.where, self.table["id"], "begin_repeat 缺少对应的 end_repeat"
            )
        if self.section is not None and self.section.get("explicit"):
            self.reader.problem(self.section.where, None, "begin_group 缺少对应的 end_group")
        for section in self.reader.sections:
            section.pop("explicit", None)
        for where, name, label, formula in self.calculations:
            self.calculation(where, name, label, formula)

    def row(self, number: int, row: dict[str, str]) -> None:
        where = self.sheet.where(number)
        kind = normalize_type(self.get["type"](row))
        name = self.get["name"](row)
        for column in REFUSED_COLUMNS:
            value = self.sheet.getter(column)(row)
            if value and not (column == "calculation" and kind == "calculate"):
                self.reader.problem(
                    where,
                    name or None,
                    f"{column} 列（“{value}”）暂不支持：本程序不会执行它，导入后这部分逻辑会丢失；"
                    "请删除该列内容后再导入（显示条件请写在 relevant 列）",
                )
        for column in IGNORED_COLUMNS:
            if self.sheet.getter(column)(row):
                self.reader.warn(f"{where}：不支持 {column} 列，已忽略该列的内容")
        texts = {"label": self.get["label"](row), "hint": self.get["hint"](row)}
        _refuse_references(self.reader, where, name or None, texts)
        head = kind.split(" ")[0]
        if head in ("begin_group", "end_group", "begin_repeat", "end_repeat"):
            getattr(self, head)(where, name, row)
        elif not kind:
            self.reader.problem(where, name or None, "缺少题型（type）")
        elif kind == "calculate" and self.table is None:
            formula = self.sheet.getter("calculation")(row)
            self.calculations.append((where, name, self.get["label"](row) or name, formula))
        elif kind in METADATA_TYPES:
            self.reader.warn(f"{where}：表单元数据题型“{kind}”不属于检查内容，已跳过")
        elif self.table is not None:
            self.column(where, kind, name, row)
        elif kind == "note":
            if self.get["relevant"](row):
                self.reader.problem(
                    where,
                    name or None,
                    "note 行不支持 relevant（说明文字总会显示），请删除该列内容",
                )
            section = self.current_section(where)
            text = self.get["label"](row)
            section["guidance"] = f"{section['guidance']}\n{text}" if section["guidance"] else text
        else:
            self.item(where, kind, name, row)

    def calculation(self, where: str, name: str, label: str, formula: str) -> None:
        """A ``calculate`` row in our sum subset becomes a computed value; else it is refused."""
        if not formula:
            self.reader.problem(where, name or None, "calculate 行缺少 calculation 列（计算式）")
            return
        expression = _SUM_OR_ITEM.sub(self.term, formula).strip()
        if "$" in expression or not _EXPRESSION.fullmatch(expression):
            self.reader.problem(
                where,
                name or None,
                f"calculation 列“{formula}”超出支持的范围：只支持 sum(${{表格的列}}) 与数值或金额"
                "题目 ${题目} 用 + 或 - 相加减",
            )
            return
        data = {"id": name, "label": label, "expression": expression}
        self.computed.append(Located(data, where))

    def term(self, match: re.Match[str]) -> str:
        name = match.group("name")
        if match.group("sum") is None:
            return name
        table = self.table_of.get(name)
        return f"sum({table}.{name})" if table else match.group(0)

    def current_section(self, where: str) -> Located:
        if self.section is None:  # items outside any group get a section of their own
            self.untitled += 1
            section_id = "main" if self.untitled == 1 else f"main-{self.untitled}"
            self.section = Located(
                {"id": section_id, "title": "检查事项", "guidance": "", "items": []}, where
            )
            self.reader.sections.append(self.section)
        return self.section

    def begin_group(self, where: str, name: str, row: dict[str, str]) -> None:
        if self.section is not None and self.section.get("explicit"):
            self.reader.problem(
                where, name or None, "不支持嵌套分组（begin_group 内再次 begin_group）"
            )
            return
        title = self.get["label"](row) or name
        self.section = Located(
            {"id": name, "title": title, "guidance": "", "items": [], "explicit": True}, where
        )
        self.group_relevant = self.get["relevant"](row) or None
        self.reader.sections.append(self.section)

    def end_group(self, where: str, name: str, row: dict[str, str]) -> None:
        if self.section is None or not self.section.get("explicit"):
            self.reader.problem(where, name or None, "end_group 没有对应的 begin_group")
        self.section = None
        self.group_relevant = None

    def begin_repeat(self, where: str, name: str, row: dict[str, str]) -> None:
        if self.table is not None:
            self.reader.problem(where, name or None, "不支持嵌套的重复组（begin_repeat）")
            return
        self.table = self.item(where, "table", name, row)

    def end_repeat(self, where: str, name: str, row: dict[str, str]) -> None:
        if self.table is None:
            self.reader.problem(where, name or None, "end_repeat 没有对应的 begin_repeat")
        self.table = None

    def item(self, where: str, kind: str, name: str, row: dict[str, str]) -> Located:
        label = self.get["label"](row)
        data: dict[str, Any] = {"id": name, "question": label, "guidance": self.get["hint"](row)}
        answer_type, choices = self.answer_type(where, kind, name)
        data["answer_type"] = answer_type
        data["required"] = self.required(where, name, self.get["required"](row))
        data["show_if"] = _both(self.group_relevant, self.get["relevant"](row) or None)
        data["constraint"] = self.get["constraint"](row) or None
        data["constraint_message"] = self.get["constraint_message"](row)
        data["choices"] = choices
        data["columns"] = []
        data["legal_basis"] = parse_list(self.get["legal_basis"](row))
        data["evidence"] = parse_list(self.get["evidence"](row))
        data["finding"] = self.finding(where, row)
        data["answer_labels"] = self.answer_labels(where, answer_type, name, row)
        # A missing name or label is reported here; the stand-in keeps the validator from
        # reporting it again, and lets it check the rest of the row.
        if not name:
            self.reader.problem(where, None, "缺少 name 列（题目编号）")
            data["id"] = f"_unnamed_{len(self.reader.problems)}"
        if not label:
            self.reader.problem(where, name or None, "缺少 label 列（题目）")
            data["question"] = "？"
        item = Located(data, where)
        self.current_section(where)["items"].append(item)
        return item

    def required(self, where: str, name: str, cell: str) -> bool:
        text = cell.strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        self.reader.problem(
            where,
            name or None,
            f"required 列“{cell}”是条件表达式，暂不支持：只能填 yes（必答）或 no（非必答）；"
            "需要按条件出现的题目请用 relevant 列",
        )
        return True

    def answer_labels(
        self, where: str, answer_type: str, name: str, row: dict[str, str]
    ) -> dict[str, str] | None:
        cell = self.get[ANSWER_LABELS](row).strip()
        if not cell:
            return None
        if answer_type != "compliance":
            self.reader.problem(
                where, name or None, "只有 compliance 题型可以填写答案文字（answer_labels）"
            )
            return None
        labels = parse_answer_labels(cell)
        if labels is None:
            self.reader.problem(
                where,
                name or None,
                f"答案文字（answer_labels）“{cell}”应写成“不存在/存在”或“不存在/存在/不适用”",
            )
        return labels

    def answer_type(self, where: str, kind: str, name: str) -> tuple[str, list[Located]]:
        head, _, list_name = kind.partition(" ")
        if kind in SIMPLE_TYPES or kind == "table":
            return SIMPLE_TYPES.get(kind, kind), []
        if head in ("select_one", "select_multiple") and list_name and " " not in list_name:
            choices = self.lists.get(list_name)
            if choices is None:
                self.reader.problem(where, name or None, f"choices 表中没有选项列表“{list_name}”")
                return "text", []  # reported: the validator need not say the choices are missing
            values = sorted(choice["value"] for choice in choices)
            if head == "select_one" and values == sorted(YES_NO_VALUES):
                return "yes_no", []
            return ("single_choice" if head == "select_one" else "multi_choice"), choices
        self.reader.problem(where, name or None, f"不支持的题型“{kind}”")
        return "text", []

    def finding(self, where: str, row: dict[str, str]) -> Located | None:
        values = {column: self.get[column](row) for column in FINDING_COLUMNS}
        if not any(values.values()):
            return None
        data = {"text": values["finding"], "severity": values["severity"],
                "requirement": values["requirement"], "follow_up": values["follow_up"],
                "rectification_days": values["rectification_days"]}  # fmt: skip
        return Located({key: value for key, value in data.items() if value}, where)

    def column(self, where: str, kind: str, name: str, row: dict[str, str]) -> None:
        assert self.table is not None
        for logic in ("relevant", "constraint"):
            if self.get[logic](row):
                self.reader.problem(where, name or None, f"表格列不支持 {logic} 列")
        answer_type, choices = self.answer_type(where, kind, name)
        column: dict[str, Any] = {
            "id": name,
            "label": self.get["label"](row),
            "answer_type": answer_type,
        }
        if choices:
            column["choices"] = choices
        self.table["columns"].append(Located(column, where))
        self.table_of[name] = self.table["id"]


def _both(group: str | None, own: str | None) -> str | None:
    """A group's ``relevant`` and an item's own, both to hold."""
    if group and own:
        return f"({group}) and ({own})"
    return group or own
