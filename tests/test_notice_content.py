"""What the notice says, before rendering: sector articles, deadlines, money, numerals."""

from dataclasses import replace
from decimal import Decimal

import pytest

from inspector.checklist_model import AnswerType, Choice, Item
from inspector.errors import UserError
from inspector.notices import NoticeSettings, load_settings, save_settings
from inspector.store import Store
from reports import compose, generate
from reports.document import Paragraph
from reports.formatting import answer_text, chinese_number, money, parse_money
from tests.test_reports_support import Finding, add_org, inspection, setup_office


def notice_text(store: Store, inspection_id: str) -> str:
    content = generate.numbered_notice(store, inspection_id, actor="科长")
    blocks = compose.notice(content).blocks
    return "\n".join(b.lead + b.text for b in blocks if isinstance(b, Paragraph))


@pytest.mark.parametrize(
    ("kind", "code", "article", "measure"),
    [
        (
            "social_group",
            "51100000500002862F",
            "《社会团体登记管理条例》第三十条",
            "撤换直接负责的主管人员",
        ),
        (
            "social_service",
            "52610500MJU60350X1",
            "《民办非企业单位登记管理暂行条例》第二十五条",
            "限期停止活动",
        ),
        (
            "foundation",
            "53100000500019795A",
            "《基金会管理条例》第四十二条",
            "责令停止活动；情节严重的，可以撤销登记",
        ),
    ],
)
def test_consequences_cite_the_article_for_the_kind_of_organization(
    store: Store, kind: str, code: str, article: str, measure: str
) -> None:
    office = setup_office(store)
    org = add_org(store, code=code, kind=kind)
    found = (Finding("问题甲", legal_basis=""),)
    text = notice_text(
        store, inspection(store, office, org, checklist="spot-check-general", found=found)
    )
    assert f"根据《中华人民共和国行政处罚法》第二十八条第一款和{article}的规定" in text
    assert f"本机关将依据{article}的规定" in text and measure in text
    assert "收费情况" not in text


def test_other_kinds_get_the_general_wording(store: Store) -> None:
    office = setup_office(store)
    org = add_org(store, code="59110000MJ0000001X", kind="other")
    found = (Finding("问题甲", legal_basis=""),)
    text = notice_text(
        store, inspection(store, office, org, checklist="spot-check-general", found=found)
    )
    assert "根据《中华人民共和国行政处罚法》第二十八条第一款的规定，现责令你单位" in text
    assert "本机关将依法予以处理；" in text


def test_deadline_wording_without_days_or_without_a_date(store: Store) -> None:
    office = setup_office(store)
    found = (Finding("问题甲", days=0, deadline="2027-01-15"),)
    org = add_org(store)
    inspection_id = inspection(store, office, org, checklist="spot-check-general", found=found)
    assert "整改期限：于2027年1月15日前完成整改。" in notice_text(store, inspection_id)
    content = generate.numbered_notice(store, inspection_id, actor="科长")
    undated = replace(content.inspection.findings[0], rectification_days=20, deadline=None)
    facts = replace(content.inspection, findings=(undated,))
    blocks = compose.notice(replace(content, inspection=facts)).blocks
    texts = [b.lead + b.text for b in blocks if isinstance(b, Paragraph)]
    assert "整改期限：自收到本通知书之日起20日内完成整改。" in texts


def test_missing_authority_is_a_clear_error(store: Store) -> None:
    office = setup_office(store)
    save_settings(store, NoticeSettings(authority=""), actor="科长")
    org = add_org(store)
    with store.transaction() as conn:
        conn.execute("UPDATE organizations SET registration_authority = '' WHERE id = ?", (org,))
    inspection_id = inspection(store, office, org)
    with pytest.raises(UserError, match="未设置发文机关名称"):
        generate.numbered_notice(store, inspection_id, actor="科长")


def test_money_is_exact_and_rounded_half_up() -> None:
    assert money(Decimal("12800")) == "¥12,800.00"
    assert money(Decimal("0.005")) == "¥0.01"
    assert money(Decimal("1234567.894")) == "¥1,234,567.89"
    assert money(Decimal("0.1") + Decimal("0.2")) == "¥0.30"
    assert parse_money("¥1,200.50") == Decimal("1200.50")
    assert parse_money("abc") is None and parse_money("") is None and parse_money(True) is None
    assert parse_money("NaN") is None


def _item(answer_type: AnswerType, choices: list[Choice] | None = None) -> Item:
    return Item(id="q", question="问题", answer_type=answer_type, choices=choices or [])


def test_answers_read_with_the_checklist_labels() -> None:
    choices = [Choice(value="a", label="会费"), Choice(value="b", label="培训费")]
    assert answer_text(_item(AnswerType.MULTI_CHOICE, choices), ["a", "b"]) == "会费、培训费"
    assert answer_text(_item(AnswerType.COMPLIANCE), "not_applicable") == "不适用"
    assert answer_text(_item(AnswerType.YES_NO), False) == "否"
    assert answer_text(_item(AnswerType.DATE), "2026-03-31") == "2026年3月31日"
    assert answer_text(_item(AnswerType.MONEY), "56000.5") == "¥56,000.50"
    assert answer_text(_item(AnswerType.TEXT), None) == "未作答"


def test_chinese_ordinals() -> None:
    assert [chinese_number(n) for n in (1, 9, 10, 11, 14, 20, 23, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "十四",
        "二十",
        "二十三",
        "九十九",
    ]


def test_the_notice_states_review_and_litigation_with_the_review_body(store: Store) -> None:
    office = setup_office(store)
    inspection_id = inspection(store, office, add_org(store), checklist="spot-check-general")
    text = notice_text(store, inspection_id)
    assert (
        "你单位如对本通知书不服，可以自收到本通知书之日起六十日内向某市人民政府申请行政复议，"
        "也可以自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。"
    ) in text


def test_remedies_can_be_turned_off_and_unset_details_are_warned_about(store: Store) -> None:
    office = setup_office(store)
    inspection_id = inspection(store, office, add_org(store), checklist="spot-check-general")
    settings = replace(load_settings(store), remedies=False, phone="", review_body="")
    save_settings(store, settings, actor="科长")
    assert load_settings(store).remedies is False
    assert "申请行政复议" not in notice_text(store, inspection_id)
    notes = generate.advisories(store, [generate.Format.DOCX])
    assert notes == [
        "提示：整改通知书未设置联系电话，通知书上将缺少这些内容"
        "（设置：inspector notice-settings --contact 联系人 --phone 电话 --address 地址"
        " --review-body 复议机关，或在“通知书设置”中填写）。"
    ]
    save_settings(store, replace(settings, remedies=True), actor="科长")
    assert "联系电话、行政复议机关" in generate.advisories(store, [generate.Format.DOCX])[0]
    # the notice already issued keeps its settings; the next one states remedies again
    assert "申请行政复议" not in notice_text(store, inspection_id)
    later = inspection(store, office, add_org(store, code="51100000500009247D"))
    assert "依法向行政复议机关申请行政复议" in notice_text(store, later)
