"""The published list of a 双随机 campaign 一公开 as a PDF in the official-document layout:
title, how the draw was made (so anyone can re-run it), and the targets with their inspectors.
"""

from pathlib import Path

from inspector import campaign_records, preferences
from inspector.campaigns import LEVEL_LABELS
from inspector.clock import to_local
from inspector.store import Store
from reports import fonts
from reports.document import Align, Document, Paragraph, Table, Title
from reports.files import Format, render
from reports.formatting import chinese_date


def campaign_document(store: Store, campaign_id: str) -> Document:
    """Compose the list: the draw's parameters and seed, then one table row per target."""
    campaign = campaign_records.get(store, campaign_id)
    listed = campaign_records.targets(store, campaign_id)
    drawn_on = to_local(campaign.created_at).date()
    return Document(
        title=campaign.name,
        blocks=(
            Title(f"{campaign.name}结果公示"),
            Paragraph(
                f"{chinese_date(drawn_on)}，从符合条件的 {campaign.population_size} 个"
                f"社会组织中随机抽取 {len(listed)} 个检查对象{_rule_text(campaign)}，"
                "并从执法人员名录中随机选派执法检查人员（已执行回避）。"
            ),
            Paragraph(
                f"随机种子：{campaign.seed}；检查对象名单指纹（SHA-256）："
                f"{campaign.population_hash}。按相同种子和名单重新抽取，结果相同。",
                indent=True,
            ),
            Table(
                headers=(
                    "序号",
                    "检查对象",
                    "统一社会信用代码",
                    "所在区县",
                    "执法检查人员（执法证号）",
                ),
                rows=tuple(
                    (str(t.position), t.name, t.credit_code, t.district, t.inspectors)
                    for t in listed
                ),
                widths=(0.5, 2.6, 2.7, 1.0, 3.2),
                font_size=10.5,
            ),
            Paragraph(f"发布人：{campaign.created_by}", indent=False, align=Align.RIGHT),
        ),
    )


def write_campaign_pdf(store: Store, campaign_id: str, target: Path) -> Path:
    """Write the published list as PDF to ``target``."""
    font_set = fonts.resolve(preferences.get(store, fonts.FONT_SETTING))
    data = render(campaign_document(store, campaign_id), Format.PDF, font_set)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".part-{target.name}")
    partial.write_bytes(data)
    partial.replace(target)
    return target


def _rule_text(campaign: campaign_records.Campaign) -> str:
    rule = campaign.parameters["rule"]
    if rule.get("ratio") is not None:
        return f"（抽查比例 {rule['ratio']:.1%}）"
    if rule.get("level") is not None:
        return f"（{LEVEL_LABELS[rule['level']]}登记管理机关抽查比例）"
    return ""
