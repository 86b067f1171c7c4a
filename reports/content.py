"""The facts documents are made of, read from the store once as plain dataclasses.

The notice, the on-site record and the inspection report are composed from these facts and
then rendered to PDF and to DOCX, so the two formats never disagree.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from inspector import (
    attachments,
    checklist_store,
    clock,
    deadlines,
    fee_checks,
    findings,
    inspections,
    legal_bases,
    onsite_record,
    org_search,
    worklists,
)
from inspector.checklist_model import AnswerType, Checklist, Column, Item
from inspector.clock import to_local
from inspector.errors import UserError
from inspector.model import InspectionStatus, OrgKind
from inspector.notices import NoticeSettings
from inspector.store import Store
from reports.formatting import answer_text, cell_text, money, parse_money

METHOD_LABELS = {"on_site": "现场检查", "written": "书面检查"}


@dataclass(frozen=True)
class PenaltyBasis:
    """The sector article a notice cites for what follows if the order is not complied with."""

    instrument: str
    article: str
    measures: str


def _penalty(key: str, measures: str) -> PenaltyBasis:
    basis = legal_bases.get(key)
    return PenaltyBasis(basis.instrument, basis.article, measures)


# The penalty clause of each kind's regulation (register entries st-30, mf-25, jjh-42), with
# the measures it provides, as worded in the article.
PENALTY_BASES = {
    OrgKind.SOCIAL_GROUP: _penalty(
        "st-30",
        "给予警告、责令改正，可以限期停止活动，并可以责令撤换直接负责的主管人员；情节严重的，予以撤销登记",
    ),
    OrgKind.SOCIAL_SERVICE: _penalty(
        "mf-25", "予以警告、责令改正，可以限期停止活动；情节严重的，予以撤销登记"
    ),
    OrgKind.FOUNDATION: _penalty("jjh-42", "给予警告、责令停止活动；情节严重的，可以撤销登记"),
    OrgKind.OTHER: PenaltyBasis("有关法律法规", "", "予以处理"),
}
CORRECTION_BASIS = legal_bases.get("xzcff-28-1").citation


@dataclass(frozen=True)
class OrgFacts:
    name: str
    credit_code: str
    kind: OrgKind
    legal_rep: str
    address: str
    registration_authority: str


@dataclass(frozen=True)
class InspectorFacts:
    name: str
    certificate_no: str


@dataclass(frozen=True)
class FindingFacts:
    description: str
    legal_basis: str
    severity: str
    requirement: str
    rectification_days: int | None
    deadline: date | None
    refund_due: Decimal | None
    follow_up: str


@dataclass(frozen=True)
class TableFacts:
    """A table answer, already formatted: headers, rows and a totals row for money columns."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    totals: tuple[str, ...] | None
    refund_total: Decimal | None


@dataclass(frozen=True)
class AnswerFacts:
    section: str
    question: str
    answer: str
    note: str
    table: TableFacts | None


@dataclass(frozen=True)
class EvidenceFacts:
    file_name: str
    sha256: str
    size: int
    item: str
    image: bytes | None  # the photo's content, when it is a photo that exists


@dataclass(frozen=True)
class InspectionFacts:
    id: str
    org: OrgFacts
    checklist_title: str
    checklist_version: int
    checklist_kind: str
    status: InspectionStatus
    method: str
    started_at: datetime  # local time
    place: str
    representative: str
    inspectors: tuple[InspectorFacts, ...]
    findings: tuple[FindingFacts, ...]
    approved_by: str = ""  # who approved the record (审核人), "" until approved
    approved_at: datetime | None = None


@dataclass(frozen=True)
class NoticeContent:
    inspection: InspectionFacts
    authority: str
    contact: str
    phone: str
    address: str
    fee_tables: tuple[TableFacts, ...]
    penalty: PenaltyBasis
    remedies: bool = True
    review_body: str = ""
    working_days: bool = False  # periods counted in working days
    number: str = ""
    version: int = 1
    issued_at: datetime | None = None  # local time
    replaces: str = ""  # "2026年12月1日出具的X民社整〔2026〕1号": the notice this one replaces

    @property
    def refund_total(self) -> Decimal | None:
        totals = [t.refund_total for t in self.fee_tables if t.refund_total is not None]
        if totals:
            return sum(totals, Decimal(0))
        dues = [f.refund_due for f in self.inspection.findings if f.refund_due is not None]
        return sum(dues, Decimal(0)) if dues else None

    def fingerprint(self) -> str:
        """SHA-256 of what the notice says, leaving out its number, version and date."""
        facts = asdict(self)
        # what the office's settings put on the notice is not a fact of the inspection: the
        # notice keeps the settings it was issued with, and a change of them changes nothing
        for key in (*_SETTINGS_FIELDS, "number", "version", "issued_at", "replaces"):
            facts.pop(key)
        payload = json.dumps(facts, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_SETTINGS_FIELDS = (
    "authority", "contact", "phone", "address", "remedies", "review_body", "working_days",
)  # fmt: skip


@dataclass(frozen=True)
class RecordContent:
    """The on-site record 现场检查记录 and the inspection report share these facts."""

    inspection: InspectionFacts
    answers: tuple[AnswerFacts, ...]
    evidence: tuple[EvidenceFacts, ...]
    confirmed_by: str
    signature: bytes | None  # the PNG
    confirmation: str = ""  # what the signature box says: signed, refused (witness), absent


def inspection_facts(store: Store, inspection_id: str) -> InspectionFacts:
    """Everything about one inspection that documents print."""
    row = inspections.get(store, inspection_id)
    if row is None:
        raise UserError(f"找不到检查记录：{inspection_id}")
    org = org_search.get(store, row.organization_id)
    if org is None:
        raise UserError(f"检查记录所属的检查对象不存在：{row.organization_id}")
    checklist = _checklist(store, row.checklist_id, row.checklist_version)
    return InspectionFacts(
        id=inspection_id,
        org=OrgFacts(
            name=org.name,
            credit_code=org.credit_code,
            kind=org.kind,
            legal_rep=org.legal_rep,
            address=org.address,
            registration_authority=org.registration_authority,
        ),
        checklist_title=checklist.title,
        checklist_version=row.checklist_version,
        checklist_kind=checklist.kind.value,
        status=row.status,
        method=METHOD_LABELS.get(row.method, row.method),
        started_at=to_local(row.started_at),
        approved_by=row.approved_by or "",
        approved_at=to_local(row.approved_at) if row.approved_at else None,
        place=row.place,
        representative=row.representative,
        inspectors=tuple(
            InspectorFacts(p.name, p.certificate_no)
            for p in worklists.inspectors_of(store, inspection_id)
        ),
        findings=tuple(_finding(f) for f in findings.of_inspection(store, inspection_id)),
    )


def notice_content(store: Store, inspection_id: str, settings: NoticeSettings) -> NoticeContent:
    """The facts of the rectification notice, before it is numbered."""
    facts = inspection_facts(store, inspection_id)
    authority = settings.authority.strip() or facts.org.registration_authority.strip()
    if not authority:
        raise UserError(
            "未设置发文机关名称，且检查对象未登记登记管理机关；请先设置发文机关"
            "（命令：inspector notice-settings --authority 机关名称）"
        )
    _require_citable(facts)
    _require_future_dates(facts)
    fee_tables: tuple[TableFacts, ...] = ()
    if facts.checklist_kind == "fee_audit":
        _require_plausible_fees(store, facts)
        fee_tables = tuple(a.table for a in record_answers(store, facts) if a.table is not None)
    return NoticeContent(
        inspection=facts,
        authority=authority,
        contact=settings.contact,
        phone=settings.phone,
        address=settings.address,
        remedies=settings.remedies,
        working_days=settings.working_days,
        review_body=settings.review_body.strip(),
        fee_tables=fee_tables,
        penalty=PENALTY_BASES[facts.org.kind],
    )


def _require_citable(facts: InspectionFacts) -> None:
    """Refuse, before anything is numbered, a finding whose basis a notice may not cite: a
    regulation of another kind of organization, or a penalty clause or the authority's own
    power as the rule violated."""
    wrong = [
        f"问题“{finding.description[:24]}”的依据：{'；'.join(problems)}"
        for finding in facts.findings
        if (problems := legal_bases.document_problems(finding.legal_basis, facts.org.kind))
    ]
    if wrong:
        raise UserError(
            "整改通知书未出具，未编号："
            + "。".join(wrong)
            + "。请在审核页修改该问题的“违反的规定”后再出具。"
        )


def _require_plausible_fees(store: Store, facts: InspectionFacts) -> None:
    values = {item_id: a.value for item_id, a in inspections.answers(store, facts.id).items()}
    found = fee_checks.problems(values)
    if found:
        raise UserError(
            "整改通知书未出具，未编号：收费数据有误，"
            + "；".join(found)
            + "。请修改检查记录后再出具。"
        )


def _require_future_dates(facts: InspectionFacts) -> None:
    """A fixed deadline (no period) before today, the issue date, is refused before numbering."""
    today = clock.today()
    for finding in facts.findings:
        if not finding.rectification_days and finding.deadline is not None:
            deadlines.require_not_past(
                finding.deadline, f"问题“{finding.description[:24]}”的整改期限", today
            )


def record_content(store: Store, inspection_id: str) -> RecordContent:
    """Facts of the on-site record and the inspection report."""
    facts = inspection_facts(store, inspection_id)
    confirmation = onsite_record.confirmation_of(store, inspection_id)
    signed = (
        confirmation is not None
        and bool(confirmation.signature_sha256)  # '' when refused or nobody was there
        and attachments.has_content(store, confirmation.signature_sha256)
    )
    signature = (
        attachments.read_bytes(store, confirmation.signature_sha256)
        if confirmation is not None and signed
        else None
    )
    return RecordContent(
        inspection=facts,
        answers=record_answers(store, facts),
        evidence=_evidence(store, inspection_id),
        confirmed_by=confirmation.representative if confirmation else "",
        signature=signature,
        confirmation=confirmation.statement if confirmation else "",
    )


def record_answers(store: Store, facts: InspectionFacts) -> tuple[AnswerFacts, ...]:
    """Every answered item (and every unanswered unconditional one), labelled from the checklist."""
    checklist = _checklist_of(store, facts.id)
    stored = {
        item_id: (answer.value, answer.note)
        for item_id, answer in inspections.answers(store, facts.id).items()
    }
    result = []
    for section in checklist.sections:
        for item in section.items:
            value, note = stored.get(item.id, (None, ""))
            if item.id not in stored and item.show_if:
                continue  # a conditional item nobody answered did not apply
            table = _table(item, value) if item.answer_type is AnswerType.TABLE else None
            shown = "见下表" if table and table.rows else answer_text(item, value)
            result.append(AnswerFacts(section.title, item.question, shown, note, table))
    return tuple(result)


def _table(item: Item, value: Any) -> TableFacts:
    columns = item.columns
    rows = value if isinstance(value, list) else []
    money_columns = [c for c in columns if c.answer_type is AnswerType.MONEY]
    sums = {c.id: sum((_amount(r, c) for r in rows), Decimal(0)) for c in money_columns}
    refund_column = next((c for c in money_columns if _is_refund(c)), None)
    totals = None
    if money_columns and rows:
        totals = tuple(
            "合计" if i == 0 else money(sums[c.id]) if c.id in sums else ""
            for i, c in enumerate(columns)
        )
    return TableFacts(
        title=item.question,
        headers=tuple(c.label for c in columns),
        rows=tuple(
            tuple(cell_text(c, r.get(c.id) if isinstance(r, dict) else None) for c in columns)
            for r in rows
        ),
        totals=totals,
        refund_total=sums[refund_column.id] if refund_column else None,
    )


def _is_refund(column: Column) -> bool:
    return "refund" in column.id.lower() or "退" in column.label


def _amount(row: Any, column: Column) -> Decimal:
    value = row.get(column.id) if isinstance(row, dict) else None
    return parse_money(value) or Decimal(0)


def _evidence(store: Store, inspection_id: str) -> tuple[EvidenceFacts, ...]:
    questions = _item_questions(store, inspection_id)
    result = []
    for attachment in attachments.for_inspection(store, inspection_id):
        shown = attachment.is_image and attachments.has_content(store, attachment.sha256)
        image = attachments.read_bytes(store, attachment.sha256) if shown else None
        item = questions.get(attachment.item_id or "", "")
        result.append(
            EvidenceFacts(attachment.file_name, attachment.sha256, attachment.size, item, image)
        )
    return tuple(result)


def _item_questions(store: Store, inspection_id: str) -> dict[str, str]:
    checklist = _checklist_of(store, inspection_id)
    return {item.id: item.question for item in checklist.items()}


def _checklist_of(store: Store, inspection_id: str) -> Checklist:
    row = inspections.get(store, inspection_id)
    if row is None:
        raise UserError(f"找不到检查记录：{inspection_id}")
    return _checklist(store, row.checklist_id, row.checklist_version)


def _checklist(store: Store, checklist_id: str, version: int) -> Checklist:
    stored = checklist_store.get(store, checklist_id, version)
    if stored is None:
        raise UserError(f"找不到检查表：{checklist_id}（第{version}版）")
    return Checklist.model_validate_json(stored.definition)


def _finding(finding: findings.Finding) -> FindingFacts:
    # A period's end date is not the notice's fact (it exists only once the notice is served),
    # so it is left out: printing, fingerprinting and the deadline check see the period alone.
    fixed = finding.deadline if not finding.rectification_days else None
    return FindingFacts(
        description=finding.description,
        legal_basis=finding.legal_basis,
        severity=finding.severity,
        requirement=finding.requirement,
        rectification_days=finding.rectification_days,
        deadline=date.fromisoformat(fixed) if fixed else None,
        refund_due=parse_money(finding.refund_due),
        follow_up=finding.follow_up,
    )
