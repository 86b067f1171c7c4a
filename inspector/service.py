"""送达 of rectification notices: how, when and on whom a notice was served, and what follows.

The rectification period runs from service, not from the inspection: "自收到本通知书之日起N日内".
Recording the service (one per inspection, in one transaction with its audit entry) fixes each
finding's deadline by the period rule (``deadlines.from_service``). Until then the finding has
no deadline and shows 待送达.

Methods and what each needs follow 民事诉讼法 第八十七条至第九十一条、第九十五条 (to which 行政处罚法
第六十一条 points for service): a 送达回证 signed by the recipient, or the person receiving for
an organization (法定代表人、主要负责人或者负责收件的人; a 代收人 with the reason); 留置送达 with a
witness; 电子送达 only with the recipient's consent; 邮寄送达 on the date of the postal receipt;
委托送达; 公告送达 deemed served thirty days after publication.
"""

import json
import sqlite3
import uuid
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from inspector import audit, deadlines, findings, holiday_schedule, notices
from inspector.clock import OFFICE_TZ, to_local, utc_now
from inspector.errors import UserError
from inspector.store import Store

PUBLICATION_DAYS = 30  # 民事诉讼法 第九十五条: 自发出公告之日起，经过三十日，即视为送达


class Method(StrEnum):
    DIRECT = "direct"
    LEFT = "left"
    POST = "post"
    ELECTRONIC = "electronic"
    ENTRUSTED = "entrusted"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return METHOD_LABELS[self]


METHOD_LABELS = {
    Method.DIRECT: "直接送达",
    Method.LEFT: "留置送达",
    Method.POST: "邮寄送达",
    Method.ELECTRONIC: "电子送达",
    Method.ENTRUSTED: "委托送达",
    Method.PUBLIC: "公告送达",
}


@dataclass(frozen=True)
class ServiceInput:
    """What the 送达人 record. ``served_at`` is local office time (naive or aware)."""

    served_at: datetime
    method: Method
    servers: tuple[str, ...]  # the two 送达人
    recipient: str = ""  # who signed, or for 公告送达 nobody
    proxy_reason: str = ""  # a 代收人 signed: why (e.g. 法定代表人不在，由办公室主任代收)
    witness: str = ""  # 留置送达: the witness present
    consent: str = ""  # 电子送达: the recorded consent (确认书) and the address used
    published_on: date | None = None  # 公告送达: the day the 公告 was published


@dataclass(frozen=True)
class Service:
    id: str
    inspection_id: str
    notice_id: str
    served_at: str  # UTC ISO; for 公告送达 the day it is deemed served
    method: str
    recipient: str
    proxy_reason: str
    witness: str
    consent: str
    published_on: str
    servers: str  # JSON list of the two 送达人
    recorded_by: str
    recorded_at: str

    @property
    def served_on(self) -> date:
        return to_local(self.served_at).date()

    @property
    def server_names(self) -> list[str]:
        return list(json.loads(self.servers))


def record(store: Store, inspection_id: str, given: ServiceInput, *, actor: str) -> Service:
    """Record the service of the inspection's notice and fix its findings' deadlines.

    Refused in Chinese, naming the field, and nothing changes: no notice issued, already
    served, a time before the issue or in the future, a missing witness, consent, recipient,
    publication date or second 送达人.
    """
    issued = notices.latest(store, inspection_id)
    if issued is None:
        raise UserError("该次检查尚未出具整改通知书，不能登记送达")
    served_at = _served_moment(given)
    _check(given, served_at, issued.issued_at)
    settings = notices.load_settings(store)
    with store.transaction() as conn:
        if _get(conn, inspection_id) is not None:
            raise UserError(f"整改通知书 {issued.number} 已登记送达，不能重复登记")
        service = Service(
            id=str(uuid.uuid4()),
            inspection_id=inspection_id,
            notice_id=issued.id,
            served_at=served_at.astimezone(UTC).isoformat(timespec="seconds"),
            method=given.method.value,
            recipient=given.recipient.strip(),
            proxy_reason=given.proxy_reason.strip(),
            witness=given.witness.strip(),
            consent=given.consent.strip(),
            published_on=given.published_on.isoformat() if given.published_on else "",
            servers=json.dumps([name.strip() for name in given.servers], ensure_ascii=False),
            recorded_by=actor,
            recorded_at=utc_now(),
        )
        row = asdict(service)
        conn.execute(
            f"INSERT INTO notice_services ({', '.join(row)})"
            f" VALUES ({', '.join(':' + key for key in row)})",
            row,
        )
        audit.record(
            conn,
            actor=actor,
            entity="notice",
            entity_id=issued.id,
            action="serve",
            new=row,
        )
        served_on = served_at.astimezone(OFFICE_TZ).date()
        calendar = holiday_schedule.calendar(conn)
        for finding_id, days, old in conn.execute(
            "SELECT id, rectification_days, deadline FROM findings"
            " WHERE inspection_id = ? AND rectification_days > 0",
            (inspection_id,),
        ).fetchall():
            due = deadlines.from_service(
                served_on, days, working_days=settings.working_days, calendar=calendar
            )
            conn.execute(
                "UPDATE findings SET deadline = ? WHERE id = ?", (due.isoformat(), finding_id)
            )
            audit.record(
                conn,
                actor=actor,
                entity="finding",
                entity_id=finding_id,
                action="deadline_from_service",
                old={"deadline": old},
                new={"deadline": due.isoformat(), "served_on": served_on.isoformat()},
            )
    return service


def holiday_warning(store: Store, inspection_id: str) -> str:
    """A warning when a deadline fixed by service falls in a year without holiday data:
    neither ``chinesecalendar`` nor the office's recorded schedule (``holiday_schedule``)."""
    calendar = holiday_schedule.calendar(store)
    unknown = sorted(
        {
            finding.deadline[:4]
            for finding in findings.of_inspection(store, inspection_id)
            if finding.deadline
            and not deadlines.holidays_known(date.fromisoformat(finding.deadline), calendar)
        }
    )
    if not unknown:
        return ""
    years = "、".join(unknown)
    return (
        f"提示：节假日数据尚未包含{years}年，整改期限只避开了周六、周日，未按法定节假日顺延；"
        f"请核对，或登记国务院公布的{years}年节假日安排（inspector holidays import 文件）。"
    )


def of(store: Store, inspection_id: str) -> Service | None:
    """The recorded service of the inspection's notice, if any."""
    return _get(store.db.conn, inspection_id)


def unserved(store: Store, *, older_than_days: int, on: date | None = None) -> list[str]:
    """Numbers of notices issued at least ``older_than_days`` ago that are not yet served."""
    limit = (on or datetime.now(OFFICE_TZ).date()) - timedelta(days=older_than_days)
    rows = store.db.conn.execute(
        "SELECT n.number, MIN(n.issued_at) FROM notices n"
        " WHERE NOT EXISTS (SELECT 1 FROM notice_services s WHERE s.inspection_id = n.inspection_id)"
        " GROUP BY n.inspection_id, n.number ORDER BY MIN(n.issued_at)"
    ).fetchall()
    return [number for number, issued_at in rows if to_local(issued_at).date() <= limit]


def _get(conn: sqlite3.Connection, inspection_id: str) -> Service | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM notice_services WHERE inspection_id = ?", (inspection_id,)
    ).fetchone()
    return Service(*row) if row else None


_COLUMNS = ", ".join(f.name for f in fields(Service))


def _served_moment(given: ServiceInput) -> datetime:
    if given.method is Method.PUBLIC:
        if given.published_on is None:
            raise UserError("公告送达须填写公告发布日期（published_on）")
        deemed = given.published_on + timedelta(days=PUBLICATION_DAYS)
        return datetime.combine(deemed, datetime.min.time(), OFFICE_TZ)
    moment = given.served_at
    return moment if moment.tzinfo else moment.replace(tzinfo=OFFICE_TZ)


def _check(given: ServiceInput, served_at: datetime, issued_at: str) -> None:
    issued = datetime.fromisoformat(issued_at)
    minute = issued.replace(second=0, microsecond=0)  # service is recorded to the minute
    if served_at < minute and given.method is not Method.PUBLIC:
        raise UserError(
            f"送达时间（served_at）{served_at.astimezone(OFFICE_TZ):%Y-%m-%d %H:%M} "
            f"早于通知书出具时间 {issued.astimezone(OFFICE_TZ):%Y-%m-%d %H:%M}"
        )
    published = given.published_on
    if published is not None and published < issued.astimezone(OFFICE_TZ).date():
        raise UserError("公告发布日期（published_on）早于通知书出具日期")
    if given.method is not Method.PUBLIC and served_at > datetime.now(UTC) + timedelta(hours=1):
        raise UserError("送达时间（served_at）不能晚于现在")
    servers = [name.strip() for name in given.servers]
    if len(servers) != 2 or not all(servers) or servers[0] == servers[1]:
        raise UserError("须填写两名不同的送达人（servers）")
    needs = {
        Method.LEFT: (
            "witness",
            "留置送达须填写见证人（witness）：邀请有关基层组织或者所在单位的代表到场",
        ),
        Method.ELECTRONIC: ("consent", "电子送达须记录受送达人同意电子送达的确认（consent）"),
    }
    if given.method in needs:
        field, message = needs[given.method]
        if not getattr(given, field).strip():
            raise UserError(message)
    if given.method is not Method.PUBLIC and not given.recipient.strip():
        raise UserError("须填写签收人（recipient）：法定代表人、主要负责人、负责收件的人或代收人")
