"""A finding prefilled from a checklist item cites the regulation of the organization's kind."""

from datetime import date

from inspector.checklist_model import AnswerType, FindingTemplate, Item, LegalBasis
from inspector.finding_templates import draft_for_item, legal_basis_text
from inspector.model import Severity

BASIS = [
    LegalBasis(instrument="《社会团体登记管理条例》", article="第二十八条"),
    LegalBasis(instrument="《民办非企业单位登记管理暂行条例》", article="第二十三条"),
    LegalBasis(instrument="《基金会管理条例》", article="第三十六条"),
    LegalBasis(instrument="《会计法》", article="第十六条"),
]
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


def test_only_the_organizations_own_sector_regulation_is_cited() -> None:
    assert (
        legal_basis_text(BASIS, "social_group")
        == "《社会团体登记管理条例》第二十八条；《会计法》第十六条"
    )
    assert (
        legal_basis_text(BASIS, "foundation") == "《基金会管理条例》第三十六条；《会计法》第十六条"
    )


def test_without_a_kind_everything_is_cited() -> None:
    assert legal_basis_text(BASIS).count("；") == 3


def test_a_basis_only_for_other_kinds_is_kept_rather_than_dropped() -> None:
    assert (
        legal_basis_text(BASIS[1:2], "social_group")
        == "《民办非企业单位登记管理暂行条例》第二十三条"
    )


def test_draft_for_item_prefills_basis_and_deadline_for_the_kind() -> None:
    draft = draft_for_item(ITEM, date(2026, 11, 21), org_kind="social_service")
    assert draft.legal_basis == "《民办非企业单位登记管理暂行条例》第二十三条；《会计法》第十六条"
    assert draft.deadline == "2026-12-21"
    assert draft.description == "未按期报送年度工作报告"


def test_a_free_finding_has_no_item_and_the_default_period() -> None:
    draft = draft_for_item(None, date(2026, 11, 21))
    assert (draft.item_id, draft.description, draft.legal_basis) == (None, "", "")
    assert draft.deadline == "2026-12-21"
