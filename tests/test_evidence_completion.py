"""Attachments by SHA-256, completion problems, the on-site confirmation, preferences."""

import json
from pathlib import Path

import pytest

from inspector import (
    attachments,
    completion,
    findings,
    inspections,
    onsite_record,
    preferences,
    roster,
)
from inspector.checklist_model import AnswerType, Item
from inspector.errors import UserError
from inspector.model import FindingDraft, InspectionStatus, Inspector, NewInspection, Severity
from inspector.onsite_record import OnSite, Outcome
from inspector.store import Store
from tests.stub_checklist import stub_definition

ITEMS = [
    Item(id="a", question="是否按时报送年度报告", answer_type=AnswerType.COMPLIANCE),
    Item(id="b", question="备注", answer_type=AnswerType.TEXT, required=False),
]


@pytest.fixture
def inspection_id(store: Store) -> str:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO organizations (id, credit_code, name, kind, updated_at)"
            " VALUES ('o1', '51110000MJ0000000X', '测试协会', 'social_group', '2026-01-01')"
        )
        conn.execute(
            "INSERT INTO checklists VALUES ('c', 1, '检查表', 'spot_check', '[]', '2026-01-01',"
            " ?, 'h', '2026-01-01')",
            (stub_definition(),),
        )
    ids = [roster.add(store, Inspector(f"人员{n}", f"A{n}")).id for n in range(2)]
    new = NewInspection("o1", "c", 1, ids, "2026-11-20T01:00:00+00:00")
    return inspections.start(store, new, actor="A0")


def test_add_file_copies_by_hash_and_leaves_original(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    photo = tmp_path / "IMG_0231.jpg"
    photo.write_bytes(b"\xff\xd8 photo")
    before = photo.stat().st_mtime_ns
    first = attachments.add_file(store, inspection_id, photo, item_id="a", actor="A0")
    second = attachments.add_file(store, inspection_id, photo, actor="A0")
    assert first.sha256 == second.sha256
    stored = attachments.file_path(store, first.sha256)
    assert stored.parent.name == first.sha256[:2]
    assert attachments.read_bytes(store, first.sha256) == b"\xff\xd8 photo"
    assert b"\xff\xd8 photo" not in stored.read_bytes()  # encrypted on disk
    assert photo.stat().st_mtime_ns == before
    assert first.is_image
    assert [a.item_id for a in attachments.for_inspection(store, inspection_id)] == ["a", None]


def test_remove_needs_reason_and_missing_file_refused(
    store: Store, inspection_id: str, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match="找不到文件"):
        attachments.add_file(store, inspection_id, tmp_path / "none.pdf", actor="A0")
    doc = tmp_path / "章程.pdf"
    doc.write_bytes(b"%PDF")
    added = attachments.add_file(store, inspection_id, doc, actor="A0")
    with pytest.raises(UserError, match="理由"):
        attachments.remove(store, added.id, reason=" ", actor="A0")
    attachments.remove(store, added.id, reason="拍错了", actor="A0")
    assert attachments.for_inspection(store, inspection_id) == []


def test_problems_lists_required_items_and_findings_without_deadline(
    store: Store, inspection_id: str
) -> None:
    assert [p.item_id for p in completion.problems(store, inspection_id, ITEMS)] == ["a"]
    inspections.set_answer(store, inspection_id, "a", "compliant", actor="A0")
    draft = FindingDraft("未公开年报", "", Severity.MINOR, "", 30, "", item_id="a")
    findings.add(store, inspection_id, draft, actor="A0")
    found = completion.problems(store, inspection_id, ITEMS)
    assert [p.message[:9] for p in found] == ["问题未设定整改期限"]
    assert found[0].item_id == "a"
    assert not completion.is_answered("  ") and not completion.is_answered([])


def test_completion_needs_the_onsite_confirmation_or_why_not(
    store: Store, inspection_id: str
) -> None:
    png = onsite_record.PNG_MAGIC + b"sig"
    with pytest.raises(UserError, match="现场检查记录尚未经被检查单位确认"):
        inspections.complete(store, inspection_id, actor="A0")
    refused = [
        (OnSite(Outcome.SIGNED, "王五"), "请在签名区签名"),
        (OnSite(Outcome.SIGNED, " ", signature_png=png), "姓名"),
        (OnSite(Outcome.REFUSED, "王五", reason="看过后不签"), "见证人"),
        (OnSite(Outcome.ABSENT), "不在场的情况"),
    ]
    for on_site, message in refused:
        with pytest.raises(UserError, match=message):
            onsite_record.complete_on_site(store, inspection_id, on_site, actor="A0")
    assert inspections.get(store, inspection_id).status is InspectionStatus.DRAFT  # type: ignore[union-attr]
    signed = OnSite(Outcome.SIGNED, "王五", signature_png=png)
    onsite_record.complete_on_site(store, inspection_id, signed, actor="A0")
    confirmation = onsite_record.confirmation_of(store, inspection_id)
    assert confirmation is not None and confirmation.representative == "王五"
    assert onsite_record.signature_bytes(store, confirmation) == png
    with pytest.raises(UserError, match="已确认或已处理"):
        onsite_record.complete_on_site(store, inspection_id, signed, actor="A0")


def test_a_refusal_is_recorded_with_its_witness(store: Store, inspection_id: str) -> None:
    refusal = OnSite(Outcome.REFUSED, "王五", witness="社区干部赵六", reason="看过记录后不签")
    onsite_record.complete_on_site(store, inspection_id, refusal, actor="A0")
    confirmation = onsite_record.confirmation_of(store, inspection_id)
    assert confirmation is not None
    assert confirmation.statement == "王五拒绝签字（看过记录后不签）。见证人：社区干部赵六"


def test_preferences_round_trip(store: Store) -> None:
    assert preferences.get(store, "x", "默认") == "默认"
    preferences.put(store, "x", {"item": "a"})
    preferences.put(store, "x", {"item": "b"})
    assert preferences.get(store, "x") == {"item": "b"}
    assert json.loads(store.db.execute("SELECT value FROM settings").fetchone()[0])
