"""A finding prefilled from a checklist item's template."""

from collections.abc import Sequence
from datetime import date

from inspector import legal_bases
from inspector.checklist_model import Item
from inspector.deadlines import deadline
from inspector.errors import UserError
from inspector.model import FindingDraft, Severity
from inspector.store import Store

DEFAULT_RECTIFICATION_DAYS = 30


def legal_basis_text(keys: Sequence[str], org_kind: str | None = None) -> str:
    """What a finding on an item with these register keys cites for ``org_kind``.

    Only entries that govern the kind: a social group's finding never names the 民非 or
    基金会 regulation (see ``legal_bases.finding_text``). Bases stored by older checklist
    versions as citation text are kept as they are.
    """
    known = [key for key in keys if key in legal_bases.register()]
    legacy = [key for key in keys if key not in legal_bases.register()]
    return "、".join(part for part in (legal_bases.finding_text(known, org_kind), *legacy) if part)


def draft_for_item(
    item: Item | None,
    inspection_date: date,
    *,
    description: str = "",
    org_kind: str | None = None,
) -> FindingDraft:
    """The finding an inspector sees on 不符合; every field stays editable.

    ``item`` None is a free finding, tied to no item. Without a template the text is left for
    the inspector and the period is the default. The legal basis cites only what governs
    ``org_kind`` (see ``legal_basis_text``).
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
