"""A finding prefilled from a checklist item's template."""

from collections.abc import Sequence
from datetime import date

from inspector.checklist_model import Item, LegalBasis
from inspector.deadlines import deadline
from inspector.errors import UserError
from inspector.model import FindingDraft, OrgKind, Severity
from inspector.store import Store

DEFAULT_RECTIFICATION_DAYS = 30

# A checklist item cites each kind's own regulation side by side (社团 / 民非 / 基金会); a finding,
# and so the notice, names only the one that governs the organization inspected.
SECTOR_REGULATIONS = {
    "社会团体登记管理条例": OrgKind.SOCIAL_GROUP,
    "民办非企业单位登记管理暂行条例": OrgKind.SOCIAL_SERVICE,
    "基金会管理条例": OrgKind.FOUNDATION,
}


def legal_basis_text(basis: Sequence[LegalBasis], org_kind: str | None = None) -> str:
    """``《条例》第二十八条；《办法》第五条`` from the item's legal basis entries.

    With ``org_kind``, another kind's sector regulation is left out (if that leaves nothing,
    everything is kept: better too much basis than none).
    """
    relevant = [entry for entry in basis if _governs(entry, org_kind)] or list(basis)
    return "；".join(f"{entry.instrument}{entry.article}".strip() for entry in relevant)


def _governs(entry: LegalBasis, org_kind: str | None) -> bool:
    for name, kind in SECTOR_REGULATIONS.items():
        if name in entry.instrument:
            return org_kind is None or kind.value == org_kind
    return True


def draft_for_item(
    item: Item | None,
    inspection_date: date,
    *,
    description: str = "",
    org_kind: str | None = None,
) -> FindingDraft:
    """The finding an inspector sees on 不符合; every field stays editable.

    ``item`` None is a free finding, tied to no item. Without a template the text is left for
    the inspector and the period is the default. The legal basis keeps only the sector
    regulation of ``org_kind`` (see ``legal_basis_text``).
    """
    template = item.finding if item is not None else None
    days = template.rectification_days if template else DEFAULT_RECTIFICATION_DAYS
    return FindingDraft(
        description=description or (template.text if template else ""),
        legal_basis=legal_basis_text(item.legal_basis, org_kind) if item is not None else "",
        severity=template.severity if template else Severity.MINOR,
        requirement=template.requirement if template else "",
        rectification_days=days,
        deadline=deadline(inspection_date, days).isoformat(),
        item_id=item.id if item is not None else None,
        follow_up=template.follow_up if template else "",
    )


def draft_of(store: Store, finding_id: str) -> FindingDraft:
    """A stored finding as an editable draft."""
    row = store.db.execute(
        "SELECT description, legal_basis, severity, requirement, rectification_days, deadline,"
        " item_id, follow_up, refund_due FROM findings WHERE id = ?",
        (finding_id,),
    ).fetchone()
    if row is None:
        raise UserError(f"找不到问题记录：{finding_id}")
    return FindingDraft(
        description=row[0],
        legal_basis=row[1],
        severity=Severity(row[2]),
        requirement=row[3],
        rectification_days=row[4] or DEFAULT_RECTIFICATION_DAYS,
        deadline=row[5] or "",
        item_id=row[6],
        follow_up=row[7],
        refund_due=row[8],
    )
