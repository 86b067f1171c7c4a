"""Issuing authorities and their number series: each authority its own 代字 and yearly series.

A notice is numbered ``{代字}〔{year}〕{n}号`` in the series of the authority that issues it.
Standalone, the device numbers (the next serial after the highest it issued). With a server,
numbers come from the office: the device reserves a block (``sync.notice_numbers``) while
online and draws from it offline, so two devices never issue the same number. A device
that holds blocks for an authority and year draws only from them.
"""

import sqlite3
import uuid
from dataclasses import asdict, dataclass, fields, replace

from inspector import audit
from inspector.clock import utc_now
from inspector.errors import UserError
from inspector.notices import NoticeSettings
from inspector.store import Store


@dataclass(frozen=True)
class Authority:
    name: str  # 发文机关, e.g. 某市民政局
    code: str  # 机关代字, e.g. X民社整
    review_body: str = ""  # 行政复议机关 for its notices
    contact: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Block:
    """Numbers ``first``..``last`` of an authority's series reserved from the office."""

    id: str
    authority_code: str
    year: int
    first: int
    last: int
    next: int  # the next number to draw; ``last + 1`` when used up
    reserved_at: str


def save(store: Store, authority: Authority, *, actor: str, automatic: bool = False) -> None:
    """Add or change an authority (by name); a 代字 belongs to one authority only."""
    name, code = authority.name.strip(), authority.code.strip()
    if not name or not code:
        raise UserError("发文机关须填写名称（name）和机关代字（code）")
    with store.transaction() as conn:
        other = conn.execute(
            "SELECT name FROM notice_authorities WHERE code = ? AND name != ?", (code, name)
        ).fetchone()
        if other:
            raise UserError(f"机关代字“{code}”已由“{other[0]}”使用，每个发文机关须有自己的代字")
        old = _get(conn, name)
        row = asdict(authority) | {"name": name, "code": code, "automatic": int(automatic)}
        conn.execute(
            "INSERT INTO notice_authorities"
            " (name, code, review_body, contact, phone, address, automatic)"
            " VALUES (:name, :code, :review_body, :contact, :phone, :address, :automatic)"
            " ON CONFLICT (name) DO UPDATE SET code = excluded.code,"
            " review_body = excluded.review_body, contact = excluded.contact,"
            " phone = excluded.phone, address = excluded.address, automatic = excluded.automatic",
            row,
        )
        audit.record(
            conn,
            actor=actor,
            entity="authority",
            entity_id=name,
            action="update" if old else "add",
            old=asdict(old) if old else None,
            new=row,
        )


def settings_for(
    store: Store, settings: NoticeSettings, name: str, *, actor: str
) -> NoticeSettings:
    """The settings a notice of authority ``name`` is issued with: its own 代字 (the series),
    复议机关 and contact where the authority has them, else the office's.

    The authority configured in the settings uses the settings' 代字. Any other authority
    without an entry gets one on its first notice, with a 代字 made from its name and the
    default one (越秀区民政局 → 越民社整), so that it numbers in a series of its own; the entry is
    audited, ``automatic_codes`` lists it for a warning, and ``notice-authority`` corrects it.
    """
    found = get(store, name)
    if found is None:
        if name.strip() == settings.authority.strip():
            return settings
        found = Authority(name.strip(), _free_code(store, name.strip()))
        save(store, found, actor=actor, automatic=True)
    own = {k: v for k, v in asdict(found).items() if k not in ("name", "code") and v}
    return replace(settings, authority=found.name, prefix=found.code, **own)


def automatic_codes(store: Store) -> list[Authority]:
    """Authorities whose 代字 was made automatically and has not been confirmed."""
    rows = store.db.conn.execute(
        f"SELECT {_COLUMNS} FROM notice_authorities WHERE automatic = 1 ORDER BY name"
    )
    return [Authority(*row) for row in rows]


def _free_code(store: Store, name: str) -> str:
    """The shortest start of the name, then the default 代字: 越秀区民政局 → 越民社整."""
    prefix = NoticeSettings().prefix
    taken = {a.code for a in listed(store)}
    for size in range(1, len(name) + 1):
        code = name[:size] + prefix
        if code not in taken:
            return code
    return name + prefix


def get(store: Store, name: str) -> Authority | None:
    return _get(store.db.conn, name.strip())


def listed(store: Store) -> list[Authority]:
    rows = store.db.conn.execute(f"SELECT {_COLUMNS} FROM notice_authorities ORDER BY code")
    return [Authority(*row) for row in rows]


def add_block(store: Store, code: str, year: int, first: int, last: int, *, actor: str) -> Block:
    """Keep a block the office reserved for this device (from ``reserve_notice_numbers``)."""
    if not 1 <= first <= last:
        raise UserError(f"编号段 {first}–{last} 无效")
    with store.transaction() as conn:
        overlap = conn.execute(
            "SELECT first, last FROM notice_number_blocks WHERE authority_code = ? AND year = ?"
            " AND first <= ? AND last >= ?",
            (code, year, last, first),
        ).fetchone()
        if overlap:
            raise UserError(f"编号段 {first}–{last} 与本机已有的 {overlap[0]}–{overlap[1]} 重叠")
        block = Block(str(uuid.uuid4()), code, year, first, last, first, utc_now())
        row = asdict(block)
        conn.execute(
            f"INSERT INTO notice_number_blocks ({', '.join(row)})"
            f" VALUES ({', '.join(':' + key for key in row)})",
            row,
        )
        audit.record(
            conn, actor=actor, entity="number_block", entity_id=block.id, action="reserve", new=row
        )
    return block


def blocks(store: Store, code: str, year: int) -> list[Block]:
    rows = store.db.conn.execute(
        f"SELECT {_BLOCK_COLUMNS} FROM notice_number_blocks"
        " WHERE authority_code = ? AND year = ? ORDER BY first",
        (code, year),
    )
    return [Block(*row) for row in rows]


def remaining(store: Store, code: str, year: int) -> int:
    """Numbers left to draw offline for an authority and year."""
    return sum(b.last - b.next + 1 for b in blocks(store, code, year))


@dataclass(frozen=True)
class Held:
    """The numbers of one authority and year this device holds: for the 预留编号 dialog."""

    code: str
    name: str  # the authority of that 代字, "" if none is registered
    ranges: str  # "1–20、41–60"
    used: int
    left: int


def held(store: Store, year: int) -> list[Held]:
    """Per 代字, the blocks this device reserved for ``year``: ranges, used and left."""
    codes = [
        code
        for (code,) in store.db.conn.execute(
            "SELECT DISTINCT authority_code FROM notice_number_blocks WHERE year = ?"
            " ORDER BY authority_code",
            (year,),
        )
    ]
    names = {a.code: a.name for a in listed(store)}
    found = []
    for code in codes:
        reserved = blocks(store, code, year)
        total = sum(b.last - b.first + 1 for b in reserved)
        left = sum(b.last - b.next + 1 for b in reserved)
        ranges = "、".join(f"{b.first}–{b.last}" for b in reserved)
        found.append(Held(code, names.get(code, ""), ranges, total - left, left))
    return found


def _get(conn: sqlite3.Connection, name: str) -> Authority | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM notice_authorities WHERE name = ?", (name,)
    ).fetchone()
    return Authority(*row) if row else None


_COLUMNS = ", ".join(f.name for f in fields(Authority))
_BLOCK_COLUMNS = ", ".join(f.name for f in fields(Block))
