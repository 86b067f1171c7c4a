"""The representative's confirmation of the on-site record 现场检查记录.

After 完成检查 the record is shown to the organization's representative, who confirms it with
their name and a drawn signature; the signature is kept as a PNG by SHA-256 like any evidence.
"""

from dataclasses import dataclass

from inspector import audit
from inspector.attachments import read_bytes, store_bytes
from inspector.clock import utc_now
from inspector.errors import UserError
from inspector.inspections import status_of
from inspector.model import InspectionStatus
from inspector.store import Store

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Confirmation:
    inspection_id: str
    representative: str
    signature_sha256: str
    confirmed_at: str


def confirm(
    store: Store, inspection_id: str, *, representative: str, signature_png: bytes, actor: str
) -> Confirmation:
    """Record that ``representative`` read and signed the record of a completed inspection."""
    if not representative.strip():
        raise UserError("请填写被检查单位在场人员的姓名")
    if not signature_png.startswith(PNG_MAGIC):
        raise UserError("请在签名区签名后再确认")
    digest = store_bytes(store, signature_png)
    confirmation = Confirmation(inspection_id, representative.strip(), digest, utc_now())
    with store.transaction() as conn:
        if status_of(conn, inspection_id) is not InspectionStatus.COMPLETED:
            raise UserError("检查完成后才能由被检查单位确认现场检查记录")
        if conn.execute(
            "SELECT 1 FROM onsite_confirmations WHERE inspection_id = ?", (inspection_id,)
        ).fetchone():
            raise UserError("现场检查记录已经确认过，不能重复签名")
        row = confirmation.__dict__
        conn.execute(
            "INSERT INTO onsite_confirmations (inspection_id, representative, signature_sha256,"
            " confirmed_at) VALUES (:inspection_id, :representative, :signature_sha256,"
            " :confirmed_at)",
            row,
        )
        audit.record(
            conn,
            actor=actor,
            entity="inspection",
            entity_id=inspection_id,
            action="confirm_onsite_record",
            new=row,
        )
    return confirmation


def confirmation_of(store: Store, inspection_id: str) -> Confirmation | None:
    """The stored confirmation, if the representative has signed."""
    row = store.db.execute(
        "SELECT inspection_id, representative, signature_sha256, confirmed_at"
        " FROM onsite_confirmations WHERE inspection_id = ?",
        (inspection_id,),
    ).fetchone()
    return Confirmation(*row) if row else None


def signature_bytes(store: Store, confirmation: Confirmation) -> bytes:
    """The signature image (PNG) as stored."""
    return read_bytes(store, confirmation.signature_sha256)
