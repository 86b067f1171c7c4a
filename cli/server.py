"""``inspector server ...``: run the reference central server and administer its data folder."""

import csv
import functools
import json
import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from checklists.library import builtin_paths, canonical_json, content_hash
from checklists.loader import load_file
from inspector.clock import utc_now
from inspector.credit_code import validate
from inspector.errors import UserError
from inspector.model import RegistrationStatus
from inspector.register_values import BadValue, parse_registration_status
from sync.server import accounts, bundles, catalog, uploads
from sync.server.errors import ApiError
from sync.server.proxies import TRUSTED_PROXIES_ENV, TrustedProxies
from sync.server.storage import DATABASE_ENV, ServerStore

ORG_NAMESPACE = uuid.UUID("6f1c4b1e-4a59-4d8e-9d0e-2f3d6f2b9a11")
_data = click.option(
    "--data",
    "data_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="服务器数据目录（照片文件；默认数据库 server.db 也在这里）",
)
_database = click.option(
    "--database",
    default=None,
    envvar=DATABASE_ENV,
    help="PostgreSQL 连接串 postgresql://…（默认用数据目录中的 SQLite）",
)


def data_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--data`` and ``--database`` on every command, passed on as one ``store`` argument."""

    @_data
    @_database
    @functools.wraps(command)
    def wrapper(data_dir: Path, database: str | None, **kwargs: Any) -> Any:
        store = ServerStore(data_dir, database)
        try:
            return command(store=store, **kwargs)
        finally:
            store.close()

    return wrapper


@click.group()
def server() -> None:
    """中心服务器（参考实现）：运行与管理。"""


@server.command()
@_data
@_database
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8730, show_default=True, type=int, help="监听端口")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="工作进程数"
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    help="受信任的反向代理地址或网段（可多次给出）；只采信它转发的 X-Forwarded-For / X-Real-IP"
    f"（也可用环境变量 {TRUSTED_PROXIES_ENV}，以逗号分隔）",
)
def run(
    data_dir: Path,
    database: str | None,
    host: str,
    port: int,
    workers: int,
    trusted_proxies: tuple[str, ...],
) -> None:
    """运行同步服务器（HTTP，接口前缀 /api/v1）。"""
    from sync.server.run import serve

    try:
        TrustedProxies(trusted_proxies)
        TrustedProxies.from_text(os.environ.get(TRUSTED_PROXIES_ENV, ""))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--trusted-proxy") from exc
    click.echo(f"同步服务器运行于 http://{host}:{port}/api/v1 （接口文档 /api/v1/docs）")
    serve(data_dir, host, port, database=database, workers=workers, trusted_proxies=trusted_proxies)


@server.group()
def user() -> None:
    """用户管理。"""


@user.command("add")
@data_option
@click.argument("name")
@click.option(
    "--role", required=True, type=click.Choice(["inspector", "supervisor", "admin"]), help="角色"
)
@click.option("--roster-id", default=None, help="对应的执法人员名录 id")
@click.option("--quota-gb", default=None, type=click.FloatRange(0), help="上传文件配额（GB）")
def user_add(
    store: ServerStore, name: str, role: str, roster_id: str | None, quota_gb: float | None
) -> None:
    """添加用户或重设密码；密码从标准输入读取一行。"""
    password = sys.stdin.readline().rstrip("\r\n")
    quota = None if quota_gb is None else int(quota_gb * 2**30)
    try:
        accounts.add_user(store, name, role, password, roster_id, quota)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    click.echo(f"已保存用户 {name}（{role}）")


@user.command("disable")
@data_option
@click.argument("name")
def user_disable(store: ServerStore, name: str) -> None:
    """停用用户：不能再登录或同步；各设备下次联网时删除其在本机的登录（user add 重新启用）。"""
    try:
        accounts.disable_user(store, name)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    click.echo(f"已停用用户 {name}")


@user.command("link")
@data_option
@click.argument("name")
@click.argument("roster_id")
def user_link(store: ServerStore, name: str, roster_id: str) -> None:
    """把用户与执法人员名录中的一人对应（列出此人的检查记录归该用户）。"""
    try:
        accounts.link_roster(store, name, roster_id)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    click.echo(f"已将用户 {name} 对应到执法人员 {roster_id}")


@server.command("revoke-device")
@data_option
@click.argument("device_id")
def revoke_device(store: ServerStore, device_id: str) -> None:
    """吊销一台设备的全部登录令牌（设备丢失时使用）。"""
    count = accounts.revoke_device(store, device_id)
    click.echo(f"已吊销 {count} 个令牌")


@server.command("load-register")
@data_option
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_register(store: ServerStore, source: Path) -> None:
    """发布社会组织名录（JSON 列表或带表头的 CSV，列名同本机数据库）。"""
    records = [_organization(row) for row in _read_rows(source)]
    count = catalog.publish_many(store, "organization", records)
    click.echo(f"已发布 {count} 个社会组织")


@server.command("load-roster")
@data_option
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_roster(store: ServerStore, source: Path) -> None:
    """发布执法人员名录（JSON 列表或 CSV：id,name,certificate_no,unit,role）。"""
    records = [{"active": 1, "unit": "", "role": "inspector", **row} for row in _read_rows(source)]
    count = catalog.publish_many(store, "roster", records)
    click.echo(f"已发布 {count} 名执法人员")


@server.command("load-checklists")
@data_option
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--builtin", is_flag=True, help="发布内置的检查表")
def load_checklists(store: ServerStore, sources: tuple[Path, ...], builtin: bool) -> None:
    """发布检查表（YAML 文件）。"""
    paths = [*sources, *(builtin_paths() if builtin else [])]
    records = []
    for path in paths:
        checklist = load_file(path).checklist
        records.append(
            {
                **checklist.model_dump(mode="json", include={"id", "version", "title", "kind"}),
                "applies_to": checklist.model_dump(mode="json")["applies_to"],
                "effective_date": str(checklist.effective_date),
                "definition": canonical_json(checklist),
                "content_hash": content_hash(checklist),
            }
        )
    count = catalog.publish_many(
        store, "checklist", records, key=lambda r: f"{r['id']}@{r['version']}"
    )
    click.echo(f"已发布 {count} 个检查表版本")


@server.command("set-registration")
@data_option
@click.argument("credit_code")
@click.argument("status", type=click.Choice([s.value for s in RegistrationStatus]))
def set_registration(store: ServerStore, credit_code: str, status: str) -> None:
    """更改已发布社会组织的登记状态（如 deregistered 已注销），设备下次同步时更新。"""
    code = validate(credit_code)
    try:
        catalog.set_registration(store, code, status)
    except ApiError as exc:
        raise UserError(exc.detail) from exc
    click.echo(f"社会组织 {code} 的登记状态已改为“{RegistrationStatus(status).label}”")


@server.command("remove-org")
@data_option
@click.argument("credit_code")
@click.option("--reason", required=True, help="删除理由（如：误录）")
def remove_org(store: ServerStore, credit_code: str, reason: str) -> None:
    """从发布的名录中删除一个社会组织（误录时使用）；注销请用 set-registration。"""
    code = validate(credit_code)
    try:
        catalog.remove_organization(store, code, reason)
    except ApiError as exc:
        raise UserError(exc.detail) from exc
    click.echo(f"已从名录中删除社会组织 {code}")


@server.command("add-task")
@data_option
@click.option("--org", "credit_code", required=True, help="被检查组织的统一社会信用代码")
@click.option("--checklist", "checklist_id", required=True, help="检查表 id")
@click.option("--inspector", "inspectors", multiple=True, required=True, help="检查人员用户名")
@click.option("--due", default="", help="完成期限 YYYY-MM-DD")
def add_task(
    store: ServerStore, credit_code: str, checklist_id: str, inspectors: tuple[str, ...], due: str
) -> None:
    """创建检查任务并分配给检查人员（至少两人）。"""
    if len(set(inspectors)) < 2:
        raise UserError("现场检查任务至少分配给两名检查人员")
    code = validate(credit_code)
    task = {
        "id": str(uuid.uuid4()),
        "organization_id": str(uuid.uuid5(ORG_NAMESPACE, code)),
        "organization_credit_code": code,
        "checklist_id": checklist_id,
        "due_date": due,
        "status": "open",
        "campaign_id": None,
        "created_at": utc_now(),
    }
    try:
        catalog.add_task(store, task, list(inspectors))
    except ApiError as exc:
        raise UserError(exc.detail) from exc
    click.echo(task["id"])


@server.command()
@data_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def stats(store: ServerStore, as_json: bool) -> None:
    """统计：检查记录、问题、附件数与字节数。"""
    counts = bundles.stats(store)
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False))
        return
    for key, value in counts.items():
        click.echo(f"{key}\t{value}")


@server.command("audit")
@data_option
@click.option("--user", "username", default=None, help="只列出该用户的操作")
@click.option(
    "--limit", default=200, show_default=True, type=click.IntRange(1), help="最多列出条数"
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（每行一条）")
def audit_list(store: ServerStore, username: str | None, limit: int, as_json: bool) -> None:
    """列出服务器接受的写操作：谁（用户、设备）、何时、从哪里、做了什么（最新的在前）。"""
    for entry in bundles.audit_entries(store, username, limit):
        if as_json:
            click.echo(json.dumps(entry, ensure_ascii=False))
        else:
            click.echo("\t".join(str(entry[k]) for k in AUDIT_COLUMNS))


@server.command("clean-partial")
@data_option
@click.option("--days", default=14.0, show_default=True, type=click.FloatRange(0), help="保留天数")
def clean_partial(store: ServerStore, days: float) -> None:
    """删除长期未续传的半截上传文件（以及已完整保存的文件留下的半截副本）。"""
    removed = uploads.clean_partials(store, days * 86400)
    click.echo(f"已清理 {removed} 个未完成的上传")


@server.command("backup")
@data_option
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def backup_command(store: ServerStore, target: Path) -> None:
    """备份数据库（SQLite 备份接口或 pg_dump）和照片文件到一个新目录。"""
    from sync.server import backup

    try:
        manifest = backup.backup(store, target)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    click.echo(f"已备份到 {target}：数据库（{manifest['engine']}）与 {manifest['files']} 个文件")


@server.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_data
@_database
def restore_command(source: Path, data_dir: Path, database: str | None) -> None:
    """从备份恢复到新的数据目录（及新的空数据库），并逐个核对文件的大小与 SHA-256。"""
    from sync.server import backup

    try:
        restored = backup.restore(source, data_dir, database)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    click.echo(f"已恢复到 {data_dir}：{restored.files} 个文件（{restored.bytes} 字节）均已核对")


AUDIT_COLUMNS = ("at", "username", "device_id", "address", "action", "target", "detail")


def _read_rows(source: Path) -> list[dict[str, Any]]:
    text = source.read_text(encoding="utf-8-sig")
    if source.suffix.lower() == ".json":
        rows = json.loads(text)
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise UserError(f"{source} 应为 JSON 对象列表")
        return rows
    return list(csv.DictReader(text.splitlines()))


def _organization(row: dict[str, Any]) -> dict[str, Any]:
    code = validate(str(row.get("credit_code", "")))
    if not str(row.get("name", "")).strip() or not row.get("kind"):
        raise UserError(f"社会组织 {code} 缺少名称或类型（kind）")
    record = {**row, "credit_code": code, "id": str(uuid.uuid5(ORG_NAMESPACE, code))}
    if "registration_status" in row:  # 已注销, 注销 … → the stored value devices understand
        try:
            record["registration_status"] = parse_registration_status(
                row["registration_status"]
            ).value
        except BadValue as exc:
            raise UserError(f"社会组织 {code}：{exc}") from exc
    return record
