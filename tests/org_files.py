"""Register files for tests: valid credit codes and CSV files as offices export them."""

import csv
import io
from pathlib import Path

from inspector.credit_code import check_character

# Real codes (REGULATIONS.md §3.6).
AUTOMATION = ("51100000500002862F", "中国自动化学会")
COMPOSITES = ("51100000500009247D", "中国复合材料工业协会")
HEALTHCARE = ("51100000500012681T", "中国医疗保健国际交流促进会")
WELFARE_FUND = ("53100000500019795A", "中国社会福利基金会")
BIT_FUND = ("53100000500021676K", "北京理工大学教育基金会")
WEINAN_SERVICE = ("52610500MJU60350X1", "渭南市阳光养老服务中心")
BAD_CHECK = "52110101MJ0018899X"  # check character should be T

HEADER = [
    "统一社会信用代码",
    "社会组织名称",
    "类型",
    "法定代表人",
    "所在区县",
    "成立登记日期",
    "注册资金",
    "信用状态",
]


def make_code(serial: int, kind_digit: str = "1", division: str = "440100") -> str:
    """A valid civil-affairs code: 5, the kind digit, the division, a serial and the check."""
    first17 = f"5{kind_digit}{division}MJ{serial:07d}"
    return first17 + check_character(first17)


def csv_text(rows: list[list[str]], header: list[str] | None = None) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER if header is None else header)
    writer.writerows(rows)
    return out.getvalue()


def write_csv(
    path: Path, rows: list[list[str]], encoding: str = "utf-8", header: list[str] | None = None
) -> Path:
    path.write_bytes(csv_text(rows, header).encode(encoding))
    return path
