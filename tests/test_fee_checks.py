"""Implausible fee-audit data never reaches a notice: refused, naming the row, nothing numbered."""

from pathlib import Path

import pytest

from inspector import fee_checks, inspections, notices
from inspector.errors import UserError
from inspector.store import Store
from reports import generate
from tests.test_reports_support import FEE_ROWS, add_org, inspection, setup_office


def test_refund_above_collected_refund_on_a_compliant_fee_and_a_reversed_period() -> None:
    rows = [
        {"name": "培训费", "collected": "100.00", "verdict": "improper", "refund_due": "167300"},
        {"name": "会费", "collected": "500", "verdict": "compliant", "refund_due": "20"},
        {"name": "评比费", "collected": "300", "verdict": "improper", "refund_due": "300"},
    ]
    answers = {"fees": rows, "fa-period-start": "2026-06-30", "fa-period-end": "2026-01-01"}
    assert fee_checks.problems(answers) == [
        "检查期间起始日期 2026-06-30 晚于截止日期 2026-01-01",
        "收费项目明细第1行“培训费”：应退还金额 167300 元大于本期收取金额 100.00 元",
        "收费项目明细第2行“会费”：认定为合规，却填写了应退还金额 20 元",
    ]
    assert fee_checks.problems({"fees": FEE_ROWS}) == []


def test_a_notice_with_implausible_fees_is_refused_before_numbering(
    store: Store, tmp_path: Path
) -> None:
    office = setup_office(store)
    inspection_id = inspection(store, office, add_org(store), approve=False)
    bad = [{**FEE_ROWS[1], "refund_due": "100"}]
    inspections.set_answer(
        store, inspection_id, "fees", bad, actor="supervisor", amendment_reason="更正"
    )
    inspections.approve(store, inspection_id, actor="supervisor")
    with pytest.raises(UserError, match="认定为合规，却填写了应退还金额 100 元"):
        generate.write_notice(store, inspection_id, tmp_path, [generate.Format.DOCX], actor="科长")
    assert notices.latest(store, inspection_id) is None


def test_entry_saves_a_refund_above_the_amount_collected_and_names_the_row_and_column(
    store: Store,
) -> None:
    office = setup_office(store)
    inspection_id = inspection(store, office, add_org(store), approve=False)
    rows = [{**FEE_ROWS[0], "refund_due": "13000.00"}, FEE_ROWS[1]]
    warned = inspections.set_answer(
        store, inspection_id, "fees", rows, actor="supervisor", amendment_reason="更正"
    )
    assert warned == [
        fee_checks.Problem(
            "收费项目明细第1行“年度评比表彰费”：应退还金额 13000.00 元大于本期收取金额 12800.00 元",
            ("fees",),
            1,
            "refund_due",
        )
    ]
    stored = store.db.execute(
        "SELECT value FROM answers WHERE inspection_id = ? AND item_id = 'fees'", (inspection_id,)
    ).fetchone()[0]
    assert "13000.00" in stored  # warned, not refused: what was typed is kept
    assert (
        inspections.set_answer(
            store, inspection_id, "fees", FEE_ROWS, actor="supervisor", amendment_reason="更正"
        )
        == []
    )


def test_entry_warns_on_either_date_of_a_reversed_period(store: Store) -> None:
    office = setup_office(store)
    inspection_id = inspection(store, office, add_org(store), approve=False)

    def typed(item_id: str, value: str) -> list[str]:
        found = inspections.set_answer(
            store, inspection_id, item_id, value, actor="supervisor", amendment_reason="补录"
        )
        return [problem.message for problem in found]

    assert typed("fa-period-end", "2026-01-01") == []
    reversed_period = ["检查期间起始日期 2026-06-30 晚于截止日期 2026-01-01"]
    assert typed("fa-period-start", "2026-06-30") == reversed_period
    assert typed("fa-period-end", "2026-01-02") == [
        "检查期间起始日期 2026-06-30 晚于截止日期 2026-01-02"
    ]
    assert typed("fa-period-end", "2026-12-31") == []
    assert typed("fa-06", "compliant") == []  # other items are not the rule's business
