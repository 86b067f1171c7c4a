"""A finding prefilled from a checklist item cites, from the register, what governs the kind."""

from datetime import date

from inspector.checklist_model import AnswerType, FindingTemplate, Item
from inspector.finding_templates import draft_for_item, legal_basis_text
from inspector.model import Severity

BASIS = ["st-28-1", "mf-23-1", "jjh-42-1-5"]
ITEM = Item(
    id="ar-01",
    question="是否按期报送年度工作报告",
    answer_type=AnswerType.COMPLIANCE,
    legal_basis=BASIS,
    finding=FindingTemplate(
        text="未按期报送年度工作报告",
        severity=Severity.MINOR,
        requirement="补报",
        rectification_days=30,
    ),
)


def test_only_the_organizations_own_regulation_is_cited() -> None:
    assert legal_basis_text(BASIS, "social_group") == "《社会团体登记管理条例》第二十八条第一款"
    assert (
        legal_basis_text(BASIS, "social_service")
        == "《民办非企业单位登记管理暂行条例》第二十三条第一款"
    )


def test_a_penalty_clause_is_cited_as_the_situation_it_lists_never_as_a_rule_violated() -> None:
    assert (
        legal_basis_text(BASIS, "foundation")
        == "属于《基金会管理条例》第四十二条第一款第（五）项规定的情形"
    )
    # with an obligation for the kind, the penalty clause is left to the notice's consequences
    assert legal_basis_text(["st-4-2", "st-30-1-6"], "social_group") == (
        "《社会团体登记管理条例》第四条第二款"
    )


def test_a_kind_no_entry_governs_gets_no_basis_rather_than_another_kinds() -> None:
    assert legal_basis_text(["mf-13"], "social_group") == ""


def test_articles_of_one_instrument_name_it_once() -> None:
    assert legal_basis_text(["st-17-1", "st-17-2"], "social_group") == (
        "《社会团体登记管理条例》第十七条第一款、第十七条第二款"
    )
    assert legal_basis_text(["gb21-forced", "gb21-no-service"], "social_group") == (
        "《国务院办公厅关于进一步规范行业协会商会收费的通知》（国办发〔2020〕21号）"
        "关于“严禁强制入会和强制收费”、关于“严禁只收费不服务或多头重复收费”"
    )


def test_draft_for_item_prefills_basis_and_deadline_for_the_kind() -> None:
    draft = draft_for_item(ITEM, date(2026, 11, 21), org_kind="social_service")
    assert draft.legal_basis == "《民办非企业单位登记管理暂行条例》第二十三条第一款"
    assert draft.deadline == "2026-12-21"
    assert draft.description == "未按期报送年度工作报告"


def test_a_free_finding_has_no_item_and_the_default_period() -> None:
    draft = draft_for_item(None, date(2026, 11, 21))
    assert (draft.item_id, draft.description, draft.legal_basis) == (None, "", "")
    assert draft.deadline == "2026-12-21"
