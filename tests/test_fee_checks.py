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
