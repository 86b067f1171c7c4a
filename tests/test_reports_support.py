"""Real data for the notice and report tests, built through the real workflows.

Imported by ``test_notice*.py`` and ``test_reports*.py``; holds no tests itself.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from checklists.library import import_builtin_checklists
from inspector import attachments, findings, inspections, notices, onsite_record, roster
from inspector.model import FindingDraft, Inspector, NewInspection, Severity
from inspector.onsite_record import OnSite
from inspector.store import Store
from tests.onsite import NOBODY_ON_SITE

ORG_NAME = "某市软件行业协会"
CREDIT_CODE = "51100000500002862F"
AUTHORITY = "某市民政局"
STARTED_AT = "2026-11-21T01:30:00+00:00"
FEE_ROWS = [
    {
        "name": "年度评比表彰费",
        "standard": "每家3200元",
        "collected": "12800.00",
        "basis": "无",
        "verdict": "improper",
        "refund_due": "12800.00",
    },
    {
        "name": "会费",
        "standard": "按会员大会决议",
        "collected": "56000.50",
        "basis": "会员大会决议",
        "verdict": "compliant",
        "refund_due": "0",
    },
]


@dataclass(frozen=True)
class Finding:
    description: str
    legal_basis: str = "属于《社会团体登记管理条例》第三十条第一款第（八）项规定的情形"
    requirement: str = "停止违规收费，退还已收取的费用"
    days: int = 30
    deadline: str = "2026-12-21"
    refund_due: str = ""


DEFAULT_FINDINGS = (
    Finding("该协会通过评比达标表彰活动违规收费", refund_due="12800.00"),
    Finding(
        "会费标准未经会员大会无记名投票表决",
        legal_basis="《国务院办公厅关于进一步规范行业协会商会收费的通知》（国办发〔2020〕21号）"
        "关于“会费标准须经会员（代表）大会以无记名投票方式表决通过”",
        requirement="召开会员大会以无记名投票方式表决会费标准，并在“信用中国”网站公开",
        days=15,
        deadline="2026-12-06",
    ),
)


def setup_office(store: Store) -> list[str]:
    """Built-in checklists, two inspectors and the supervisors on the roster (only they issue
    notices), the notice settings; the inspectors' ids."""
    import_builtin_checklists(store)
    people = [Inspector("张明", "民执字0231"), Inspector("李华", "民执字0457")]
    ids = [roster.add(store, person).id for person in people]
    roster.add(store, Inspector("supervisor", "民执字0001", role="supervisor"))
    for n, head in enumerate(("科长", "王科长"), start=2):  # the section heads who sign notices
        roster.add(store, Inspector(head, f"民执字000{n}", role="supervisor"))
    settings = notices.NoticeSettings(
        prefix="X民社整",
        authority=AUTHORITY,
        contact="王科长",
        phone="0571-87654321",
        address="某市人民路1号",
        review_body="某市人民政府",
    )
    notices.save_settings(store, settings, actor="supervisor")
    return ids


def add_org(
    store: Store, *, code: str = CREDIT_CODE, name: str = ORG_NAME, kind: str = "social_group"
) -> str:
    org_id = f"org-{code}"
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO organizations (id, credit_code, name, kind, legal_rep, address,"
            " registration_authority, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (org_id, code, name, kind, "赵建国", "某市科技园区创新路88号", AUTHORITY, STARTED_AT),
        )
    return org_id


BUILTIN_VERSIONS = {"fee-audit": 3, "spot-check-general": 2, "nonprofit-review": 2}


def inspection(
    store: Store,
    inspector_ids: list[str],
    org_id: str,
    *,
    checklist: str = "fee-audit",
    found: tuple[Finding, ...] = DEFAULT_FINDINGS,
    approve: bool = True,
    photos: tuple[Path, ...] = (),
    on_site: OnSite = NOBODY_ON_SITE,
) -> str:
    """An inspection with answers and findings, completed and (by default) approved."""
    new = NewInspection(
        org_id,
        checklist,
        BUILTIN_VERSIONS[checklist],
        inspector_ids,
        STARTED_AT,
        place="协会办公室（创新路88号3楼）",
        representative="孙秘书长",
    )
    inspection_id = inspections.start(store, new, actor="张明")
    first_item = "fa-06" if checklist == "fee-audit" else "ar-01"
    first_answer = "not_compliant" if found else "compliant"  # 不符合 needs its finding
    inspections.set_answer(
        store, inspection_id, first_item, first_answer, note="收取评比费用", actor="张明"
    )
    if checklist == "fee-audit":
        inspections.set_answer(store, inspection_id, "fees", FEE_ROWS, actor="张明")
    for photo in photos:
        attachments.add_file(store, inspection_id, photo, item_id=first_item, actor="张明")
    for n, f in enumerate(found):
        draft = FindingDraft(
            description=f.description,
            legal_basis=f.legal_basis,
            severity=Severity.MAJOR,
            requirement=f.requirement,
            rectification_days=f.days,
            deadline=f.deadline,
            refund_due=f.refund_due,
            item_id=first_item if n == 0 else None,
        )
        findings.add(store, inspection_id, draft, actor="张明")
    onsite_record.complete_on_site(store, inspection_id, on_site, actor="张明")
    if approve:
        inspections.approve(store, inspection_id, actor="supervisor")
    return inspection_id


def make_photo(path: Path, color: tuple[int, int, int] = (200, 60, 40)) -> Path:
    """A real JPEG photo (a coloured square with a stripe), 1200 × 900 px."""
    image = Image.new("RGB", (1200, 900), color)
    ImageDraw.Draw(image).rectangle((0, 400, 1199, 499), fill=(255, 255, 255))
    image.save(path, "JPEG")
    return path


def pdf_text(path: Path, *extra: str) -> str:
    """``pdftotext -layout`` of a file, as text."""
    result = subprocess.run(
        ["pdftotext", *extra, str(path), "-"], check=True, capture_output=True, text=True
    )
    return result.stdout


def squeeze(text: str) -> str:
    """Text without spaces and line breaks, so wrapped lines still match."""
    return "".join(text.split())


POPPLER = ("pdftotext", "pdffonts", "pdftoppm")
