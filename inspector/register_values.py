"""Cell values of a register file as people type them, turned into what the store holds.

Each parser takes a cell (text from a CSV, or a typed value from an XLSX) and returns the
stored value, or raises ``BadValue`` with the reason in Chinese.
"""

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from inspector.clock import today
from inspector.model import CreditStatus, OrgKind, RegistrationStatus

Cell = str | int | float | date | datetime | None

_EXCEL_EPOCH = date(1899, 12, 30)
_LAST_EXCEL_SERIAL = 2958465  # 9999-12-31
_TEN_THOUSAND = Decimal(10000)
_FEN = Decimal("0.01")
_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


class BadValue(ValueError):
    """A cell that cannot be read; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").lower()


_KIND_WORDS = {
    _key(word): kind
    for kind, words in {
        OrgKind.SOCIAL_GROUP: ("社会团体", "社团", "行业协会商会", "行业协会", "商会"),
        OrgKind.SOCIAL_SERVICE: ("社会服务机构", "民办非企业单位", "民办非企业", "民非"),
        OrgKind.FOUNDATION: ("基金会", "公募基金会", "非公募基金会"),
        OrgKind.OTHER: ("其他",),
    }.items()
    for word in (*words, kind.value)
}

_STATUS_WORDS = {
    _key(word): status
    for status, words in {
        CreditStatus.NORMAL: ("正常", "无"),
        CreditStatus.ABNORMAL: (
            "活动异常名录",
            "列入活动异常名录",
            "异常名录",
            "活动异常",
            "灰名单",
        ),
        CreditStatus.SERIOUS: (
            "严重违法失信名单",
            "列入严重违法失信名单",
            "严重违法失信",
            "黑名单",
        ),
        CreditStatus.GOOD: ("守信激励（红名单）", "守信激励", "守信", "红名单"),
    }.items()
    for word in (*words, status.value)
}


_REGISTRATION_WORDS = {
    _key(word): status
    for status, words in {
        RegistrationStatus.ACTIVE: ("正常", "存续", "登记", "已登记", "成立", "有效", "在册"),
        RegistrationStatus.ABNORMAL: ("活动异常", "活动异常名录", "列入活动异常名录", "异常"),
        RegistrationStatus.SUSPENDED: ("停止活动", "责令停止活动", "停业整顿"),
        RegistrationStatus.DEREGISTERED: ("已注销", "注销", "注销登记", "已注销登记"),
        RegistrationStatus.REVOKED: ("已撤销", "撤销", "撤销登记", "已撤销登记", "吊销", "已吊销"),
    }.items()
    for word in (*words, status.value)
}
_BRACKETED = re.compile(r"\(([^()]*)\)")


def text_of(cell: Cell) -> str:
    """A cell as trimmed text; a whole number typed into Excel loses its ``.0``."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def parse_kind(cell: Cell) -> OrgKind | None:
    """社会团体 / 社团 / 行业协会商会 … → ``OrgKind``; blank → ``None`` (derive from the code)."""
    text = text_of(cell)
    if not text:
        return None
    kind = _KIND_WORDS.get(_key(text)) or _bracketed_kind(_key(text))
    if kind is None:
        raise BadValue(f"无法识别的类型“{text}”（应为 社会团体、社会服务机构、基金会 或 其他）")
    return kind


def _bracketed_kind(key: str) -> OrgKind | None:
    """社会服务机构（民办非企业单位）, 社会团体（行业协会商会）: the outer and inner names agree."""
    parts = [_BRACKETED.sub("", key), *_BRACKETED.findall(key)]
    kinds = {_KIND_WORDS[part] for part in parts if part in _KIND_WORDS}
    return kinds.pop() if len(kinds) == 1 else None


def parse_registration_status(cell: Cell) -> RegistrationStatus:
    """登记状态: 正常 / 存续 / 活动异常 / 停止活动 / 已注销 / 已撤销 …; blank is 正常."""
    text = text_of(cell)
    if not text:
        return RegistrationStatus.ACTIVE
    status = _REGISTRATION_WORDS.get(_key(text))
    if status is None:
        raise BadValue(
            f"无法识别的登记状态“{text}”（应为 正常、活动异常、停止活动、已注销 或 已撤销）"
        )
    return status


def parse_credit_status(cell: Cell) -> CreditStatus:
    """正常 / 活动异常名录 / 严重违法失信名单 / 红名单 … → ``CreditStatus``; blank is normal."""
    text = text_of(cell)
    if not text:
        return CreditStatus.NORMAL
    status = _STATUS_WORDS.get(_key(text))
    if status is None:
        raise BadValue(
            f"无法识别的信用状态“{text}”（应为 正常、活动异常名录、严重违法失信名单 或 红名单）"
        )
    return status


def parse_date(cell: Cell) -> str:
    """2019-05-01, 2019/5/1, 2019年5月1日, 20190501 or an Excel date → ``YYYY-MM-DD``."""
    if cell is None or cell == "":
        return ""
    if isinstance(cell, datetime):
        day = cell.date()
    elif isinstance(cell, date):
        day = cell
    elif isinstance(cell, int | float):
        day = _from_excel_serial(cell)
    else:
        day = _from_text(text_of(cell))
    if day > today():
        raise BadValue(f"日期 {day.isoformat()} 晚于今天")
    return day.isoformat()


def _from_excel_serial(serial: float) -> date:
    if not 1 <= serial <= _LAST_EXCEL_SERIAL:
        raise BadValue(f"“{serial}”不是有效的 Excel 日期")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _from_text(text: str) -> date:
    text = unicodedata.normalize("NFKC", text)
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match is None:
        raise BadValue(f"无法识别的日期“{text}”（应写作 2019-05-01、2019/5/1 或 2019年5月1日）")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise BadValue(f"日期“{text}”不存在") from exc


def parse_money(cell: Cell, in_wan: bool = False) -> str:
    """An amount in yuan as an exact decimal string with two places: ``100万元`` → ``1000000.00``.

    ``in_wan``: the column header declares 万元, so a bare number is in units of ten thousand.
    """
    if cell is None or cell == "":
        return ""
    if isinstance(cell, int | float):
        amount, unit_wan = Decimal(str(cell)), in_wan
    else:
        amount, unit_wan = _amount_from_text(text_of(cell), in_wan)
    if unit_wan:
        amount *= _TEN_THOUSAND
    if amount < 0:
        raise BadValue(f"金额不能为负数：{text_of(cell)}")
    try:
        in_fen = amount.quantize(_FEN)
    except InvalidOperation as exc:
        raise BadValue(f"金额“{text_of(cell)}”过大") from exc
    if amount != in_fen:
        raise BadValue(f"金额“{text_of(cell)}”超过两位小数（最多精确到分）")
    return str(in_fen)


def _amount_from_text(text: str, in_wan: bool) -> tuple[Decimal, bool]:
    cleaned = unicodedata.normalize("NFKC", text)
    for noise in (",", " ", "¥", "人民币"):
        cleaned = cleaned.replace(noise, "")
    unit_wan = in_wan
    if cleaned.endswith(("万元", "万")):
        cleaned, unit_wan = cleaned.removesuffix("元").removesuffix("万"), True
    elif cleaned.endswith("元"):
        cleaned, unit_wan = cleaned.removesuffix("元"), False
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise BadValue(f"无法识别的金额“{text}”（应写作 1000000.00、100万 或 100万元）") from exc
    if not amount.is_finite():
        raise BadValue(f"无法识别的金额“{text}”")
    return amount, unit_wan
