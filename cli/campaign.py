"""``inspector campaign ...``: 双随机 draws for office scripts, recorded campaigns, the list."""

import json
from pathlib import Path

import click

from cli.context import AppContext, actor_option, pass_app
from inspector import campaign_records, campaigns, conflicts, exports, registry, roster
from inspector.campaigns import Criteria, Draw, SampleRule
from inspector.errors import UserError
from inspector.model import OrgKind


@click.group()
def campaign() -> None:
    """双随机抽查计划：抽取、核验、公示。"""


@campaign.command()
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice([k.value for k in OrgKind]),
    help="类型（可多次指定）",
)
@click.option("--district", "districts", multiple=True, help="所在区县（可多次指定）")
@click.option("--credit-status", "credit_statuses", multiple=True, help="信用状态，如 normal")
@click.option("--authority", "authorities", multiple=True, help="登记管理机关")
@click.option("--not-inspected-months", type=click.IntRange(1), help="近 N 个月未检查过")
@click.option("--ratio", type=float, help="抽查比例，如 0.05 表示 5%（向上取整）")
@click.option("--size", type=click.IntRange(1), help="抽查数量")
@click.option(
    "--level",
    type=click.Choice(sorted(campaigns.DEFAULT_RATIOS)),
    help="按登记管理机关级别的默认比例：county 3%、city 4%、province 5%",
)
@click.option("--seed", required=True, help="随机种子（公开，供任何人重新抽取核验）")
@click.option("--team-size", default=2, show_default=True, type=click.IntRange(2), help="每组人数")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="“近 N 个月”的起算日（默认今天）")
@click.option("--save", "name", help="保存为抽查计划并生成检查任务（填写计划名称；仅限审核人员）")
@click.option(
    "--checklist", default="spot-check-general", show_default=True, help="任务使用的检查表"
)
@click.option("--due", default="", help="任务完成期限 YYYY-MM-DD")
@actor_option("以此审核人员的账号登录并保存（姓名或执法证号；密码须是此人自己的）", default="")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（供其他程序读取）")
@pass_app
def draw(
    app: AppContext,
    kinds: tuple[str, ...],
    districts: tuple[str, ...],
    credit_statuses: tuple[str, ...],
    authorities: tuple[str, ...],
    not_inspected_months: int | None,
    ratio: float | None,
    size: int | None,
    level: str | None,
    seed: str,
    team_size: int,
    as_of: object,
    name: str | None,
    checklist: str,
    due: str,
    actor: str,
    as_json: bool,
) -> None:
    """随机抽取检查对象和执法检查人员，打印名单。

    同一种子、同一名录，结果相同。不加 --save 时只打印，不写入数据库。
    """
    store = app.store()
    result = campaigns.draw(
        store,
        Criteria(kinds, districts, credit_statuses, authorities, not_inspected_months),
        SampleRule(size=size, ratio=ratio, level=level),
        seed=seed,
        team_size=team_size,
        as_of=as_of.date() if as_of is not None else None,  # type: ignore[attr-defined]
    )
    campaign_id = None
    if name is not None:
        if not actor:
            raise UserError("保存抽查计划须用 --actor 指定操作人（审核人员）")
        campaign_id = campaigns.create(
            store, result, name=name, checklist_id=checklist, due_date=due, actor=actor
        )
    if as_json:
        click.echo(json.dumps(_as_json(result, campaign_id), ensure_ascii=False, indent=2))
        return
    _print(result, campaign_id)


@campaign.command("list")
@pass_app
def list_campaigns(app: AppContext) -> None:
    """列出已保存的抽查计划。"""
    found = campaign_records.all_campaigns(app.store())
    if not found:
        click.echo("还没有保存的抽查计划")
    for c in found:
        click.echo(f"{c.id}  {c.name}  种子 {c.seed}  总体 {c.population_size}  {c.created_by}")


@campaign.command()
@click.argument("campaign_id")
@pass_app
def verify(app: AppContext, campaign_id: str) -> None:
    """按记录的种子和参数重新抽取，核验结果是否一致（不一致时退出状态为 1）。"""
    verdict = campaign_records.verify(app.store(), campaign_id)
    if verdict.holds:
        click.echo("核验通过：重新抽取的检查对象和执法人员与记录一致")
        return
    raise UserError("核验不通过：" + "；".join(verdict.differences))


@campaign.command()
@click.argument("campaign_id")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def publish(app: AppContext, campaign_id: str, target: Path) -> None:
    """导出抽查结果公示名单：TARGET 以 .xlsx、.csv 或 .pdf 结尾。"""
    store = app.store()
    if target.suffix.lower() == ".pdf":
        from reports.campaign_list import write_campaign_pdf

        write_campaign_pdf(store, campaign_id, target)
    else:
        exports.write(exports.campaign_sheet(store, campaign_id), target)
    click.echo(f"已导出：{target}")


@campaign.group()
def conflict() -> None:
    """回避：执法人员与检查对象之间的利害关系，抽取时不会派该人员检查该对象。"""


@conflict.command("add")
@click.argument("person")
@click.argument("organization")
@click.option("--reason", required=True, help="回避理由（写入审计日志）")
@actor_option("以此审核人员的账号登录并登记（姓名或执法证号；密码须是此人自己的）", required=True)
@pass_app
def add_conflict(app: AppContext, person: str, organization: str, reason: str, actor: str) -> None:
    """登记回避：PERSON 为执法证号或姓名，ORGANIZATION 为统一社会信用代码。"""
    store = app.store()
    roster_id, organization_id = _person_id(app, person), _organization_id(app, organization)
    conflicts.add(store, roster_id, organization_id, reason=reason, actor=actor)
    click.echo(f"已登记回避：{person} 不参与检查 {organization}")


@conflict.command("list")
@click.argument("organization")
@pass_app
def list_conflicts(app: AppContext, organization: str) -> None:
    """列出某个检查对象（统一社会信用代码）的回避人员。"""
    found = conflicts.of_organization(app.store(), _organization_id(app, organization))
    if not found:
        click.echo("没有回避记录")
    for c in found:
        click.echo(f"{c.roster_id}  {c.reason}  {c.recorded_by}  {c.recorded_at[:10]}")


def _person_id(app: AppContext, person: str) -> str:
    found = roster.ids_matching(app.store(), person)
    if len(found) != 1:
        raise UserError(
            f"执法人员名录中{'没有' if not found else '有多人符合'}“{person}”，请用执法证号"
        )
    return found[0]


def _organization_id(app: AppContext, code: str) -> str:
    normalized = code.strip().upper()
    found = registry.existing_ids(app.store(), [normalized])
    if normalized not in found:
        raise UserError(f"名录中没有统一社会信用代码为 {code} 的社会组织")
    return found[normalized]


def _as_json(result: Draw, campaign_id: str | None) -> dict[str, object]:
    return {
        "campaign_id": campaign_id,
        "seed": result.seed,
        "parameters": result.parameters(),
        "population_size": result.population_size,
        "population_hash": result.population_hash,
        "roster_hash": result.roster_hash,
        "targets": [
            {
                "position": t.position,
                "organization_id": t.organization.id,
                "credit_code": t.organization.credit_code,
                "name": t.organization.name,
                "district": t.organization.district,
                "inspectors": [
                    {"id": p.id, "name": p.name, "certificate_no": p.certificate_no}
                    for p in t.inspectors
                ],
            }
            for t in result.targets
        ],
    }


def _print(result: Draw, campaign_id: str | None) -> None:
    click.echo(
        f"从 {result.population_size} 个符合条件的检查对象中抽取 {len(result.targets)} 个"
        f"（种子 {result.seed}，名单指纹 {result.population_hash[:12]}）"
    )
    for t in result.targets:
        people = "、".join(f"{p.name}（{p.certificate_no}）" for p in t.inspectors)
        org = t.organization
        click.echo(
            f"{t.position:>4}. {org.credit_code}  {org.name}  {org.district or '—'}  {people}"
        )
    if campaign_id:
        click.echo(f"已保存抽查计划 {campaign_id}，已生成 {len(result.targets)} 个检查任务")
