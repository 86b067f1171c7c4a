"""``inspector server ...``: run the reference central server and administer its data folder."""

import csv
import json
import sys
import uuid
from pathlib import Path
from typing import Any

import click

from checklists.library import builtin_paths, canonical_json, content_hash
from checklists.loader import load_file
from inspector.clock import utc_now
from inspector.credit_code import validate
from inspector.errors import UserError
from sync.server import accounts, bundles, catalog
from sync.server.errors import ApiError
from sync.server.storage import ServerStore

ORG_NAMESPACE = uuid.UUID("6f1c4b1e-4a59-4d8e-9d0e-2f3d6f2b9a11")
data_option = click.option(
    "--data",
    "data_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="服务器数据目录",
)


@click.group()
def server() -> None:
    """中心服务器（参考实现）：运行与管理。"""


@server.command()
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8730, show_default=True, type=int, help="监听端口")
def run(data_dir: Path, host: str, port: int) -> None:
    """运行同步服务器（HTTP，接口前缀 /api/v1）。"""
    from sync.server.run import serve

    click.echo(f"同步服务器运行于 http://{host}:{port}/api/v1 （接口文档 /api/v1/docs）")
    serve(data_dir, host, port)


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
def user_add(data_dir: Path, name: str, role: str, roster_id: str | None) -> None:
    """添加用户或重设密码；密码从标准输入读取一行。"""
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        accounts.add_user(_open(data_dir), name, role, password, roster_id)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    click.echo(f"已保存用户 {name}（{role}）")


@server.command("revoke-device")
@data_option
@click.argument("device_id")
def revoke_device(data_dir: Path, device_id: str) -> None:
    """吊销一台设备的全部登录令牌（设备丢失时使用）。"""
    count = accounts.revoke_device(_open(data_dir), device_id)
    click.echo(f"已吊销 {count} 个令牌")


@server.command("load-register")
@data_option
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_register(data_dir: Path, source: Path) -> None:
    """发布社会组织名录（JSON 列表或带表头的 CSV，列名同本机数据库）。"""
    records = [_organization(row) for row in _read_rows(source)]
    count = catalog.publish_many(_open(data_dir), "organization", records)
    click.echo(f"已发布 {count} 个社会组织")


@server.command("load-roster")
@data_option
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_roster(data_dir: Path, source: Path) -> None:
    """发布执法人员名录（JSON 列表或 CSV：id,name,certificate_no,unit,role）。"""
    records = [{"active": 1, "unit": "", "role": "inspector", **row} for row in _read_rows(source)]
    count = catalog.publish_many(_open(data_dir), "roster", records)
    click.echo(f"已发布 {count} 名执法人员")


@server.command("load-checklists")
@data_option
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--builtin", is_flag=True, help="发布内置的检查表")
def load_checklists(data_dir: Path, sources: tuple[Path, ...], builtin: bool) -> None:
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
        _open(data_dir), "checklist", records, key=lambda r: f"{r['id']}@{r['version']}"
    )
    click.echo(f"已发布 {count} 个检查表版本")


@server.command("add-task")
@data_option
@click.option("--org", "credit_code", required=True, help="被检查组织的统一社会信用代码")
@click.option("--checklist", "checklist_id", required=True, help="检查表 id")
@click.option("--inspector", "inspectors", multiple=True, required=True, help="检查人员用户名")
@click.option("--due", default="", help="完成期限 YYYY-MM-DD")
def add_task(
    data_dir: Path, credit_code: str, checklist_id: str, inspectors: tuple[str, ...], due: str
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
        catalog.add_task(_open(data_dir), task, list(inspectors))
    except ApiError as exc:
        raise UserError(exc.detail) from exc
    click.echo(task["id"])


@server.command()
@data_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def stats(data_dir: Path, as_json: bool) -> None:
    """统计：检查记录、问题、附件数与字节数。"""
    counts = bundles.stats(_open(data_dir))
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False))
        return
    for key, value in counts.items():
        click.echo(f"{key}\t{value}")


def _open(data_dir: Path) -> ServerStore:
    return ServerStore(data_dir)


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
    return {**row, "credit_code": code, "id": str(uuid.uuid5(ORG_NAMESPACE, code))}
