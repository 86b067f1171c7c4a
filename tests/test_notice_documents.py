"""The notice as files: read back with pdftotext / pdffonts and python-docx, the same facts."""

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from inspector.store import Store, open_store
from reports import generate, layout
from tests.test_reports_support import (
    AUTHORITY,
    CREDIT_CODE,
    ORG_NAME,
    POPPLER,
    Finding,
    add_org,
    inspection,
    pdf_text,
    setup_office,
    squeeze,
)

pytestmark = pytest.mark.needs(*POPPLER)

MM = layout.MM
BOTH = [generate.Format.PDF, generate.Format.DOCX]


@dataclass(frozen=True)
class Made:
    store: Store
    fee: generate.WrittenNotice
    long: generate.WrittenNotice
    service: generate.WrittenNotice


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    folder = tmp_path_factory.mktemp("notices")
    store = open_store(folder / "inspector.db")
    office = setup_office(store)
    fee = inspection(store, office, add_org(store))
    many = tuple(
        Finding(
            f"第{n}项：该协会在{n}月举办的培训中强制会员企业参加并收取培训费，"
            "未开具合规票据，且未将收费项目和标准向会员公开"
        )
        for n in range(1, 15)
    )
    long = inspection(store, office, add_org(store, code="51100000500009247D"), found=many)
    service = inspection(
        store,
        office,
        add_org(
            store, code="52610500MJU60350X1", name="某市阳光养老服务中心", kind="social_service"
        ),
        checklist="spot-check-general",
        found=(
            Finding(
                "开办资金被举办者抽回",
                legal_basis="《民办非企业单位登记管理暂行条例》第二十一条第一款",
            ),
        ),
    )
    out = folder / "out"
    yield Made(
        store,
        generate.write_notice(store, fee, out, BOTH, actor="科长"),
        generate.write_notice(store, long, out, BOTH, actor="科长"),
        generate.write_notice(store, service, out, BOTH, actor="科长"),
    )
    store.close()


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


KEY_FACTS = [
    AUTHORITY,
    "责令限期整改通知书",
    "X民社整〔2026〕1号",
    f"{ORG_NAME}：",
    f"统一社会信用代码：{CREDIT_CODE}",
    "法定代表人：赵建国",
    "住所：某市科技园区创新路88号",
    "2026年11月21日",
    "在协会办公室（创新路88号3楼）",
    "张明（执法证号：民执字0231）",
    "李华（执法证号：民执字0457）",
    "（一）该协会通过评比达标表彰活动违规收费。",
    "上述行为属于《社会团体登记管理条例》第三十条第一款第（八）项规定的情形。",
    "整改要求：停止违规收费，退还已收取的费用。",
    "整改期限：自收到本通知书之日起30日内完成整改。",
    "（二）会费标准未经会员大会无记名投票表决。",
    "自收到本通知书之日起15日内完成整改",
    "应退还金额：¥12,800.00",
    "年度评比表彰费",
    "¥56,000.50",
    "合计",
    "¥68,800.50",
    "应退还金额合计：¥12,800.00",
    "根据《中华人民共和国行政处罚法》第二十八条第一款和《社会团体登记管理条例》第三十条的规定",
    "书面报告本机关",
    "依据《社会团体登记管理条例》第三十条的规定给予警告",
    "联系人：王科长",
    "联系电话：0571-87654321",
    "机关地址：某市人民路1号",
    "（印章）",
    "送达回证",
    "送达文书",
    "受送达人签名或盖章",
    "送达人签名",
    "□直接送达",
    "□留置送达",
    "□电子送达",
    "□公告送达",
    "代收人及代收理由",
    "见证人（留置送达）",
]


def test_pdf_holds_every_key_fact_and_finding(made: Made) -> None:
    text = squeeze(pdf_text(made.fee.paths[0]))
    for fact in KEY_FACTS:
        assert squeeze(fact) in text, fact


def test_docx_holds_the_same_facts(made: Made) -> None:
    text = squeeze(docx_text(made.fee.paths[1]))
    for fact in KEY_FACTS:
        assert squeeze(fact) in text, fact


def _east_asian_face(run: docx.text.run.Run) -> str | None:
    """The face a run shows: its own, else its paragraph style's, else the base style's."""
    if run._element.rPr is not None and run._element.rPr.rFonts is not None:
        return str(run._element.rPr.rFonts.get(qn("w:eastAsia")))
    style = run._parent.style
    while style is not None:
        r_pr = style.element.rPr
        if r_pr is not None and r_pr.rFonts is not None:
            return str(r_pr.rFonts.get(qn("w:eastAsia")))
        style = style.base_style
    return None


def test_docx_names_east_asian_fonts_in_real_styles(made: Made) -> None:
    document = docx.Document(str(made.fee.paths[1]))
    east_asian = {_east_asian_face(run) for p in document.paragraphs for run in p.runs if run.text}
    assert {"宋体", "仿宋", "黑体"} <= east_asian
    assert None not in east_asian
    normal = document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia"))
    assert normal == "仿宋"
    used = {p.style.name for p in document.paragraphs if p.text}
    assert {"Normal", "公文标题", "一级标题", "落款"} <= used
    heading = document.styles["一级标题"].element.pPr
    assert heading.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"
    section = document.sections[0]
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    grid = section._sectPr.find(qn("w:docGrid"))
    # linesAndChars with a negative charSpace made LibreOffice set ~15 characters a line
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:charSpace")) is None
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "—" in footer_xml
    assert len(document.sections) == 2  # the service receipt is its own, unnumbered section
    assert "PAGE" not in document.sections[1].footer._element.xml


def test_cjk_fonts_are_embedded_subsets(made: Made) -> None:
    out = subprocess.run(
        ["pdffonts", str(made.fee.paths[0])], check=True, capture_output=True, text=True
    ).stdout
    fonts = out.splitlines()[2:]
    assert fonts, out
    for line in fonts:
        name, kind, *_, emb, sub, uni, _obj, _gen = line.split()
        assert "+" in name and kind == "TrueType", line
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


def test_text_sits_inside_the_gbt9704_type_block(made: Made) -> None:
    html = pdf_text(made.long.paths[0], "-bbox")
    pages = html.split("<page ")[1:]
    assert len(pages) >= 4
    for page in pages[:-1]:  # the last page is the service receipt
        words = [
            (float(x0), float(y0), float(x1), float(y1), word)
            for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                page,
            )
        ]
        body = [w for w in words if w[1] < (297 - 30) * MM]
        folio = [w for w in words if w[1] >= (297 - 30) * MM]
        assert min(w[0] for w in body) >= 28 * MM - 1
        # nothing hangs into the right margin, not even a closing mark
        assert max(w[2] for w in body) <= (210 - 26) * MM + 0.5
        assert min(w[1] for w in body) >= 37 * MM - 1
        assert max(w[3] for w in body) <= (297 - 35) * MM + 1
        assert folio and min(w[1] for w in folio) >= (297 - 35 + 7) * MM - 1


def test_long_notice_flows_onto_numbered_pages_with_receipt_last(made: Made) -> None:
    text = pdf_text(made.long.paths[0])
    pages = text.split("\f")[:-1]
    assert len(pages) >= 4
    for number, page in enumerate(pages[:-1], start=1):
        assert f"— {number} —" in page
    assert "送达回证" in pages[-1] and "— " not in pages[-1]
    flat = squeeze(text)
    for n in range(1, 15):
        assert squeeze(f"第{n}项：该协会在{n}月举办的培训中") in flat
    assert "（十四）" in flat
    first_lines = [line.strip() for page in pages for line in page.splitlines() if line.strip()]
    assert not [line for line in first_lines if line[0] in "，。；：、）》”"]


def test_line_grid_is_about_22_lines_of_28_characters(made: Made) -> None:
    page = pdf_text(made.long.paths[0], "-layout").split("\f")[1]
    lines = [line.strip() for line in page.splitlines() if line.strip()][:-1]  # minus the folio
    assert 21 <= len(lines) <= 22
    widest = max(len(squeeze(line)) for line in lines)
    assert 28 <= widest <= 30  # 28 of 3号, a line with digits (half width) holds a little more


def test_sector_article_follows_the_kind_of_organization(made: Made) -> None:
    text = squeeze(pdf_text(made.service.paths[0]))
    assert squeeze("《民办非企业单位登记管理暂行条例》第二十五条的规定予以警告") in text
    assert "社会团体登记管理条例" not in text
    assert "收费情况及应退还金额" not in text  # only fee audits carry the fee table
    assert squeeze("住所：某市科技园区创新路88号") in text


def test_files_carry_real_metadata_and_honour_the_umask(made: Made) -> None:
    pdf, docx_path = made.fee.paths
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    issued = made.store.db.execute("SELECT issued_at FROM notices LIMIT 1").fetchone()[0]
    assert fields["Author"].strip() == AUTHORITY
    assert issued[:4] in fields["CreationDate"] and "2000" not in fields["CreationDate"]
    props = docx.Document(str(docx_path)).core_properties
    assert props.author == AUTHORITY and props.last_modified_by == AUTHORITY
    assert props.created is not None and props.created.year == int(issued[:4])
    assert props.created.isoformat()[:16] == issued[:16]  # both UTC
    mask = os.umask(0)
    os.umask(mask)
    for path in made.fee.paths:
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask
