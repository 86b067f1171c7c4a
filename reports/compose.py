"""What each document says, block by block: the notice with its service receipt, the on-site
record and the inspection report. Wording follows REGULATIONS.md §3.5."""

from inspector import legal_bases
from reports import layout
from reports.content import (
    CORRECTION_BASIS,
    AnswerFacts,
    EvidenceFacts,
    FindingFacts,
    InspectionFacts,
    NoticeContent,
    RecordContent,
    TableFacts,
)
from reports.document import (
    Align,
    Block,
    Document,
    Heading,
    Images,
    NewPage,
    PageFooter,
    Paragraph,
    Signature,
    Table,
    Title,
)
from reports.formatting import chinese_date, chinese_number, file_size, money, sentence
from reports.linebreak import longest_word_em

NOTICE_TITLE = "责令限期整改通知书"
SERVICE_METHODS = "□直接送达　□留置送达　□邮寄送达　□电子送达　□委托送达　□公告送达"
BLANK_TIME = "______年____月____日____时____分"


def notice(content: NoticeContent) -> Document:
    """The rectification notice, then its service receipt on a page of its own."""
    facts = content.inspection
    number = content.number
    blocks: list[Block] = [
        Title(content.authority),
        Title(NOTICE_TITLE),
        Paragraph(number, indent=False, align=Align.CENTER),
        Paragraph(f"{facts.org.name}：", indent=False),
        Paragraph(_opening(facts)),
        Heading("一、存在的问题及整改要求"),
    ]
    for n, finding in enumerate(facts.findings, start=1):
        blocks += _finding_blocks(n, finding, content.working_days)
    sections: list[tuple[str, list[Block]]] = []
    if content.fee_tables:
        sections.append(("收费情况及应退还金额", _fee_blocks(content)))
    sections += [
        ("处理依据", [Paragraph(_correction(content))]),
        ("整改报告", [Paragraph(_report_back())]),
        ("逾期不整改的后果", [Paragraph(_consequences(content))]),
    ]
    for n, (heading, section) in enumerate(sections, start=2):
        blocks += [Heading(f"{chinese_number(n)}、{heading}"), *section]
    if content.remedies:
        blocks.append(Paragraph(_remedies(content)))
    blocks += _contact(content)
    if content.replaces:
        blocks.append(
            Paragraph(f"本通知书替代本机关{content.replaces}整改通知书，原通知书不再执行。")
        )
    issued = chinese_date(content.issued_at.date()) if content.issued_at else ""
    blocks.append(Signature(content.authority, issued))
    blocks += receipt(content)
    return Document(
        f"{NOTICE_TITLE} {content.number}",
        tuple(blocks),
        subject=f"{NOTICE_TITLE}（{facts.org.name}）",
        author=content.authority,
        created=content.issued_at,
    )


def receipt(content: NoticeContent) -> list[Block]:
    """送达回证: what was served on whom, where, how and when, and both signatures."""
    org = content.inspection.org
    rows = (
        ("送达文书", f"{NOTICE_TITLE}（{content.number}）"),
        ("受送达人", org.name),
        ("送达地点", org.address),
        ("送达方式", SERVICE_METHODS),
        ("送达时间", BLANK_TIME),
        ("受送达人签名或盖章", ""),
        ("代收人及代收理由", ""),
        ("见证人（留置送达）", ""),
        ("送达人签名", "1.　　　　　　　　　　2."),
        (
            "备注",
            "电子送达的，附受送达人同意电子送达的确认书；公告送达的，注明公告发布日期和载体。",
        ),
    )
    return [
        NewPage(numbered=False),
        Title("送达回证"),
        Table(rows, widths=(1, 3), tall_rows=frozenset({5, 6, 7, 8}), font_size=14),
        Signature(content.authority, "", seal_note=""),
    ]


def onsite_record(content: RecordContent) -> Document:
    """现场检查记录: the facts of the visit, what was checked and found, and signatures."""
    facts = content.inspection
    blocks: list[Block] = [
        Title("现场检查记录"),
        _facts_table(facts, CERTIFICATES_SHOWN),
        Heading("一、检查情况"),
        _answers_table(content.answers),
        *_answer_tables(content.answers),
        Heading("二、发现的问题"),
        *_findings_summary(facts.findings),
        Paragraph("以上记录经被检查单位在场人员核对无误。"),
        _signatures(content),
    ]
    if content.signature is not None:
        blocks.append(Images(((content.signature, f"在场人员签名：{content.confirmed_by}"),)))
    return Document(
        "现场检查记录",
        tuple(blocks),
        subject=f"现场检查记录（{facts.org.name}）",
        author=facts.org.registration_authority,
        created=facts.started_at,
        page_footer=RECORD_PAGE_FOOTER,
    )


def inspection_report(content: RecordContent) -> Document:
    """The inspection report: facts, every answer, findings and the evidence with fingerprints."""
    facts = content.inspection
    blocks: list[Block] = [
        Title("社会组织检查报告"),
        Paragraph(
            f"{facts.checklist_title}（第{facts.checklist_version}版）",
            indent=False,
            align=Align.CENTER,
        ),
        Heading("一、基本情况"),
        _facts_table(facts),
        Heading("二、检查事项及结果"),
    ]
    for n, section in enumerate(dict.fromkeys(a.section for a in content.answers), start=1):
        answers = tuple(a for a in content.answers if a.section == section)
        blocks += [
            Heading(f"（{chinese_number(n)}）{section}", level=2),
            _answers_table(answers),
            *_answer_tables(answers),
        ]
    blocks += [Heading("三、发现的问题"), *_findings_summary(facts.findings)]
    blocks += [Heading("四、证据材料"), *_evidence_blocks(content.evidence)]
    names = "、".join(i.name for i in facts.inspectors)
    if facts.approved_by and facts.approved_at:
        approved = (
            f"审核人：{facts.approved_by}（{chinese_date(facts.approved_at.date())}审核通过）"
        )
        blocks.append(Paragraph(approved, indent=False))
    blocks.append(
        Signature(f"检查人员：{names}", chinese_date(facts.started_at.date()), seal_note="")
    )
    return Document(
        "社会组织检查报告",
        tuple(blocks),
        subject=f"社会组织检查报告（{facts.org.name}）",
        author=facts.org.registration_authority,
        created=facts.started_at,
    )


def _opening(facts: InspectionFacts) -> str:
    org = facts.org
    people = "、".join(f"{i.name}（执法证号：{i.certificate_no}）" for i in facts.inspectors)
    place = f"在{facts.place}" if facts.place else ""
    identity = "；".join(
        part
        for part in (
            f"统一社会信用代码：{org.credit_code}",
            f"法定代表人：{org.legal_rep}" if org.legal_rep else "",
            f"住所：{org.address}" if org.address else "",
        )
        if part
    )
    return (
        f"{chinese_date(facts.started_at.date())}，本机关执法人员{people}{place}"
        f"对你单位（{identity}）依法进行了{facts.method}。经查，你单位存在以下问题："
    )


def _finding_blocks(n: int, finding: FindingFacts, working_days: bool) -> list[Block]:
    blocks: list[Block] = [
        Paragraph(sentence(finding.description), lead=f"（{chinese_number(n)}）")
    ]
    basis = finding.legal_basis.strip()
    if basis.startswith(legal_bases.SITUATION_PREFIX):  # a penalty clause's listed situation
        blocks.append(Paragraph(f"上述行为{basis}。"))
    elif basis:
        blocks.append(Paragraph(f"上述行为违反了{basis}的规定。"))
    if finding.requirement:
        blocks.append(Paragraph(sentence(finding.requirement), lead="整改要求："))
    blocks.append(
        Paragraph(_deadline(finding, working_days=working_days) + "。", lead="整改期限：")
    )
    if finding.refund_due:
        blocks.append(Paragraph(f"{money(finding.refund_due)}。", lead="应退还金额："))
    return blocks


def _deadline(finding: FindingFacts, *, working_days: bool = False, of: str = "本通知书") -> str:
    """The period from service ("自收到本通知书之日起N日内"), or a fixed date ("于…前"), never
    both: the date a period ends exists only once the notice is served (inspector.service),
    so printing one here would contradict the period."""
    if finding.rectification_days:
        unit = "个工作日" if working_days else "日"
        return f"自收到{of}之日起{finding.rectification_days}{unit}内完成整改"
    if finding.deadline:
        return f"于{chinese_date(finding.deadline)}前完成整改"
    return "立即整改"


def _fee_blocks(content: NoticeContent) -> list[Block]:
    blocks: list[Block] = [
        Paragraph(
            "经核查，你单位收费情况如下。对违规收取的费用，应在整改期限内退还缴费单位，并保留退费凭证备查。"
        )
    ]
    for table in content.fee_tables:
        blocks += _table_blocks(table)
    if content.refund_total is not None:
        blocks.append(Paragraph(f"{money(content.refund_total)}。", lead="应退还金额合计："))
    return blocks


def _correction(content: NoticeContent) -> str:
    penalty = content.penalty
    sector = f"和{penalty.instrument}{penalty.article}" if penalty.article else ""
    return (
        f"根据{CORRECTION_BASIS}{sector}的规定，现责令你单位对上述问题予以改正，"
        "并在规定期限内完成整改。"
    )


def _report_back() -> str:
    return (
        "你单位应当在整改期限届满前，将整改情况书面报告本机关，并附相关证明材料"
        "（如会议纪要、制度文件、财务凭证、退费凭证等）。本机关将对整改情况进行复查。"
    )


def _consequences(content: NoticeContent) -> str:
    penalty = content.penalty
    basis = f"依据{penalty.instrument}{penalty.article}的规定" if penalty.article else "依法"
    text = (
        f"逾期不改正或者整改不到位的，本机关将{basis}{penalty.measures}；"
        "并可依法将你单位列入活动异常名录，在年度检查、等级评估中作相应处理。"
    )
    if content.fee_tables:
        text += "违规收取的费用逾期不退还的，将依法公开曝光并实施信用惩戒。"
    return text


def _remedies(content: NoticeContent) -> str:
    """行政复议 within sixty days (行政复议法 第二十条) before the 复议机关 (第二十四条: usually the
    本级人民政府), or 行政诉讼 within six months (行政诉讼法 第四十六条)."""
    body = f"向{content.review_body}" if content.review_body else "依法向行政复议机关"
    return (
        f"你单位如对本通知书不服，可以自收到本通知书之日起六十日内{body}申请行政复议，"
        "也可以自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。"
    )


def _contact(content: NoticeContent) -> list[Block]:
    line = "　".join(
        part
        for part in (
            f"联系人：{content.contact}" if content.contact else "",
            f"联系电话：{content.phone}" if content.phone else "",
        )
        if part
    )
    blocks: list[Block] = [Paragraph(line)] if line else []
    if content.address:
        blocks.append(Paragraph(f"机关地址：{content.address}"))
    return blocks


# 行政处罚法 第五十五条 (执法人员出示执法证件) and the 检查通知书 the 抽查办法 requires: ticked
# by hand on the record the representative signs, as the device has no record of them.
CERTIFICATES_SHOWN = ("出示证件", "□检查人员已出示执法证件　□已出示检查通知书")


# Signed on every page by the person in charge on site and the inspectors, as 笔录 are.
RECORD_PAGE_FOOTER = PageFooter(("被检查单位负责人（签字）：", "检查人员（签字）："))


def _facts_table(facts: InspectionFacts, *extra: tuple[str, str]) -> Table:
    org = facts.org
    people = "；".join(f"{i.name}（执法证号：{i.certificate_no}）" for i in facts.inspectors)
    rows = (
        ("被检查单位", org.name),
        ("统一社会信用代码", org.credit_code),
        ("单位类型", org.kind.label),
        ("法定代表人", org.legal_rep),
        ("住所", org.address),
        ("检查时间", f"{chinese_date(facts.started_at.date())} {facts.started_at:%H:%M}"),
        ("检查地点", facts.place),
        ("检查方式", facts.method),
        ("检查人员", people),
        ("在场人员", facts.representative),
        ("检查表", f"{facts.checklist_title}（第{facts.checklist_version}版）"),
        *extra,
    )
    return Table(rows, widths=(1, 3))


def _answers_table(answers: tuple[AnswerFacts, ...]) -> Table:
    rows = tuple((str(n), a.question, a.answer, a.note) for n, a in enumerate(answers, start=1))
    return Table(rows, widths=(0.7, 4, 1.2, 2.1), headers=("序号", "检查事项", "检查结果", "说明"))


def _answer_tables(answers: tuple[AnswerFacts, ...]) -> list[Block]:
    blocks: list[Block] = []
    for answer in answers:
        if answer.table is not None and answer.table.rows:
            blocks += _table_blocks(answer.table)
    return blocks


def _table_blocks(table: TableFacts) -> list[Block]:
    return [
        Paragraph(table.title, indent=False, keep_with_next=True),
        Table(
            table.rows,
            widths=_column_weights(table.headers, table.rows),
            headers=table.headers,
            totals=table.totals,
        ),
    ]


def _column_weights(
    headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...], size: float = layout.TABLE_PT
) -> tuple[float, ...]:
    """Column widths (in ems) so that no amount, date or code is broken: every column gets
    its longest unbreakable word first, and the rest of the block goes to the columns whose
    text is longer than that, in proportion."""
    pad = 2 * layout.CELL_PADDING_H_PT / size + 0.5  # padding, and the space between scripts
    columns = [
        (header, *(row[n] for row in rows if n < len(row))) for n, header in enumerate(headers)
    ]
    need = [max(longest_word_em(text) for text in cells) + pad for cells in columns]
    want = [max(layout.em_width(text) for text in cells) + pad for cells in columns]
    room = layout.BLOCK_WIDTH_MM * layout.MM / size - sum(need)
    extra = [w - n for w, n in zip(want, need, strict=True)]
    if room <= 0 or not sum(extra):
        return tuple(need)
    share = min(1.0, room / sum(extra))
    return tuple(n + e * share for n, e in zip(need, extra, strict=True))


def _findings_summary(findings: tuple[FindingFacts, ...]) -> list[Block]:
    if not findings:
        return [Paragraph("本次检查未发现问题。")]
    blocks: list[Block] = []
    for n, f in enumerate(findings, start=1):
        blocks.append(Paragraph(sentence(f.description), lead=f"{n}．"))
        details = (
            f"问题性质：{f.severity}",
            f"依据：{f.legal_basis.strip()}" if f.legal_basis.strip() else "",
            f"整改要求：{f.requirement.strip().rstrip('。')}" if f.requirement.strip() else "",
            f"整改期限：{_deadline(f, of='整改通知书')}",
        )
        blocks.append(Paragraph("；".join(d for d in details if d) + "。"))
    return blocks


def _evidence_blocks(evidence: tuple[EvidenceFacts, ...]) -> list[Block]:
    if not evidence:
        return [Paragraph("无。")]
    rows = tuple(
        (str(n), e.file_name, e.item, file_size(e.size), e.sha256)
        for n, e in enumerate(evidence, start=1)
    )
    table = Table(
        rows,
        widths=(0.7, 2, 2.2, 1, 3.6),
        headers=("序号", "文件名", "关联检查事项", "大小", "SHA-256 指纹"),
        font_size=9,
    )
    photos = tuple(
        (e.image, f"{n}．{e.file_name}")
        for n, e in enumerate(evidence, start=1)
        if e.image is not None
    )
    return [table, Images(photos)] if photos else [table]


def _signatures(content: RecordContent) -> Table:
    facts = content.inspection
    # Left blank for handwriting, unless signed on the tablet or the reason none was recorded.
    confirmed = content.confirmation
    rows = (
        ("检查人员签名", ""),
        ("被检查单位在场人员签名", confirmed),
        ("日期", chinese_date(facts.started_at.date())),
    )
    return Table(rows, widths=(1, 3), tall_rows=frozenset({0, 1}), font_size=14)
