"""The on-site record and the inspection report, in both formats, from the same facts."""

import hashlib
import subprocess
from pathlib import Path

import docx
import pytest
from PIL import Image

from inspector.clock import today
from inspector.onsite_record import OnSite, Outcome
from inspector.store import Store
from reports import generate
from reports.formatting import chinese_date
from tests.test_reports_support import (
    CREDIT_CODE,
    ORG_NAME,
    POPPLER,
    add_org,
    inspection,
    make_photo,
    pdf_text,
    setup_office,
    squeeze,
)

pytestmark = pytest.mark.needs(*POPPLER)

BOTH = [generate.Format.PDF, generate.Format.DOCX]

SHARED_FACTS = [
    ORG_NAME,
    CREDIT_CODE,
    "社会团体",
    "赵建国",
    "张明（执法证号：民执字0231）",
    "协会办公室（创新路88号3楼）",
    "行业协会商会涉企收费检查表（第3版）",
    "是否通过评比达标表彰活动收费",
    "不符合",
    "收取评比费用",
    "该协会通过评比达标表彰活动违规收费。",
    "整改期限：自收到整改通知书之日起30日内完成整改",
]


def docx_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return "".join(parts)


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    return [make_photo(tmp_path / f"IMG_{n:04}.jpg", (40 * n, 90, 160)) for n in range(3)]


def test_onsite_record_of_a_completed_inspection(store: Store, tmp_path: Path) -> None:
    office = setup_office(store)
    inspection_id = inspection(store, office, add_org(store), approve=False)
    pdf_path, docx_path = generate.write_record(store, inspection_id, tmp_path / "out", BOTH)
    assert pdf_path.name == f"现场检查记录_{ORG_NAME}_20261121.pdf"
    from_pdf = squeeze(pdf_text(pdf_path))
    from_docx = squeeze(docx_text(docx.Document(str(docx_path))))
    for fact in [*SHARED_FACTS, "现场检查记录", "检查人员签名", "孙秘书长"]:
        assert squeeze(fact) in from_pdf, fact
        assert squeeze(fact) in from_docx, fact


def test_report_lists_evidence_with_fingerprints_and_shows_photos(
    store: Store, tmp_path: Path, photos: list[Path]
) -> None:
    office = setup_office(store)
    broken = tmp_path / "IMG_broken.jpg"
    broken.write_bytes(b"\xff\xd8 not a real jpeg")
    evidence = (*photos, broken)
    inspection_id = inspection(store, office, add_org(store), photos=evidence)
    pdf_path, docx_path = generate.write_report(store, inspection_id, tmp_path / "out", BOTH)
    hashes = [hashlib.sha256(p.read_bytes()).hexdigest() for p in evidence]

    from_pdf = squeeze(pdf_text(pdf_path))
    document = docx.Document(str(docx_path))
    from_docx = squeeze(docx_text(document))
    facts = [*SHARED_FACTS, "社会组织检查报告", "证据材料", "IMG_0000.jpg", "IMG_broken.jpg"]
    facts += ["收费项目明细", "年度评比表彰费", "¥12,800.00", "¥68,800.50", "违规", *hashes]
    for fact in facts:
        assert squeeze(fact) in from_pdf, fact
        assert squeeze(fact) in from_docx, fact

    listed = subprocess.run(
        ["pdfimages", "-list", str(pdf_path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert len(listed) == len(photos)  # the damaged file is listed, not shown
    assert all(int(line.split()[3]) <= 320 and int(line.split()[4]) <= 320 for line in listed)
    assert len(document.inline_shapes) == len(photos)


def test_report_of_an_inspection_without_findings_or_evidence(store: Store, tmp_path: Path) -> None:
    office = setup_office(store)
    inspection_id = inspection(
        store, office, add_org(store), checklist="spot-check-general", found=()
    )
    (pdf_path,) = generate.write_report(store, inspection_id, tmp_path, [generate.Format.PDF])
    text = squeeze(pdf_text(pdf_path))
    assert "本次检查未发现问题。" in text
    assert "四、证据材料无。" in text
    assert "未作答" in text


def test_record_signed_on_site_shows_the_signature(store: Store, tmp_path: Path) -> None:
    office = setup_office(store)
    signature = tmp_path / "signature.png"
    Image.new("RGB", (600, 200), (255, 255, 255)).save(signature, "PNG")
    signed = OnSite(Outcome.SIGNED, "孙秘书长", signature_png=signature.read_bytes())
    inspection_id = inspection(store, office, add_org(store), approve=False, on_site=signed)
    pdf_path, docx_path = generate.write_record(store, inspection_id, tmp_path / "out", BOTH)
    assert "孙秘书长（已在现场电子签名，见下图）" in squeeze(pdf_text(pdf_path))
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf_path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert len(images) == 1
    assert len(docx.Document(str(docx_path)).inline_shapes) == 1


def test_the_record_has_the_certificates_and_the_inspection_notice_to_tick(
    store: Store, tmp_path: Path
) -> None:
    office = setup_office(store)
    (pdf,) = generate.write_record(
        store, inspection(store, office, add_org(store)), tmp_path, [generate.Format.PDF]
    )
    assert squeeze("□检查人员已出示执法证件　□已出示检查通知书") in squeeze(pdf_text(pdf))


def test_the_report_names_who_approved_and_when(store: Store, tmp_path: Path) -> None:
    office = setup_office(store)
    inspection_id = inspection(store, office, add_org(store))
    (pdf,) = generate.write_report(store, inspection_id, tmp_path, [generate.Format.PDF])
    expected = squeeze(f"审核人：supervisor（{chinese_date(today())}审核通过）")
    assert expected in squeeze(pdf_text(pdf))


def pages_of(pdf: Path) -> list[str]:
    """Each page's text, read back on its own (``pdftotext -f N -l N``), without spaces."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    count = int(next(x.split()[-1] for x in info.stdout.splitlines() if x.startswith("Pages:")))
    return [squeeze(pdf_text(pdf, "-f", str(n), "-l", str(n))) for n in range(1, count + 1)]


def record_pages_are_signed(pages: list[str]) -> None:
    """Every page has the line to sign and says which page of how many it is."""
    assert len(pages) >= 2  # a record long enough to need the line on more than one page
    for number, text in enumerate(pages, start=1):
        assert "被检查单位负责人（签字）：" in text, number
        assert "检查人员（签字）：" in text, number
        assert f"第{number}页共{len(pages)}页" in text, number


def test_every_page_of_the_record_has_a_line_to_sign_and_its_page_count(
    store: Store, tmp_path: Path
) -> None:
    office = setup_office(store)
    inspection_id = inspection(store, office, add_org(store))
    [pdf_path] = generate.write_record(store, inspection_id, tmp_path, [generate.Format.PDF])
    record_pages_are_signed(pages_of(pdf_path))
