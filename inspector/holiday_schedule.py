"""The State Council's holiday schedule for years ``chinesecalendar`` does not cover yet.

Each year the 国务院办公厅 publishes the next year's 放假 days and 调休上班 days late in the
year; the library follows with a release. Until then the office records the schedule from a
small file, and deadlines counted from service use it (``deadlines.Calendar``). A year is kept
in the ``settings`` table (``holidays.YEAR``), with where it came from; every import is
audited. A year the library covers is refused: one source per year.

The file is YAML::

    year: 2027
    source: 国务院办公厅关于2027年部分节假日安排的通知
    rest: [2027-01-01, 2027-02-10, ...]     # 放假
    work: [2027-02-07, ...]                 # 调休上班 (a Saturday or Sunday)

or CSV with a header ``日期,类型`` and one day a row, 类型 ``放假`` or ``上班`` (the year from the
dates, the source from an optional third column ``来源``).

The settings table is the device's own: the schedule is not synced from the office server
(that would need a new synced entity in ``sync/``); each device imports the office's file.
"""

import csv
import io
import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from inspector import audit, deadlines
from inspector.clock import utc_now
from inspector.deadlines import Calendar, OfficeYear
from inspector.errors import UserError
from inspector.store import Store

KEY_PREFIX = "holidays."
REST, WORK = "放假", "上班"
WEEKDAYS = "一二三四五六日"


def calendar(source: Store | sqlite3.Connection) -> Calendar:
    """The library's years and the office's recorded ones, for counting deadlines."""
    conn = source.db.conn if isinstance(source, Store) else source
    rows = conn.execute(
        "SELECT value FROM settings WHERE key LIKE ? ORDER BY key", (f"{KEY_PREFIX}%",)
    ).fetchall()
    years = [_year_from_stored(json.loads(value)) for (value,) in rows]
    return Calendar({year.year: year for year in years})


def recorded(store: Store) -> list[OfficeYear]:
    """The years the office recorded, in order."""
    return sorted(calendar(store).office.values(), key=lambda year: year.year)


def parse(path: Path) -> OfficeYear:
    """A schedule file, checked; ``UserError`` naming the file, the row and what is wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"无法读取节假日安排文件 {path}：{exc}") from exc
    if path.suffix.lower() == ".csv":
        return _from_csv(path.name, text)
    return _from_yaml(path.name, text)


def record(store: Store, year: OfficeYear, *, actor: str) -> None:
    """Keep (or replace) one year's schedule; audited with the old and the new."""
    if deadlines.library_knows(year.year):
        raise UserError(
            f"程序自带的节假日数据（chinesecalendar）已包含{year.year}年的安排，无需登记；"
            "以程序自带的数据为准"
        )
    key = f"{KEY_PREFIX}{year.year}"
    value = _stored(year)
    with store.transaction() as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        old = json.loads(row[0]) if row else None
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )
        audit.record(
            conn,
            actor=actor,
            entity="holidays",
            entity_id=str(year.year),
            action="import",
            old=old,
            new={**value, "recorded_at": utc_now()},
        )


def _stored(year: OfficeYear) -> dict[str, Any]:
    return {
        "year": year.year,
        "source": year.source,
        "rest": sorted(day.isoformat() for day in year.rest),
        "work": sorted(day.isoformat() for day in year.work),
    }


def _year_from_stored(value: dict[str, Any]) -> OfficeYear:
    return OfficeYear(
        int(value["year"]),
        frozenset(date.fromisoformat(day) for day in value["rest"]),
        frozenset(date.fromisoformat(day) for day in value["work"]),
        str(value.get("source", "")),
    )


class _Loader(yaml.SafeLoader):
    """Dates stay text, so that a wrong one (2027-02-30) is refused naming its entry."""


def _as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    assert isinstance(node, yaml.ScalarNode)
    return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)


def _from_yaml(name: str, text: str) -> OfficeYear:
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise UserError(f"{name} 不是有效的 YAML 文件：{exc}") from exc
    if not isinstance(data, dict):
        raise UserError(f"{name}：应包含 year、rest（放假）和 work（调休上班）")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise UserError(f"{name}：year 应为年份，如 2027")
    days: list[tuple[str, date, str]] = []
    for field, kind in (("rest", REST), ("work", WORK)):
        listed = data.get(field) or []
        if not isinstance(listed, list):
            raise UserError(f"{name}：{field} 应为日期的列表")
        for n, value in enumerate(listed, start=1):
            days.append((f"{field} 第{n}项", _day(name, f"{field} 第{n}项", value), kind))
    return _checked(name, year, days, str(data.get("source") or ""))


def _from_csv(name: str, text: str) -> OfficeYear:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [cell.strip() for cell in rows[0][:2]] != ["日期", "类型"]:
        raise UserError(f"{name}：第1行应为表头“日期,类型”（可加第三列“来源”）")
    days: list[tuple[str, date, str]] = []
    sources = set()
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"第{n}行"
        kind = row[1].strip() if len(row) > 1 else ""
        if kind not in (REST, WORK):
            raise UserError(f"{name} {where}：类型应为“{REST}”或“{WORK}”，而不是“{kind}”")
        days.append((where, _day(name, where, row[0].strip()), kind))
        if len(row) > 2 and row[2].strip():
            sources.add(row[2].strip())
    if not days:
        raise UserError(f"{name}：没有日期")
    years = {day.year for _, day, _ in days}
    if len(years) > 1:
        raise UserError(
            f"{name}：一个文件只登记一年，而文件中有{'、'.join(map(str, sorted(years)))}年"
        )
    return _checked(name, years.pop(), days, "；".join(sorted(sources)))


def _day(name: str, where: str, value: object) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UserError(
            f"{name} {where}：“{value}”不是日期（应为 2027-01-01 这样的日期）"
        ) from None


def _checked(name: str, year: int, days: list[tuple[str, date, str]], source: str) -> OfficeYear:
    """The same day not twice, every day in the year, 调休上班 only on a weekend."""
    seen: dict[date, str] = {}
    for where, day, kind in days:
        if day.year != year:
            raise UserError(f"{name} {where}：{day} 不在{year}年")
        if day in seen:
            raise UserError(f"{name} {where}：{day} 已在{seen[day]}登记过")
        if kind == WORK and day.weekday() < 5:
            raise UserError(
                f"{name} {where}：{day} 是星期{WEEKDAYS[day.weekday()]}，调休上班日应为周六或周日"
            )
        seen[day] = where
    rest = frozenset(day for _, day, kind in days if kind == REST)
    if not rest:
        raise UserError(f"{name}：没有放假日期")
    work = frozenset(day for _, day, kind in days if kind == WORK)
    return OfficeYear(year, rest, work, source)
