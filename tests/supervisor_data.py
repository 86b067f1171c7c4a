"""A small register, roster and checklist for the supervisor's-desk tests."""

from inspector import findings, inspections, onsite_record, registry, roster
from inspector.clock import utc_now
from inspector.finding_templates import legal_basis_text
from inspector.model import (
    CreditStatus,
    FindingDraft,
    Inspector,
    NewInspection,
    Organization,
    OrgKind,
    Severity,
)
from inspector.store import Store
from tests.onsite import NOBODY_ON_SITE
from tests.org_files import make_code
from tests.stub_checklist import stub_definition

SUPERVISOR = "王主任"
KINDS = (OrgKind.SOCIAL_GROUP, OrgKind.SOCIAL_SERVICE, OrgKind.FOUNDATION)
DISTRICTS = ("越秀区", "天河区", "海珠区")
CHECKLIST_ID = "spot-check-general"


def add_register(store: Store, count: int) -> list[Organization]:
    """``count`` organizations spread over kinds, districts and credit statuses."""
    orgs = [
        Organization(
            credit_code=make_code(n, kind_digit=str(n % 3 + 1)),
            name=f"测试社会组织{n:05d}",
            kind=KINDS[n % 3],
            district=DISTRICTS[(n // 3) % 3],
            registration_authority="广州市民政局" if n % 2 else "越秀区民政局",
            authority_level="city" if n % 2 else "county",
            credit_status=CreditStatus.ABNORMAL if n % 10 == 0 else CreditStatus.NORMAL,
            id=f"org-{n:05d}",
        )
        for n in range(count)
    ]
    registry.upsert_many(store, orgs)
    return orgs


def add_roster(store: Store, inspectors: int = 6) -> list[Inspector]:
    """``inspectors`` inspectors and one supervisor (``SUPERVISOR``)."""
    people = [
        roster.add(
            store,
            Inspector(f"检查员{n:02d}", f"4401{n:06d}", "市民政局", "inspector", f"p-{n:02d}"),
        )
        for n in range(inspectors)
    ]
    roster.add(store, Inspector(SUPERVISOR, "44019999", "市民政局", "supervisor", "p-boss"))
    return people


def add_checklist(store: Store) -> None:
    store.db["checklists"].insert(
        {
            "id": CHECKLIST_ID,
            "version": 1,
            "title": "双随机抽查通用检查表",
            "kind": "spot_check",
            "applies_to": '["social_group", "social_service", "foundation"]',
            "effective_date": "2026-01-01",
            "definition": stub_definition(),
            "content_hash": "x",
            "imported_at": utc_now(),
        }
    )


ANNUAL_REPORT_BASES = ["st-28-1", "mf-23-1", "jjh-42-1-5"]


def inspect(
    store: Store,
    organization_id: str,
    found: list[tuple[Severity, str]],
    *,
    approve: bool = True,
    started_at: str = "2026-10-10T02:00:00+00:00",
) -> tuple[str, list[str]]:
    """An inspection through the real workflows with findings (severity, deadline)."""
    kind = store.db["organizations"].get(organization_id)["kind"]
    basis = legal_basis_text(ANNUAL_REPORT_BASES, kind)  # the kind's own regulation
    version = max(r["version"] for r in store.db["checklists"].rows_where("id = ?", [CHECKLIST_ID]))
    inspection_id = inspections.start(
        store,
        NewInspection(organization_id, CHECKLIST_ID, version, ["p-00", "p-01"], started_at),
        actor="检查员00",
    )
    answer = "not_compliant" if found else "compliant"  # 不符合 needs its finding
    inspections.set_answer(store, inspection_id, "ar-01", answer, actor="检查员00")
    finding_ids = [
        findings.add(
            store,
            inspection_id,
            FindingDraft(
                f"问题{n}：未按期报送年度工作报告",
                basis,
                severity,
                "限期报送",
                30,
                deadline,
                item_id="ar-01",
            ),
            actor="检查员00",
        )
        for n, (severity, deadline) in enumerate(found)
    ]
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor="检查员00")
    if approve:
        inspections.approve(store, inspection_id, actor=SUPERVISOR)
    return inspection_id, finding_ids
