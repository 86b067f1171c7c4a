"""``inspector notice`` / ``notices`` / ``document`` / ``notice-settings``: official documents."""

import dataclasses
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from cli.context import AppContext, actor_option, pass_app
from cli.progress import terminal_job
from inspector import authorities, findings, inspections, service
from inspector import notices as numbering
from inspector.clock import today
from inspector.errors import UserError
from inspector.store import Store
from reports import generate
from sync.client import SyncClient
from sync.notice_numbers import reserve_notice_numbers
from sync.transport import SyncError

OUT = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="输出文件夹",
)
ACTOR = actor_option(
    "以此人的账号登录并操作（姓名或执法证号；密码须是此人自己的），写入审计日志；"
    "不给时为密码所能打开的第一个账号"
)


@click.command()
@click.argument("inspection_id")
@click.option(
    "--format", "formats", default="pdf", show_default=True, help="pdf、docx，或 pdf,docx"
)
@OUT
@ACTOR
@pass_app
def notice(app: AppContext, inspection_id: str, formats: str, out_dir: Path, actor: str) -> None:
    """为一次已审核且发现问题的检查出具责令限期整改通知书（首次出具时编号）。"""
    store = app.store()
    chosen = generate.parse_formats(formats)
    written = generate.write_notice(
        store, _full_id(store, inspection_id), out_dir, chosen, actor=actor
    )
    _say(generate.advisories(store, chosen))
    click.echo(f"整改通知书 {written.number}：")
    for path in written.paths:
        click.echo(f"  {path}")


@click.command()
@click.option(
    "--status",
    type=click.Choice(["approved"]),
    default="approved",
    show_default=True,
    help="只为该状态的检查出具（目前只能是已审核）",
)
@click.option(
    "--format", "formats", default="pdf,docx", show_default=True, help="pdf、docx，或 pdf,docx"
)
@OUT
@ACTOR
@pass_app
def notices(app: AppContext, status: str, formats: str, out_dir: Path, actor: str) -> None:
    """批量出具：为所有已审核且发现问题的检查生成整改通知书，显示进度。"""
    store = app.store()
    chosen = generate.parse_formats(formats)
    ids = numbering.candidate_ids(store)
    if not ids:
        click.echo("没有需要出具整改通知书的检查（已审核且发现问题）。")
        return
    with terminal_job("生成整改通知书") as job:
        result = generate.generate_batch(
            store, out_dir, chosen, actor=actor, job=job, inspection_ids=ids
        )
    _say(result.notes)
    files = sum(len(w.paths) for w in result.written)
    click.echo(f"已生成整改通知书 {len(result.written)} 份（{files} 个文件），保存在 {out_dir}")
    for inspection_id, message in result.failed:
        click.echo(f"未生成：{inspection_id}：{message}", err=True)
    if result.failed:
        sys.exit(1)


@click.command()
@click.argument("inspection_id")
@click.option(
    "--kind",
    type=click.Choice(["record", "report"]),
    default="report",
    show_default=True,
    help="record：现场检查记录；report：检查报告（含全部答案、证据指纹和照片）",
)
@click.option(
    "--format", "formats", default="pdf", show_default=True, help="pdf、docx，或 pdf,docx"
)
@OUT
@pass_app
def document(app: AppContext, inspection_id: str, kind: str, formats: str, out_dir: Path) -> None:
    """生成一次检查的现场检查记录或检查报告。"""
    store = app.store()
    write = generate.write_record if kind == "record" else generate.write_report
    chosen = generate.parse_formats(formats)
    for path in write(store, _full_id(store, inspection_id), out_dir, chosen):
        click.echo(str(path))
    _say(generate.advisories(store, chosen, notice=False))


@click.command("notice-settings")
@click.option("--prefix", default=None, help="机关代字，例如 X民社整")
@click.option("--pattern", default=None, help="编号格式，默认 {prefix}〔{year}〕{n}号")
@click.option("--authority", default=None, help="发文机关名称（空则用检查对象的登记管理机关）")
@click.option("--contact", default=None, help="联系人")
@click.option("--phone", default=None, help="联系电话")
@click.option("--address", default=None, help="机关地址")
@click.option(
    "--remedies/--no-remedies",
    default=None,
    help="通知书是否载明申请行政复议、提起行政诉讼的途径和期限（默认载明）",
)
@click.option(
    "--review-body", default=None, help="行政复议机关，通常为本级人民政府，例如 某市人民政府"
)
@ACTOR
@pass_app
def notice_settings(app: AppContext, /, actor: str, **changes: str | bool | None) -> None:
    """查看或修改整改通知书的编号格式、发文机关和联系方式。"""
    store = app.store()
    current = numbering.load_settings(store)
    given: dict[str, Any] = {k: v for k, v in changes.items() if v is not None}
    if given:
        current = dataclasses.replace(current, **given)
        numbering.save_settings(store, current, actor=actor)
    for field in dataclasses.fields(current):
        click.echo(f"{field.name} = {getattr(current, field.name)}")


@click.command("notice-reissue")
@click.argument("inspection_id")
@click.option("--reason", required=True, help="重新出具的理由（写入审计日志）")
@click.option(
    "--format", "formats", default="pdf", show_default=True, help="pdf、docx，或 pdf,docx"
)
@OUT
@ACTOR
@pass_app
def notice_reissue(
    app: AppContext, inspection_id: str, reason: str, formats: str, out_dir: Path, actor: str
) -> None:
    """重新出具整改通知书：新编号，载明所替代的原通知书（未送达的才能重新出具）。"""
    store = app.store()
    chosen = generate.parse_formats(formats)
    written = generate.reissue_notice(
        store, _full_id(store, inspection_id), out_dir, chosen, reason=reason, actor=actor
    )
    click.echo(f"已重新出具整改通知书 {written.number}：")
    for path in written.paths:
        click.echo(f"  {path}")
    _say(generate.advisories(store, chosen))


@click.command("notice-authority")
@click.option("--name", required=True, help="发文机关名称，例如 某市民政局")
@click.option("--code", required=True, help="机关代字（本机关编号序列），例如 X民社整")
@click.option("--review-body", default="", help="该机关通知书的行政复议机关，例如 某市人民政府")
@click.option("--contact", default="", help="联系人")
@click.option("--phone", default="", help="联系电话")
@click.option("--address", default="", help="机关地址")
@ACTOR
@pass_app
def notice_authority(app: AppContext, /, actor: str, **given: str) -> None:
    """设置发文机关：机关代字（各机关各自按年编号）、复议机关和联系方式。"""
    store = app.store()
    authorities.save(store, authorities.Authority(**given), actor=actor)
    for found in authorities.listed(store):
        click.echo(f"{found.code}  {found.name}  复议机关：{found.review_body or '（未设置）'}")


@click.command("notice-numbers")
@click.option("--code", required=True, help="机关代字")
@click.option("--year", type=int, default=None, help="年份（默认今年）")
@click.option("--count", type=int, default=20, show_default=True, help="预留多少个编号")
@click.option("--server", "server_url", default=None, help="中心服务器地址（默认已保存的）")
@ACTOR
@pass_app
def notice_numbers(
    app: AppContext, code: str, year: int | None, count: int, server_url: str | None, actor: str
) -> None:
    """联网向中心服务器预留一段通知书编号，离线出具时从中取号（两台设备不会重号）。"""
    store = app.store()
    year = year or today().year
    try:
        block = reserve_notice_numbers(SyncClient(store, server_url), code, year, count)
    except SyncError as exc:
        raise UserError(f"未能预留编号：{exc}") from exc
    authorities.add_block(
        store, block.authority_code, block.year, block.first, block.last, actor=actor
    )
    left = authorities.remaining(store, code, year)
    click.echo(
        f"已预留 {code}〔{year}〕{block.first}–{block.last}号；本机尚可离线使用 {left} 个编号"
    )


@click.command("notice-served")
@click.argument("inspection_id")
@click.option(
    "--at", "served_at", required=True, help="送达时间（北京时间），例如 2026-12-02 10:30"
)
@click.option(
    "--method",
    type=click.Choice([m.value for m in service.Method]),
    required=True,
    help="direct 直接送达、left 留置送达、post 邮寄送达、electronic 电子送达、"
    "entrusted 委托送达、public 公告送达",
)
@click.option("--recipient", default="", help="签收人（法定代表人、负责人、负责收件的人或代收人）")
@click.option("--proxy-reason", default="", help="由代收人签收的，代收理由")
@click.option("--witness", default="", help="留置送达的见证人")
@click.option("--consent", default="", help="电子送达：受送达人同意电子送达的确认书及送达地址")
@click.option("--published-on", default=None, help="公告送达：公告发布日期，例如 2026-12-02")
@click.option(
    "--server", "servers", multiple=True, help="送达人，须两人：--server 张明 --server 李华"
)
@ACTOR
@pass_app
def notice_served(
    app: AppContext,
    inspection_id: str,
    served_at: str,
    method: str,
    recipient: str,
    proxy_reason: str,
    witness: str,
    consent: str,
    published_on: str | None,
    servers: tuple[str, ...],
    actor: str,
) -> None:
    """登记整改通知书的送达（时间、方式、签收人、送达人），并据此计算整改期限。"""
    store = app.store()
    full = _full_id(store, inspection_id)
    given = service.ServiceInput(
        served_at=_moment(served_at, "--at"),
        method=service.Method(method),
        servers=servers,
        recipient=recipient,
        proxy_reason=proxy_reason,
        witness=witness,
        consent=consent,
        published_on=_moment(published_on, "--published-on").date() if published_on else None,
    )
    done = service.record(store, full, given, actor=actor)
    click.echo(
        f"已登记送达：{service.METHOD_LABELS[service.Method(done.method)]}，{done.served_on}"
    )
    for finding in findings.of_inspection(store, full):
        if finding.deadline:
            click.echo(f"  整改期限：{finding.deadline}  {finding.description}")
    _say([note for note in [service.holiday_warning(store, full)] if note])


@click.command("notices-unserved")
@click.option("--days", type=int, default=None, help="出具后超过多少天未送达（默认取设置，7天）")
@pass_app
def notices_unserved(app: AppContext, days: int | None) -> None:
    """列出出具后超过规定天数仍未登记送达的整改通知书。"""
    store = app.store()
    limit = days if days is not None else numbering.load_settings(store).serve_within_days
    late = service.unserved(store, older_than_days=limit)
    if not late:
        click.echo(f"没有出具超过{limit}天仍未送达的整改通知书。")
        return
    click.echo(f"出具超过{limit}天仍未登记送达的整改通知书 {len(late)} 份：")
    for number in late:
        click.echo(f"  {number}")


def _moment(text: str, option: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise UserError(f"{option} 的时间“{text}”无法识别，请写成 2026-12-02 10:30") from None


def _say(notes: list[str]) -> None:
    """Warnings, once per command, on stderr so that scripts reading stdout are not disturbed."""
    for note in notes:
        click.echo(note, err=True)


def _full_id(store: Store, given: str) -> str:
    """An inspection id, or a unique prefix of one (at least 6 characters)."""
    if len(given) < 6:
        raise UserError(f"检查记录编号太短：{given}（至少输入前6位）")
    found = inspections.ids_starting_with(store, given, limit=2)
    if not found:
        raise UserError(f"找不到检查记录：{given}")
    if len(found) > 1:
        raise UserError(f"检查记录编号“{given}”对应多条记录，请多输入几位")
    return found[0]
