"""An inspection copied whole: the snapshot that leaves a device and the office copy that a
supervisor's desk stores through ``import_copy`` (lifecycle, audit log, never queued)."""

from dataclasses import replace
from pathlib import Path

import pytest

from inspector import audit, findings, inspection_copy, inspections, onsite_record, outbox, roster
from inspector.clock import utc_now
from inspector.errors import TransitionError, UserError
from inspector.model import FindingDraft, InspectionStatus, Inspector, NewInspection, Severity
from inspector.store import Store, open_store
from tests.onsite import NOBODY_ON_SITE
from tests.stub_checklist import stub_definition

ACTOR = "张伟"
PEOPLE = [
    Inspector((ACTOR, "李娜")[i], f"G-00{i}", id=f"00000000-0000-4000-8000-00000000000{i}")
    for i in range(2)
]


def seeded(path: Path) -> Store:
    """A store with the register, checklist and roster an inspection refers to."""
    store = open_store(path)
    store.db["organizations"].insert(
        {
            "id": f"org-{path.stem}",  # ids differ between devices; the credit code does not
            "credit_code": "51100000500002862F",
            "name": "中国自动化学会",
            "kind": "social_group",
            "updated_at": utc_now(),
        }
    )
    store.db["checklists"].insert(
        {
            "id": "cl",
            "version": 1,
            "title": "测试",
            "kind": "other",
            "applies_to": "[]",
            "effective_date": "2026-01-01",
            "definition": stub_definition(),
            "content_hash": "x",
            "imported_at": utc_now(),
        }
    )
    for person in PEOPLE:
        roster.add(store, person)
    return store


def completed(store: Store) -> str:
    org_id = store.db.execute("SELECT id FROM organizations").fetchone()[0]
    new = NewInspection(org_id, "cl", 1, [p.id for p in PEOPLE], utc_now(), place="会议室")
    inspection_id = inspections.start(store, new, actor=ACTOR)
    inspections.set_answer(store, inspection_id, "q1", "not_compliant", note="未公示", actor=ACTOR)
    draft = FindingDraft(
        "未公示收费标准", "依据", Severity.MINOR, "公示", 30, "2026-12-31", item_id="q1"
    )
    findings.add(store, inspection_id, draft, actor=ACTOR)
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor=ACTOR)
    return inspection_id


def test_a_copy_is_stored_completed_logged_and_not_queued(tmp_path: Path) -> None:
    owner, desk = seeded(tmp_path / "owner.db"), seeded(tmp_path / "desk.db")
    inspection_id = completed(owner)
    copy = inspection_copy.snapshot(owner, inspection_id)

    inspection_copy.import_copy(desk, inspection_id, 1, "zhang", copy)

    stored = inspections.get(desk, inspection_id)
    assert stored is not None and stored.status is InspectionStatus.COMPLETED
    assert stored.organization_id == "org-desk"  # matched by credit code
    assert inspections.answers(desk, inspection_id)["q1"].note == "未公示"
    assert [f.description for f in findings.of_inspection(desk, inspection_id)] == [
        "未公示收费标准"
    ]
    assert inspection_copy.snapshot(desk, inspection_id) == replace(
        copy, organization_id="org-desk"
    )
    entry = desk.db.execute(
        "SELECT actor, action FROM audit_log WHERE entity_id = ? ORDER BY seq DESC",
        (inspection_id,),
    ).fetchone()
    assert entry == ("server:zhang", "import")
    assert outbox.all_rows(desk) == []  # another inspector's work is never uploaded from here
    assert audit.verify(desk) is None


def test_a_local_draft_is_never_overwritten(tmp_path: Path) -> None:
    owner, desk = seeded(tmp_path / "owner.db"), seeded(tmp_path / "desk.db")
    copy = inspection_copy.snapshot(owner, completed(owner))
    org_id = desk.db.execute("SELECT id FROM organizations").fetchone()[0]
    new = NewInspection(org_id, "cl", 1, [p.id for p in PEOPLE], utc_now())
    draft_id = inspections.start(desk, new, actor=ACTOR)
    inspections.set_answer(desk, draft_id, "q1", "compliant", actor=ACTOR)

    with pytest.raises(TransitionError, match="草稿"):
        inspection_copy.import_copy(desk, draft_id, 2, "zhang", copy)

    assert inspections.get(desk, draft_id).status is InspectionStatus.DRAFT  # type: ignore[union-attr]
    assert inspections.answers(desk, draft_id)["q1"].value == "compliant"


def test_a_copy_whose_organization_is_not_here_is_refused(tmp_path: Path) -> None:
    owner, desk = seeded(tmp_path / "owner.db"), seeded(tmp_path / "desk.db")
    inspection_id = completed(owner)
    copy = replace(
        inspection_copy.snapshot(owner, inspection_id),
        organization_id="elsewhere",
        organization_credit_code="53100000500012345X",
    )
    with pytest.raises(UserError, match="53100000500012345X 不在本机登记库中"):
        inspection_copy.import_copy(desk, inspection_id, 1, "zhang", copy)
    assert inspections.get(desk, inspection_id) is None
