"""The inspection being edited: the checklist, the answers, and one signal per change.

Every change goes straight to the store through the core workflows (autosave); the widgets
listen to ``changed`` and redraw from here. Visibility (``show_if``) is re-evaluated on each
answer, so dependent items appear and disappear live.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from checklists.computed import compute
from checklists.library import get_checklist
from checklists.visibility import visible_items
from inspector import (
    answer_values,
    attachments,
    completion,
    fee_checks,
    findings,
    inspections,
    onsite_record,
    org_search,
    preferences,
    roles,
)
from inspector.answer_values import NOT_COMPLIANT, UnreadableAnswer
from inspector.attachments import Attachment
from inspector.checklist_model import Checklist, Item, Section
from inspector.clock import to_local
from inspector.errors import UserError
from inspector.lifecycle import EDITABLE_INSPECTION
from inspector.model import FindingDraft, InspectionStatus
from inspector.onsite_record import OnSite
from inspector.store import Store
from inspector.worklists import FindingRow, findings_of_inspection
from ui.text import money

POSITION_KEY = "editor.position.{}"


@dataclass(frozen=True)
class Header:
    organization: str
    org_kind: str
    place: str
    started_at: str
    checklist_title: str
    return_reason: str
    representative: str  # the organization's person on site, typed when the inspection began


class InspectionSession(QObject):
    changed = Signal(str)  # item id ('' for findings/status/evidence of the whole inspection)
    saved = Signal(str)  # local HH:MM of the last write

    def __init__(self, store: Store, inspection_id: str, *, actor: str) -> None:
        super().__init__()
        self.store = store
        self.inspection_id = inspection_id
        self.actor = actor
        self.amendment_reason = ""
        row = inspections.get(store, inspection_id)
        org = org_search.get(store, row.organization_id) if row else None
        if row is None or org is None:
            raise UserError(f"找不到检查记录：{inspection_id}")
        self.checklist: Checklist = get_checklist(store, row.checklist_id, row.checklist_version)
        self.header = Header(
            org.name,
            org.kind.value,
            row.place,
            row.started_at,
            self.checklist.title,
            row.return_reason,
            row.representative,
        )
        self.status = row.status
        self._items = {item.id: item for item in self.checklist.items()}
        self.answers: dict[str, Any] = {}
        self.notes: dict[str, str] = {}
        self.unreadable: list[UnreadableAnswer] = []
        self._load_answers()

    def _load_answers(self) -> None:
        """Read the answers; one that does not fit its item is set aside, never shown as read."""
        stored = inspections.answers(self.store, self.inspection_id)
        items = {key: item.model_dump(mode="json") for key, item in self._items.items()}
        self.unreadable = answer_values.unreadable(
            items, [(item_id, answer.value) for item_id, answer in stored.items()]
        )
        broken = {entry.item_id for entry in self.unreadable}
        self.answers = {k: a.value for k, a in stored.items() if k not in broken}
        self.notes = {item_id: answer.note for item_id, answer in stored.items()}

    # --- reading -----------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        if self.unreadable:  # the safe view: nothing changes until repaired or discarded
            return False
        return self.status in EDITABLE_INSPECTION or bool(self.amendment_reason)

    @property
    def on_team(self) -> bool:
        return inspections.is_team_member(self.store, self.inspection_id, self.actor)

    @property
    def may_take_over(self) -> bool:
        editable = self.status in EDITABLE_INSPECTION
        return editable and not self.on_team and roles.is_supervisor(self.store, self.actor)

    def take_over(self, reason: str) -> None:
        inspections.take_over(self.store, self.inspection_id, reason=reason, actor=self.actor)
        self._saved("")

    @property
    def discardable(self) -> bool:
        return self.status is InspectionStatus.DRAFT

    @property
    def inspection_date(self) -> date:
        return to_local(self.header.started_at).date()

    def item(self, item_id: str) -> Item:
        return self._items[item_id]

    def visible_sections(self) -> list[tuple[Section, list[Item]]]:
        """Sections with their visible items (``show_if``); sections left empty are dropped."""
        visible = {
            item.id for item in visible_items(self.checklist, self.answers, self.header.org_kind)
        }
        shown = [(s, [i for i in s.items if i.id in visible]) for s in self.checklist.sections]
        return [(section, items) for section, items in shown if items]

    def visible_items(self) -> list[Item]:
        return [item for _, items in self.visible_sections() for item in items]

    def is_answered(self, item_id: str) -> bool:
        return completion.is_answered(self.answers.get(item_id))

    def progress(self) -> tuple[int, int]:
        visible = self.visible_items()
        return sum(self.is_answered(item.id) for item in visible), len(visible)

    def next_unanswered(self, after: str | None) -> str | None:
        """The first unanswered visible item after ``after``, wrapping round; None when done."""
        ids = [item.id for item in self.visible_items()]
        start = ids.index(after) + 1 if after in ids else 0
        for item_id in ids[start:] + ids[:start]:
            if not self.is_answered(item_id):
                return item_id
        return None

    def fee_problems(self, item_id: str) -> list[fee_checks.Problem]:
        """Fee data of this item that does not add up (the core's rule, as at entry)."""
        return fee_checks.about(self.answers, item_id)

    def computed_values(self) -> dict[str, str]:
        """Computed totals by label, as money (``¥12,800.00``); ``—`` while not computable."""
        try:
            values = compute(self.checklist, self.answers)
        except UserError:
            return {c.label: "—" for c in self.checklist.computed}
        labels = {c.id: c.label for c in self.checklist.computed}
        return {labels[key]: money(value) for key, value in values.items()}

    def findings(self) -> list[FindingRow]:
        return findings_of_inspection(self.store, self.inspection_id)

    def finding_for_item(self, item_id: str) -> str | None:
        return findings.id_for_item(self.store, self.inspection_id, item_id)

    def evidence(self, item_id: str | None = None) -> list[Attachment]:
        found = attachments.for_inspection(self.store, self.inspection_id)
        return [a for a in found if item_id is None or a.item_id == item_id]

    def problems(self) -> list[completion.Problem]:
        return completion.problems(self.store, self.inspection_id, self.visible_items())

    def last_position(self) -> str | None:
        item_id = preferences.get(self.store, POSITION_KEY.format(self.inspection_id))
        return item_id if item_id in self._items else None

    # --- writing (each one commits at once) --------------------------------------------------

    def set_answer(self, item_id: str, value: Any) -> None:
        self._write_answer(item_id, value, self.notes.get(item_id, ""))

    def set_note(self, item_id: str, note: str) -> None:
        self._write_answer(item_id, self.answers.get(item_id), note)

    def answer_not_compliant(self, item_id: str, draft: FindingDraft) -> str:
        """不符合 together with its finding (one transaction in the core)."""
        finding_id = findings.record_not_compliant(
            self.store,
            self.inspection_id,
            item_id,
            draft,
            actor=self.actor,
            amendment_reason=self.amendment_reason,
        )
        self.answers[item_id] = NOT_COMPLIANT
        self._saved(item_id)
        return finding_id

    def repair(self) -> None:
        """Clear the answers that could not be read (the old values go to the audit log)."""
        inspections.clear_answers(
            self.store,
            self.inspection_id,
            {entry.item_id: entry.reason for entry in self.unreadable},
            actor=self.actor,
        )
        self._load_answers()
        self._saved("")

    def discard(self, reason: str) -> None:
        """Throw the draft away (audited, with everything it held)."""
        inspections.discard_draft(self.store, self.inspection_id, reason=reason, actor=self.actor)

    def add_finding(self, draft: FindingDraft) -> str:
        finding_id = findings.add(self.store, self.inspection_id, draft, actor=self.actor)
        self._saved("")
        return finding_id

    def update_finding(self, finding_id: str, changes: dict[str, Any]) -> None:
        findings.update(self.store, finding_id, changes, actor=self.actor)
        self._saved("")

    def add_evidence(self, path: str, item_id: str | None) -> None:
        attachments.add_file(
            self.store, self.inspection_id, path, item_id=item_id, actor=self.actor
        )
        self._saved(item_id or "")

    def remove_evidence(self, attachment_id: str, reason: str, item_id: str | None) -> None:
        attachments.remove(self.store, attachment_id, reason=reason, actor=self.actor)
        self._saved(item_id or "")

    def complete(self, on_site: OnSite) -> None:
        """Complete with what happened when the record was shown (one transaction)."""
        onsite_record.complete_on_site(self.store, self.inspection_id, on_site, actor=self.actor)
        self.status = InspectionStatus.COMPLETED
        self._saved("")

    def remember_position(self, item_id: str) -> None:
        preferences.put(self.store, POSITION_KEY.format(self.inspection_id), item_id)

    def _write_answer(self, item_id: str, value: Any, note: str) -> None:
        if self.answers.get(item_id) == value and self.notes.get(item_id, "") == note:
            return
        inspections.set_answer(
            self.store,
            self.inspection_id,
            item_id,
            value,
            note=note,
            actor=self.actor,
            amendment_reason=self.amendment_reason,
        )
        self.answers[item_id] = value
        self.notes[item_id] = note
        self._saved(item_id)

    def _saved(self, item_id: str) -> None:
        self.saved.emit(datetime.now().strftime("%H:%M"))
        self.changed.emit(item_id)
