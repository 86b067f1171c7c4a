"""Numbering and issuing of rectification notices 责令（限期）整改通知书.

A notice number such as ``X民社整〔2026〕12号`` is drawn once per inspection from a per-year serial,
inside the transaction that records the issue in the audit log, *before* any file is written:
a failed rendering keeps its number (the next attempt for the same inspection reuses it), so
serials are never reused and never skipped silently. When the content changes after an
amendment, the notice is reissued under the same number with its version raised.
"""

import json
import sqlite3
import string
import uuid
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

from inspector import audit, preferences
from inspector.clock import to_local, today, utc_now
from inspector.errors import UserError
from inspector.inspections import status_of
from inspector.model import InspectionStatus
from inspector.roles import require_supervisor
from inspector.store import Store

DEFAULT_PATTERN = "{prefix}〔{year}〕{n}号"
_PATTERN_FIELDS = {"prefix", "year", "n"}


@dataclass(frozen=True)
class NoticeSettings:
    """Office-wide facts printed on notices; kept in ``settings`` as ``notice.<field>``."""

    prefix: str = "民社整"
    pattern: str = DEFAULT_PATTERN
    authority: str = ""  # issuing authority; blank: the organization's registration authority
    contact: str = ""
    phone: str = ""
    address: str = ""
    # The notice tells the organization how to challenge it (行政复议法 第二十条: sixty days;
    # 行政诉讼法 第四十六条: six months), unless the office turns this off.
    remedies: bool = True
    review_body: str = ""  # 行政复议机关, usually the 本级人民政府 (行政复议法 第二十四条)
    working_days: bool = False  # periods in working days (工作日) rather than calendar days
    serve_within_days: int = 7  # a notice not served this many days after issue is flagged

    def missing(self) -> list[str]:
        """What a notice printed with these settings lacks, for a warning (in Chinese)."""
        wanted = [("联系人", self.contact), ("联系电话", self.phone), ("机关地址", self.address)]
        if self.remedies:
            wanted.append(("行政复议机关", self.review_body))
        return [label for label, value in wanted if not value.strip()]


def missing_warning(settings: NoticeSettings) -> str:
    """A warning naming what notices will lack, and the command that sets it; "" if nothing."""
    missing = settings.missing()
    if not missing:
        return ""
    return (
        f"提示：整改通知书未设置{'、'.join(missing)}，通知书上将缺少这些内容"
        "（设置：inspector notice-settings --contact 联系人 --phone 电话 --address 地址"
        " --review-body 复议机关，或在“通知书设置”中填写）。"
    )


@dataclass(frozen=True)
class IssuedNotice:
    id: str
    inspection_id: str
    number: str
    authority_code: str  # the 代字 whose series the serial belongs to
    year: int
    serial: int
    version: int
    issued_at: str  # UTC ISO
    issued_by: str
    content_hash: str
    settings: str = "{}"  # JSON of the NoticeSettings the notice was issued with
    replaces: str = ""  # id of the notice this one replaces (a reissue)
    reason: str = ""  # why it was reissued

    def issued_settings(self) -> NoticeSettings:
        """The settings printed on this notice: those in force when it was issued."""
        stored = json.loads(self.settings or "{}")
        known = {f.name for f in fields(NoticeSettings)}
        return replace(NoticeSettings(), **{k: v for k, v in stored.items() if k in known})


def load_settings(store: Store) -> NoticeSettings:
    """The configured notice settings, defaults where nothing is stored."""
    defaults = NoticeSettings()
    values: dict[str, Any] = {}
    for f in fields(NoticeSettings):
        default = getattr(defaults, f.name)
        stored = preferences.get(store, f"notice.{f.name}", default)
        if isinstance(default, bool):
            values[f.name] = bool(stored)
        elif isinstance(default, int):
            values[f.name] = int(stored)
        else:
            values[f.name] = str(stored)
    return replace(defaults, **values)


def save_settings(store: Store, settings: NoticeSettings, *, actor: str) -> None:
    """Store the settings (after checking the pattern) and record the change in the audit log.
    (Not a supervisor's act: the local administrator sets them on the first run; issuing
    notices under them is, see ``issue``.)"""
    format_number(settings.pattern, settings.prefix, 2026, 1)
    old = load_settings(store)
    if old == settings:
        return
    with store.transaction() as conn:
        for name, value in asdict(settings).items():
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, json_quote(?))"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (f"notice.{name}", value),
            )
        audit.record(
            conn,
            actor=actor,
            entity="settings",
            entity_id="notice",
            action="update",
            old=asdict(old),
            new=asdict(settings),
        )


def format_number(pattern: str, prefix: str, year: int, serial: int) -> str:
    """The document number; a pattern without ``{n}`` or with unknown fields is refused."""
    used = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    if "n" not in used or not used <= _PATTERN_FIELDS:
        raise UserError(
            f"通知书编号格式“{pattern}”无效：必须包含序号 {{n}}，"
            "只能使用 {prefix}（机关代字）、{year}（年份）、{n}（序号），"
            f"例如 {DEFAULT_PATTERN}"
        )
    return pattern.format(prefix=prefix, year=year, n=serial)


def require_issuable(store: Store, inspection_id: str) -> None:
    """Refuse, in Chinese, an inspection that is not approved or has no findings."""
    _require_issuable(store.db.conn, inspection_id)


def issue(
    store: Store,
    inspection_id: str,
    *,
    content_hash: str,
    settings: NoticeSettings,
    actor: str,
    on: date | None = None,
) -> IssuedNotice:
    """The notice to print for this inspection: the one already issued, or a new number.

    An issued notice never changes: the same facts again is a reprint (nothing recorded);
    changed facts (an amendment after issue) are refused, since the notice may have been
    served; a new notice then needs ``reissue``, an explicit act with a reason. A first issue
    draws the next serial of the year of ``on`` (today), records the settings it is printed
    with, and goes in the audit log.
    """
    require_supervisor(store, actor)  # notices are issued by supervisors only
    with store.transaction() as conn:
        _require_issuable(conn, inspection_id)
        current = _latest(conn, inspection_id)
        if current is not None:
            legacy = current.settings == "{}"  # issued before notices kept their settings
            if current.content_hash != content_hash and not legacy:
                raise UserError(
                    f"整改通知书 {current.number} 已于{_local_day(current.issued_at)}出具，"
                    "此后检查记录已更改；已出具的通知书不能更改（可能已经送达）。如需出具新的通知书，"
                    "请重新出具并说明理由（inspector notice-reissue 检查编号 --reason 理由）"
                )
            return current
        return _insert(conn, inspection_id, content_hash, settings, actor, on, None, "")


def reissue(
    store: Store,
    inspection_id: str,
    *,
    content_hash: str,
    settings: NoticeSettings,
    reason: str,
    actor: str,
    on: date | None = None,
) -> IssuedNotice:
    """A new notice, under a new number, replacing the one issued: audited with the reason."""
    require_supervisor(store, actor)
    if not reason.strip():
        raise UserError("重新出具整改通知书必须填写理由（reason）")
    with store.transaction() as conn:
        _require_issuable(conn, inspection_id)
        current = _latest(conn, inspection_id)
        if current is None:
            raise UserError("该次检查尚未出具整改通知书，无需重新出具")
        if conn.execute(
            "SELECT 1 FROM notice_services WHERE inspection_id = ?", (inspection_id,)
        ).fetchone():
            raise UserError(
                f"整改通知书 {current.number} 已登记送达，整改期限已据此计算，不能重新出具"
            )
        return _insert(conn, inspection_id, content_hash, settings, actor, on, current, reason)


def _insert(
    conn: sqlite3.Connection,
    inspection_id: str,
    content_hash: str,
    settings: NoticeSettings,
    actor: str,
    on: date | None,
    replaced: IssuedNotice | None,
    reason: str,
) -> IssuedNotice:
    year = (on or today()).year
    code = settings.prefix
    serial = _next_serial(conn, code, year)
    notice = IssuedNotice(
        id=str(uuid.uuid4()),
        inspection_id=inspection_id,
        number=format_number(settings.pattern, code, year, serial),
        authority_code=code,
        year=year,
        serial=serial,
        version=(replaced.version + 1) if replaced else 1,
        issued_at=utc_now(),
        issued_by=actor,
        content_hash=content_hash,
        settings=json.dumps(asdict(settings), ensure_ascii=False),
        replaces=replaced.id if replaced else "",
        reason=reason.strip(),
    )
    row = asdict(notice)
    conn.execute(
        f"INSERT INTO notices ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})", row
    )
    action = "reissue" if replaced else "issue"
    old = {"id": replaced.id, "number": replaced.number} if replaced else None
    audit.record(
        conn, actor=actor, entity="notice", entity_id=notice.id, action=action, old=old, new=row
    )
    if replaced is None:
        _await_service(conn, inspection_id, actor)
    return notice


def get(store: Store, notice_id: str) -> IssuedNotice | None:
    row = store.db.conn.execute(
        f"SELECT {_COLUMNS} FROM notices WHERE id = ?", (notice_id,)
    ).fetchone()
    return IssuedNotice(*row) if row else None


def _local_day(utc_iso: str) -> str:
    day = to_local(utc_iso).date()
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Candidate:
    """An approved inspection with findings: what a notice batch covers."""

    inspection_id: str
    organization: str
    credit_code: str
    approved_at: str
    findings: int
    notice: str  # the number issued so far, "" for none


def candidate_ids(store: Store) -> list[str]:
    """Approved inspections that have findings, oldest approval first."""
    rows = store.db.execute(
        "SELECT i.id FROM inspections i WHERE i.status = 'approved'"
        " AND EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id)"
        " ORDER BY i.approved_at, i.id"
    ).fetchall()
    return [row[0] for row in rows]


def candidates(store: Store) -> list[Candidate]:
    """The ``candidate_ids`` with what a list of them shows, in the same order."""
    rows = store.db.execute(
        "SELECT i.id, o.name, o.credit_code, i.approved_at,"
        " (SELECT COUNT(*) FROM findings f WHERE f.inspection_id = i.id),"
        " COALESCE((SELECT n.number FROM notices n WHERE n.inspection_id = i.id"
        "  ORDER BY n.version DESC LIMIT 1), '')"
        " FROM inspections i JOIN organizations o ON o.id = i.organization_id"
        " WHERE i.status = 'approved'"
        " AND EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id)"
        " ORDER BY i.approved_at, i.id"
    ).fetchall()
    return [Candidate(*row) for row in rows]


def latest(store: Store, inspection_id: str) -> IssuedNotice | None:
    """The newest version of the notice issued for an inspection, if any."""
    return _latest(store.db.conn, inspection_id)


def issued_in(store: Store, year: int) -> list[IssuedNotice]:
    """The register of a year: every number and version issued, by serial."""
    cursor = store.db.conn.execute(
        f"SELECT {_COLUMNS} FROM notices WHERE year = ? ORDER BY serial, version", (year,)
    )
    return [IssuedNotice(*row) for row in cursor]


_COLUMNS = ", ".join(f.name for f in fields(IssuedNotice))


def _latest(conn: sqlite3.Connection, inspection_id: str) -> IssuedNotice | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM notices WHERE inspection_id = ? ORDER BY version DESC LIMIT 1",
        (inspection_id,),
    ).fetchone()
    return IssuedNotice(*row) if row else None


def _await_service(conn: sqlite3.Connection, inspection_id: str, actor: str) -> None:
    """A period runs from service: until 送达 is recorded (inspector.service) the findings
    it governs have no deadline, and show 待送达, instead of one counted from the inspection."""
    rows = conn.execute(
        "SELECT id, deadline FROM findings WHERE inspection_id = ? AND rectification_days > 0"
        " AND deadline IS NOT NULL",
        (inspection_id,),
    ).fetchall()
    for finding_id, deadline in rows:
        conn.execute("UPDATE findings SET deadline = NULL WHERE id = ?", (finding_id,))
        audit.record(
            conn,
            actor=actor,
            entity="finding",
            entity_id=finding_id,
            action="deadline_awaits_service",
            old={"deadline": deadline},
            new={"deadline": None},
        )


def _next_serial(conn: sqlite3.Connection, code: str, year: int) -> int:
    """The serial the next notice of this authority and year takes (inside its transaction).

    From a reserved block when the device holds any for the series; else the device's own
    series. Blocks used up are refused, in Chinese, rather than guessed past.
    """
    held = conn.execute(
        "SELECT id, next FROM notice_number_blocks WHERE authority_code = ? AND year = ?"
        " AND next <= last ORDER BY first LIMIT 1",
        (code, year),
    ).fetchone()
    if held:
        conn.execute("UPDATE notice_number_blocks SET next = next + 1 WHERE id = ?", (held[0],))
        return int(held[1])
    if conn.execute(
        "SELECT 1 FROM notice_number_blocks WHERE authority_code = ? AND year = ?", (code, year)
    ).fetchone():
        raise UserError(
            f"本机为“{code}”{year}年预留的编号已用完：请联网后预留新的编号段"
            f"（inspector notice-numbers --code {code} --count 20）"
        )
    row = conn.execute(
        "SELECT MAX(serial) FROM notices WHERE authority_code = ? AND year = ?", (code, year)
    ).fetchone()
    return (row[0] or 0) + 1


def _require_issuable(conn: sqlite3.Connection, inspection_id: str) -> None:
    status = status_of(conn, inspection_id)
    if status is not InspectionStatus.APPROVED:
        raise UserError(
            f"检查记录尚未审核（当前状态：{status.label}），审核通过后才能出具整改通知书"
        )
    count = conn.execute(
        "SELECT COUNT(*) FROM findings WHERE inspection_id = ?", (inspection_id,)
    ).fetchone()[0]
    if count == 0:
        raise UserError("该次检查未发现问题，无需出具整改通知书")
