"""Recorded campaigns: reading them back, the published list 一公开, and re-running a draw to
verify it (same seed, same parameters: the same targets and teams, or the reasons why not)."""

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from inspector import campaigns
from inspector.errors import UserError
from inspector.model import OrgKind
from inspector.store import Store


@dataclass(frozen=True)
class Campaign:
    id: str
    name: str
    seed: str
    parameters: dict[str, Any]
    population_size: int
    population_hash: str
    roster_hash: str
    checklist_id: str
    due_date: str
    created_at: str
    created_by: str


@dataclass(frozen=True)
class ListedTarget:
    """One row of the published list: the organization and its inspectors."""

    position: int
    organization_id: str
    credit_code: str
    name: str
    kind_label: str
    district: str
    inspectors: str  # "张伟（44010001）、李娜（44010002）": names and certificate numbers
    inspector_ids: tuple[str, ...]
    task_id: str


@dataclass(frozen=True)
class Verification:
    holds: bool
    differences: tuple[str, ...]  # in Chinese, empty when the draw holds


_CAMPAIGN_COLUMNS = (
    "id, name, seed, parameters, population_size, population_hash, roster_hash, checklist_id,"
    " due_date, created_at, created_by"
)


def get(store: Store, campaign_id: str) -> Campaign:
    row = store.db.execute(
        f"SELECT {_CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ?", (campaign_id,)
    ).fetchone()
    if row is None:
        raise UserError(f"找不到抽查计划：{campaign_id}")
    return _campaign(row)


def all_campaigns(store: Store) -> list[Campaign]:
    """Every recorded campaign, newest first."""
    rows = store.db.execute(
        f"SELECT {_CAMPAIGN_COLUMNS} FROM campaigns ORDER BY created_at DESC"
    ).fetchall()
    return [_campaign(row) for row in rows]


def targets(store: Store, campaign_id: str) -> list[ListedTarget]:
    """The drawn list in draw order, with names and certificate numbers of the inspectors."""
    rows = store.db.execute(
        "SELECT t.position, o.id, o.credit_code, o.name, o.kind, o.district, t.inspector_ids,"
        " t.task_id FROM campaign_targets t JOIN organizations o ON o.id = t.organization_id"
        " WHERE t.campaign_id = ? ORDER BY t.position",
        (campaign_id,),
    ).fetchall()
    people = _people(store)
    listed = []
    for position, org_id, code, name, kind, district, ids_json, task_id in rows:
        ids = tuple(json.loads(ids_json))
        listed.append(
            ListedTarget(
                position,
                org_id,
                code,
                name,
                OrgKind(kind).label if kind in OrgKind.__members__.values() else kind,
                district,
                "、".join(people.get(i, i) for i in ids),
                ids,
                task_id,
            )
        )
    return listed


def redraw(store: Store, campaign: Campaign) -> campaigns.Draw:
    """The draw again, from the recorded seed and parameters."""
    params = campaign.parameters
    criteria = params["criteria"]
    return campaigns.draw(
        store,
        campaigns.Criteria(
            kinds=tuple(criteria["kinds"]),
            districts=tuple(criteria["districts"]),
            credit_statuses=tuple(criteria["credit_statuses"]),
            authorities=tuple(criteria["authorities"]),
            not_inspected_months=criteria["not_inspected_months"],
        ),
        campaigns.SampleRule(**params["rule"]),
        seed=campaign.seed,
        team_size=params["team_size"],
        as_of=date.fromisoformat(params["as_of"]),
    )


def verify(store: Store, campaign_id: str) -> Verification:
    """Re-run a recorded draw and compare: population, roster, targets and teams."""
    campaign = get(store, campaign_id)
    try:
        again = redraw(store, campaign)
    except UserError as exc:
        return Verification(False, (f"按记录的参数无法重新抽取：{exc.message}",))
    differences = []
    if again.population_hash != campaign.population_hash:
        differences.append(
            f"符合条件的检查对象已变化（抽取时 {campaign.population_size} 个，"
            f"现在 {again.population_size} 个，或名录内容有变动）"
        )
    if again.roster_hash != campaign.roster_hash:
        differences.append("执法人员名录或回避记录已变化")
    recorded = [(t.organization_id, t.inspector_ids) for t in targets(store, campaign_id)]
    redrawn = [(t.organization.id, tuple(p.id for p in t.inspectors)) for t in again.targets]
    if recorded != redrawn:
        differences.append("重新抽取的检查对象或执法人员与记录不一致")
    return Verification(not differences, tuple(differences))


def _campaign(row: tuple[Any, ...]) -> Campaign:
    values = list(row)
    values[3] = json.loads(values[3])
    return Campaign(*values)


def _people(store: Store) -> dict[str, str]:
    rows = store.db.execute("SELECT id, name, certificate_no FROM roster").fetchall()
    return {r[0]: f"{r[1]}（{r[2]}）" for r in rows}
