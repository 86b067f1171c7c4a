"""The outbox is filled by triggers in the very transaction that completes an inspection, so
no workflow can complete one and forget to queue it, and a rolled-back completion queues
nothing (the decision to keep the triggers is in docs/architecture.md)."""

import pytest

from inspector import findings, inspections, onsite_record, outbox, roster
from inspector.clock import utc_now
from inspector.model import FindingDraft, Inspector, NewInspection, Severity
from inspector.store import Store
from tests.onsite import NOBODY_ON_SITE

ACTOR = "张伟"


@pytest.fixture
def inspection_id(store: Store) -> str:
    store.db["organizations"].insert(
        {
            "id": "org-1",
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
            "definition": "{}",
            "content_hash": "x",
            "imported_at": utc_now(),
        }
    )
    people = [roster.add(store, Inspector((ACTOR, "李娜")[i], f"G-00{i}")) for i in range(2)]
    new = NewInspection("org-1", "cl", 1, [p.id for p in people], utc_now())
    inspection_id = inspections.start(store, new, actor=ACTOR)
    draft = FindingDraft("未公示收费标准", "依据", Severity.MINOR, "公示", 30, "2026-12-31")
    findings.add(store, inspection_id, draft, actor=ACTOR)
    return inspection_id


def test_completing_queues_the_revision_in_the_same_commit(
    store: Store, inspection_id: str
) -> None:
    assert outbox.waiting(store) == []
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor=ACTOR)
    queued = [(row.inspection_id, row.revision, row.state) for row in outbox.waiting(store)]
    assert queued == [(inspection_id, 1, "pending")]


def test_a_completion_rolled_back_queues_nothing(store: Store, inspection_id: str) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute("UPDATE inspections SET status = 'completed' WHERE id = ?", (inspection_id,))
        assert len(outbox.waiting(store)) == 1  # queued inside the transaction...
        raise RuntimeError("the rest of the change failed")
    assert outbox.all_rows(store) == []  # ...and gone with it
