"""The demo data set: a register, a roster, tasks and earlier inspections in every state.

Everything is drawn from one seeded random generator, ids included, so the same seed and the
same ``as_of`` date give the same data. Inspections go through the real workflows, so the
audit log and the outbox are filled as in real use. A store that already holds organizations
never gets demo data.
"""

import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from inspector import current_user, findings, inspections, onsite_record, registry, roster
from inspector.checklist_model import Checklist, ChecklistKind
from inspector.clock import utc_now
from inspector.demo_answers import answer_for
from inspector.demo_names import (
    CITY_DIVISIONS,
    DISTRICTS,
    PROVINCE,
    SUPERVISORS,
    District,
    address,
    credit_code_for,
    org_name,
    person,
)
from inspector.errors import UserError
from inspector.finding_templates import draft_for_item
from inspector.model import (
    CreditStatus,
    Inspector,
    NewInspection,
    Organization,
    OrgKind,
)
from inspector.store import Store

# A show_if evaluator, given by the caller (it lives in the checklists package, a layer up).
ShowIf = Callable[[str, dict[str, Any], str], bool]

KIND_WEIGHTS = {OrgKind.SOCIAL_GROUP: 45, OrgKind.SOCIAL_SERVICE: 45, OrgKind.FOUNDATION: 10}
CREDIT_WEIGHTS = {
    CreditStatus.NORMAL: 90,
    CreditStatus.GOOD: 4,
    CreditStatus.ABNORMAL: 5,
    CreditStatus.SERIOUS: 1,
}
MIN_CAPITAL = {
    OrgKind.SOCIAL_GROUP: 30_000,
    OrgKind.SOCIAL_SERVICE: 30_000,
    OrgKind.FOUNDATION: 2_000_000,
}


@dataclass(frozen=True)
class DemoSummary:
    organizations: int
    inspectors: int
    inspections: int
    findings: int
    tasks: int


def build(
    store: Store,
    *,
    orgs: int,
    seed: int,
    as_of: date,
    checklists: list[Checklist],
    show_if: ShowIf,
) -> DemoSummary:
    """Fill an empty store with demo data; ``checklists`` are the latest stored versions."""
    existing = store.db["organizations"].count
    if existing:
        raise UserError(
            f"数据库中已有 {existing} 个社会组织；演示数据只能写入空数据库，请用 --db 指定新文件"
        )
    rng = random.Random(seed)
    conn = store.db.conn
    conn.execute("PRAGMA synchronous = OFF")  # a demo can be rebuilt; speed matters more here
    try:
        people, supervisor = _add_roster(store, rng)
        register = _make_organizations(rng, orgs)
        registry.upsert_many(store, register)
        sample = rng.sample(register, k=min(len(register), max(10, orgs // 50), 400))
        count_findings = 0
        for org in sample:
            count_findings += _add_inspection(
                store, rng, org, people, supervisor, checklists, show_if, as_of
            )
        tasks = _add_tasks(store, rng, register, people, checklists, as_of)
    finally:
        conn.execute("PRAGMA synchronous = NORMAL")
    return DemoSummary(len(register), len(people), len(sample), count_findings, tasks)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _add_roster(store: Store, rng: random.Random) -> tuple[list[Inspector], str]:
    """Sixteen inspectors and two supervisors; the inspectors and the first supervisor's actor
    (who reviews and re-checks: the core lets only a supervisor on the roster do that)."""
    people = []
    for number in range(1, 19):
        role = "supervisor" if number > 16 else "inspector"
        certificate = f"浙{33_0000 + rng.randint(100, 999)}{number:05d}"
        person_ = Inspector(person(rng), certificate, "省民政厅社会组织管理局", role, _uuid(rng))
        people.append(roster.add(store, person_))
    supervisor = current_user.actor_for(store, next(p for p in people if p.role == "supervisor"))
    return [p for p in people if p.role == "inspector"], supervisor


def _make_organizations(rng: random.Random, count: int) -> list[Organization]:
    kinds = list(KIND_WEIGHTS)
    statuses = list(CREDIT_WEIGHTS)
    codes: set[str] = set()
    names: set[str] = set()
    result: list[Organization] = []
    while len(result) < count:
        kind = rng.choices(kinds, weights=list(KIND_WEIGHTS.values()))[0]
        district = rng.choice(DISTRICTS)
        level, authority, division = _authority(rng, district)
        code = credit_code_for(rng, kind, division)
        name = org_name(rng, kind, district)
        if code in codes or name in names:
            continue
        codes.add(code)
        names.add(name)
        founded = date(1995, 1, 1) + timedelta(days=rng.randint(0, 30 * 365))
        capital = Decimal(MIN_CAPITAL[kind] * rng.choice((1, 1, 2, 3, 5, 10)))
        result.append(
            Organization(
                credit_code=code,
                name=name,
                kind=kind,
                legal_rep=person(rng),
                address=address(rng, district),
                district=district.label,
                registration_authority=authority,
                authority_level=level,
                supervising_unit=_supervisor(rng, district, kind),
                founded_on=founded.isoformat(),
                registered_capital=f"{capital:.2f}",
                credit_status=rng.choices(statuses, weights=list(CREDIT_WEIGHTS.values()))[0],
                id=_uuid(rng),
            )
        )
    return result


def _authority(rng: random.Random, district: District) -> tuple[str, str, str]:
    roll = rng.random()
    if roll < 0.05:
        return "province", f"{PROVINCE}民政厅", "330000"
    if roll < 0.30:
        return "city", f"{district.city}民政局", CITY_DIVISIONS[district.city]
    return "county", f"{district.city}{district.name}民政局", district.division


def _supervisor(rng: random.Random, district: District, kind: OrgKind) -> str:
    unit = rng.choice(SUPERVISORS)
    if not unit or (kind is OrgKind.SOCIAL_GROUP and rng.random() < 0.4):
        return ""  # directly registered (直接登记) trade associations have none
    return f"{district.city}{unit}"


def _applicable(checklists: list[Checklist], org: Organization) -> list[Checklist]:
    fits = [c for c in checklists if org.kind in c.applies_to]
    if org.kind is OrgKind.SOCIAL_GROUP and not org.name.endswith(("协会", "商会")):
        fits = [c for c in fits if c.kind is not ChecklistKind.FEE_AUDIT]
    return fits


def _add_inspection(
    store: Store,
    rng: random.Random,
    org: Organization,
    people: list[Inspector],
    supervisor: str,
    checklists: list[Checklist],
    show_if: ShowIf,
    as_of: date,
) -> int:
    fits = _applicable(checklists, org)
    if not fits:
        return 0
    checklist = rng.choice(fits)
    stage = rng.random()  # < 0.15 draft, < 0.30 waiting for review, else approved
    # Drafts are this week's work; reviewed inspections reach back up to eight months.
    started_on = as_of - timedelta(days=rng.randint(0, 4) if stage < 0.15 else rng.randint(5, 240))
    started_at = datetime.combine(started_on, time(hour=rng.randint(1, 7)), tzinfo=UTC)
    pair = rng.sample(people, 2)
    new = NewInspection(
        org.id,
        checklist.id,
        checklist.version,
        [p.id for p in pair],
        started_at.isoformat(),
        place=org.address,
        representative=person(rng),
    )
    inspection_id = inspections.start(store, new, actor=pair[0].name)
    answers: dict[str, Any] = {}
    finding_ids = []
    # The answers draw from their own generator, so how they are made never shifts what the
    # seed decides for the register and the lifecycle.
    answer_rng = random.Random(rng.getrandbits(64))
    for item in checklist.items():
        if item.show_if and not show_if(item.show_if, answers, org.kind.value):
            continue
        value = answer_for(answer_rng, item, answers)
        answers[item.id] = value
        inspections.set_answer(store, inspection_id, item.id, value, actor=pair[0].name)
        if value == "not_compliant" and item.finding is not None:
            draft = draft_for_item(item, started_on, org_kind=org.kind.value)
            finding_ids.append(findings.add(store, inspection_id, draft, actor=pair[0].name))
    _advance(store, rng, stage, inspection_id, finding_ids, (pair[0].name, supervisor), as_of)
    return len(finding_ids)


def _advance(
    store: Store,
    rng: random.Random,
    stage: float,
    inspection_id: str,
    finding_ids: list[str],
    actors: tuple[str, str],
    as_of: date,
) -> None:
    """Move an inspection (and its findings) along the lifecycle to ``stage``; ``actors`` are
    the inspector and the supervisor."""
    if stage < 0.15:
        return  # still a draft
    onsite_record.complete_on_site(
        store,
        inspection_id,
        onsite_record.OnSite(onsite_record.Outcome.ABSENT, reason="负责人外出"),
        actor=actors[0],
    )
    if stage < 0.30:
        return  # waiting for review
    inspections.approve(store, inspection_id, actor=actors[1])
    for finding_id in finding_ids:
        _advance_finding(store, rng, finding_id, actors, as_of)


def _advance_finding(
    store: Store, rng: random.Random, finding_id: str, actors: tuple[str, str], as_of: date
) -> None:
    actor, supervisor = actors
    roll = rng.random()
    if roll < 0.35:
        return  # open: overdue or not, by its deadline
    reported_on = (as_of - timedelta(days=rng.randint(1, 20))).isoformat()
    findings.report_back(
        store,
        finding_id,
        reported_on=reported_on,
        text="已按要求完成整改，并提交整改报告及相关证明材料。",
        actor=actor,
    )
    if roll < 0.55:
        return  # reported, waiting for the re-check
    if roll < 0.9:
        findings.recheck(store, finding_id, passed=True, reason="复查时整改到位", actor=supervisor)
        return
    findings.recheck(
        store,
        finding_id,
        passed=False,
        reason="复查时问题依旧存在",
        actor=supervisor,
        new_deadline=(as_of + timedelta(days=15)).isoformat(),
    )


def _add_tasks(
    store: Store,
    rng: random.Random,
    register: list[Organization],
    people: list[Inspector],
    checklists: list[Checklist],
    as_of: date,
) -> int:
    rows = []
    for org in rng.sample(register, k=min(len(register), 25)):
        fits = _applicable(checklists, org)
        if not fits:
            continue
        pair = rng.sample(people, 2)
        rows.append(
            {
                "id": _uuid(rng),
                "organization_id": org.id,
                "checklist_id": rng.choice(fits).id,
                "due_date": (as_of + timedelta(days=rng.randint(1, 30))).isoformat(),
                "inspector_ids": json.dumps([p.id for p in pair]),
                "status": "open",
                "created_at": utc_now(),
            }
        )
    with store.transaction():
        store.db.table("tasks").insert_all(rows)
    return len(rows)
