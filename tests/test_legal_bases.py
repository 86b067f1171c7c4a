"""The register of legal bases: every citation is an entry with its article and text, items
cite only entries, a notice never cites another kind's regulation or a penalty clause as the
rule violated, and no research note reaches a screen or a document."""

import re
from pathlib import Path

import pytest

from checklists.library import builtin_paths
from checklists.loader import load_file
from inspector import legal_bases, notices
from inspector.errors import UserError
from inspector.finding_templates import legal_basis_text
from inspector.model import OrgKind
from inspector.store import Store
from reports import generate
from tests.test_reports_support import Finding, add_org, inspection, setup_office

BUILTINS = [load_file(path).checklist for path in builtin_paths()]
ITEMS = [item for checklist in BUILTINS for item in checklist.items()]


def test_every_entry_has_instrument_article_text_version_and_role() -> None:
    entries = legal_bases.register()
    assert len(entries) >= 50
    for basis in entries.values():
        assert basis.instrument.startswith("《") and basis.instrument.endswith("》"), basis.key
        assert basis.article and basis.text and basis.version, basis.key
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", basis.version), basis.key
    # article texts are the regulation's words: each article entry's text quotes its number
    assert entries["st-30-1-8"].text.endswith(
        "(八)违反国家有关规定收取费用、筹集资金或者接受、使用捐赠、资助的。"
    )
    assert entries["mf-13"].text == "第十三条 民办非企业单位不得设立分支机构。"


def test_every_builtin_basis_is_a_register_entry_an_item_may_cite() -> None:
    cited = {key for item in ITEMS for key in item.legal_basis}
    assert cited and not legal_bases.unknown(cited)
    roles = {legal_bases.get(key).role for key in cited}
    assert legal_bases.Role.HANDLING not in roles  # the authority's power is the notice's
    for item in ITEMS:
        if item.finding is not None:
            assert "慈善组织" not in item.finding.text, item.id


@pytest.mark.parametrize("kind", ["social_group", "social_service", "foundation"])
def test_a_drafted_basis_never_names_another_kinds_regulation(kind: str) -> None:
    others = {
        basis.instrument
        for basis in legal_bases.register().values()
        if basis.kinds and OrgKind(kind) not in basis.kinds
    }
    for item in ITEMS:
        text = legal_basis_text(item.legal_basis, kind)
        assert not [name for name in others if name in text], (item.id, text)
        assert legal_bases.document_problems(text, kind) == [], (item.id, text)


def test_no_research_note_in_the_register_the_builtins_or_what_the_editor_shows() -> None:
    notes = ("未核实", "待核实", "未见", "存档文本", "仅供参照", "修订情况", "条文序号", "地方规定")
    shown = ["；".join(legal_bases.citations(item.legal_basis)) for item in ITEMS]
    entries = [f"{b.citation}{b.text}" for b in legal_bases.register().values()]
    for text in entries + shown:
        assert not [note for note in notes if note in text]


def test_no_instrument_without_an_article_and_no_non_instrument() -> None:
    for basis in legal_bases.register().values():
        assert "章程" not in basis.instrument and "本地" not in basis.instrument
    for item in ITEMS:
        for citation in legal_bases.citations(item.legal_basis):
            assert re.search(r"》(（[^）]+）)?(第|关于)", citation), citation


def test_an_unknown_key_is_refused_in_chinese() -> None:
    with pytest.raises(UserError, match="法律依据“st-99”不在依据目录中"):
        legal_bases.get("st-99")


def test_a_consequence_or_power_cited_as_violated_is_a_problem_but_a_situation_is_not() -> None:
    kind = OrgKind.SOCIAL_GROUP
    assert legal_bases.document_problems("《社会团体登记管理条例》第三十条第一款第（八）项", kind)
    assert legal_bases.document_problems("《中华人民共和国行政处罚法》第二十八条第一款", kind)
    situation = "属于《社会团体登记管理条例》第三十条第一款第（八）项规定的情形"
    assert legal_bases.document_problems(situation, kind) == []
    assert legal_bases.document_problems("《社会团体登记管理条例》第二十六条第三款", kind) == []


@pytest.mark.parametrize(
    ("basis", "problem"),
    [
        ("《民办非企业单位登记管理暂行条例》第二十一条第一款", "不适用于社会团体"),
        (
            "《社会团体登记管理条例》第三十条第一款第（八）项",
            "是罚则或机关职权，不是当事人违反的规定",
        ),
    ],
)
def test_a_notice_with_a_wrong_basis_is_refused_before_it_is_numbered(
    store: Store, tmp_path: Path, basis: str, problem: str
) -> None:
    office = setup_office(store)
    found = (Finding("该协会违规收费", legal_basis=basis),)
    inspection_id = inspection(store, office, add_org(store), found=found)
    with pytest.raises(UserError, match=problem) as caught:
        generate.write_notice(store, inspection_id, tmp_path, [generate.Format.DOCX], actor="科长")
    assert "未编号" in caught.value.message and "该协会违规收费" in caught.value.message
    assert notices.latest(store, inspection_id) is None
    assert not list(tmp_path.glob("*.docx"))
