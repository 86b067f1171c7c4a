"""双随机 spot-check campaigns: the population from the register, a random sample of it, and a
random team of inspectors for each target, reproducible from a recorded seed.

Reproducible means: the same seed over the same population (and the same roster and conflicts)
gives the same draw on any machine. The population is sorted by credit code before sampling
with ``random.Random(seed)`` (string seeds are hashed with SHA-512 by Python, independent of
``PYTHONHASHSEED``), and hashes of the population and of the roster are recorded with the
seed, so anyone can re-run a recorded draw and see whether it still holds.
"""

import hashlib
import json
import math
import random
import sqlite3
import uuid
from calendar import monthrange
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from inspector import audit, conflicts
from inspector.clock import today, utc_now
from inspector.errors import UserError
from inspector.model import GONE_STATUSES, Inspector
from inspector.roles import require_supervisor
from inspector.store import Store

# 《社会组织抽查暂行办法》: the share of organizations a registration authority checks each year.
DEFAULT_RATIOS = {"county": 0.03, "city": 0.04, "province": 0.05}
LEVEL_LABELS = {"county": "县级", "city": "市级", "province": "省级"}
MIN_TEAM = 2


@dataclass(frozen=True)
class Criteria:
    """Who is eligible: empty tuples mean "any"."""

    kinds: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    credit_statuses: tuple[str, ...] = ()
    authorities: tuple[str, ...] = ()
    not_inspected_months: int | None = None  # no inspection started in the last N months


@dataclass(frozen=True)
class SampleRule:
    """How many to draw: a size, a ratio, or the default ratio of an authority level."""

    size: int | None = None
    ratio: float | None = None
    level: str | None = None


@dataclass(frozen=True)
class Member:
    """One eligible organization, as the draw sees it."""

    id: str
    credit_code: str
    name: str
    kind: str
    district: str


@dataclass(frozen=True)
class Target:
    position: int  # 1-based, in draw order
    organization: Member
    inspectors: tuple[Inspector, ...]


@dataclass(frozen=True)
class Draw:
    seed: str
    criteria: Criteria
    rule: SampleRule
    team_size: int
    as_of: date  # the day "the last N months" counts back from
    population_size: int
    population_hash: str
    roster_hash: str
    targets: tuple[Target, ...] = field(default_factory=tuple)

    def parameters(self) -> dict[str, Any]:
        """What, together with the seed, re-runs this draw."""
        return {
            "criteria": asdict(self.criteria),
            "rule": asdict(self.rule),
            "team_size": self.team_size,
            "as_of": self.as_of.isoformat(),
        }


def population(store: Store, criteria: Criteria, *, as_of: date | None = None) -> list[Member]:
    """Eligible organizations, sorted by credit code (the draw's stable order)."""
    return members(store, eligible_ids(store, criteria, as_of=as_of))


def eligible_ids(store: Store, criteria: Criteria, *, as_of: date | None = None) -> list[str]:
    """The ids of the eligible organizations, sorted by credit code."""
    where, params = _population_filter(criteria, as_of or today())
    rows = store.db.execute(
        f"SELECT o.id FROM organizations o WHERE {where} ORDER BY o.credit_code", params
    ).fetchall()
    return [row[0] for row in rows]


def members(store: Store, ids: list[str]) -> list[Member]:
    """The organizations with these ids, in the order given."""
    rows = store.db.execute(
        "SELECT o.id, o.credit_code, o.name, o.kind, o.district FROM json_each(?) j"
        " JOIN organizations o ON o.id = j.value ORDER BY j.key",
        (json.dumps(ids),),
    ).fetchall()
    return [Member(*row) for row in rows]


def sample_size(population_size: int, rule: SampleRule) -> int:
    """How many to draw: the size given, or the ratio (or level default) rounded up."""
    given = [x for x in (rule.size, rule.ratio) if x is not None]
    if len(given) > 1:
        raise UserError("抽查数量和抽查比例只能指定一项")
    if population_size == 0:
        raise UserError("没有符合条件的检查对象，无法抽取")
    if rule.size is not None:
        if not 1 <= rule.size <= population_size:
            raise UserError(f"抽查数量应在 1 到 {population_size}（符合条件的检查对象数）之间")
        return rule.size
    ratio = rule.ratio if rule.ratio is not None else _level_ratio(rule.level)
    if not 0 < ratio <= 1:
        raise UserError(f"抽查比例应大于 0 且不超过 100%，现为 {ratio:.2%}")
    # round() first so that 3% of 100 is 3, not 4 from 0.03 * 100 = 3.0000000000000004
    return min(population_size, math.ceil(round(ratio * population_size, 9)))


def draw(
    store: Store,
    criteria: Criteria,
    rule: SampleRule,
    *,
    seed: str,
    team_size: int = MIN_TEAM,
    as_of: date | None = None,
) -> Draw:
    """Draw targets and their inspector teams. Reads only; ``create`` records a draw."""
    if not seed.strip():
        raise UserError("请指定随机种子（用于公开验证抽取结果）")
    if team_size < MIN_TEAM:
        raise UserError("每个检查对象至少应派两名执法人员")
    day = as_of or today()
    ids = eligible_ids(store, criteria, as_of=day)
    size = sample_size(len(ids), rule)
    inspectors = eligible_inspectors(store)
    conflicted = conflicts.all_pairs(store)
    rng = random.Random(seed)
    # Sampling positions draws the same as sampling the list itself, and only the chosen
    # organizations need reading in full.
    chosen = members(store, [ids[i] for i in rng.sample(range(len(ids)), size)])
    targets = tuple(
        Target(position, org, _team(rng, inspectors, conflicted, org, team_size))
        for position, org in enumerate(chosen, start=1)
    )
    return Draw(
        seed=seed,
        criteria=criteria,
        rule=rule,
        team_size=team_size,
        as_of=day,
        population_size=len(ids),
        population_hash=_hash(ids),
        roster_hash=_hash([p.id for p in inspectors] + sorted(f"{r}/{o}" for r, o in conflicted)),
        targets=targets,
    )


def eligible_inspectors(store: Store) -> list[Inspector]:
    """Active inspectors on the roster, by certificate number (the draw's stable order)."""
    rows = store.db.execute(
        "SELECT name, certificate_no, unit, role, id FROM roster"
        " WHERE active = 1 AND role = 'inspector' ORDER BY certificate_no"
    ).fetchall()
    return [Inspector(*row) for row in rows]


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day if it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _population_filter(criteria: Criteria, as_of: date) -> tuple[str, list[Any]]:
    # Deregistered and revoked organizations are never drawn, whatever the criteria.
    clauses: list[str] = [f"o.registration_status NOT IN ({', '.join('?' * len(GONE_STATUSES))})"]
    params: list[Any] = list(GONE_STATUSES)
    for column, values in (
        ("kind", criteria.kinds),
        ("district", criteria.districts),
        ("credit_status", criteria.credit_statuses),
        ("registration_authority", criteria.authorities),
    ):
        if values:
            clauses.append(f"o.{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if criteria.not_inspected_months is not None:
        if criteria.not_inspected_months < 1:
            raise UserError("“近 N 个月未检查”的月数应为正整数")
        clauses.append(
            "NOT EXISTS (SELECT 1 FROM inspections i"
            " WHERE i.organization_id = o.id AND i.started_at >= ?)"
        )
        params.append(months_before(as_of, criteria.not_inspected_months).isoformat())
    return " AND ".join(clauses), params


def _level_ratio(level: str | None) -> float:
    if level not in DEFAULT_RATIOS:
        raise UserError("请指定抽查数量或抽查比例（或登记管理机关级别：县级、市级、省级）")
    return DEFAULT_RATIOS[level]


def _team(
    rng: random.Random,
    inspectors: list[Inspector],
    conflicted: set[tuple[str, str]],
    org: Member,
    team_size: int,
) -> tuple[Inspector, ...]:
    eligible = [p for p in inspectors if (p.id, org.id) not in conflicted]
    if len(eligible) < team_size:
        raise UserError(
            f"“{org.name}”可派的执法人员只有{len(eligible)}名（已排除回避人员），"
            f"不足{team_size}名；请补充执法人员名录或调整回避"
        )
    return tuple(rng.sample(eligible, team_size))


def _hash(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()


# --- recording a draw ----------------------------------------------------------------------


def create(
    store: Store, result: Draw, *, name: str, checklist_id: str, due_date: str, actor: str
) -> str:
    """Record a draw as a campaign and create one task per target; returns the campaign id."""
    require_supervisor(store, actor)
    if not name.strip():
        raise UserError("请填写抽查计划名称")
    campaign_id = str(uuid.uuid4())
    now = utc_now()
    campaign = {
        "id": campaign_id,
        "name": name.strip(),
        "seed": result.seed,
        "parameters": json.dumps(result.parameters(), ensure_ascii=False, sort_keys=True),
        "population_size": result.population_size,
        "population_hash": result.population_hash,
        "roster_hash": result.roster_hash,
        "checklist_id": checklist_id,
        "due_date": due_date,
        "created_at": now,
        "created_by": actor,
    }
    with store.transaction() as conn:
        if not conn.execute("SELECT 1 FROM checklists WHERE id = ?", (checklist_id,)).fetchone():
            raise UserError(f"找不到检查表：{checklist_id}")
        conn.execute(
            f"INSERT INTO campaigns ({', '.join(campaign)})"
            f" VALUES ({', '.join(':' + c for c in campaign)})",
            campaign,
        )
        drawn = [
            _create_task(conn, campaign_id, t, checklist_id, due_date, now) for t in result.targets
        ]
        audit.record(
            conn,
            actor=actor,
            entity="campaign",
            entity_id=campaign_id,
            action="draw",
            new={**campaign, "targets": drawn},
        )
    return campaign_id


def _create_task(
    conn: sqlite3.Connection,
    campaign_id: str,
    target: Target,
    checklist_id: str,
    due_date: str,
    now: str,
) -> dict[str, Any]:
    task_id = str(uuid.uuid4())
    inspector_ids = json.dumps([p.id for p in target.inspectors])
    conn.execute(
        "INSERT INTO tasks (id, organization_id, checklist_id, due_date, inspector_ids, status,"
        " campaign_id, created_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
        (task_id, target.organization.id, checklist_id, due_date, inspector_ids, campaign_id, now),
    )
    conn.execute(
        "INSERT INTO campaign_targets (campaign_id, position, organization_id, inspector_ids,"
        " task_id) VALUES (?, ?, ?, ?, ?)",
        (campaign_id, target.position, target.organization.id, inspector_ids, task_id),
    )
    return {"organization_id": target.organization.id, "inspectors": inspector_ids, "task": task_id}
