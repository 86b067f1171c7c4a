"""The organization's confirmation of the on-site record 现场检查记录, and completing with it.

At 完成检查 the record is shown to the organization's person on site, who confirms it with
their name and a drawn signature (kept as a PNG by SHA-256 like any evidence). When that cannot
be had the reason is recorded instead: 拒绝签字 (with a witness) or 当事人不在场. An on-site
inspection is completed only together with one of these (``complete_on_site``, one
transaction); 稍后确认 leaves it a draft, so the way back to signing is 完成检查 again.
"""

from dataclasses import dataclass
from enum import StrEnum

from inspector import audit
from inspector.attachments import read_bytes, store_bytes
from inspector.clock import utc_now
from inspector.errors import UserError
from inspector.inspections import complete_in, status_of
from inspector.lifecycle import EDITABLE_INSPECTION
from inspector.store import Store

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Outcome(StrEnum):
    SIGNED = "signed"  # read and signed by the person on site
    REFUSED = "refused"  # 拒绝签字: the refusal is witnessed
    ABSENT = "absent"  # 当事人不在场: nobody could sign, and why


@dataclass(frozen=True)
class OnSite:
    """What happened when the record was shown (what the inspector enters)."""

    outcome: Outcome
    representative: str = ""
    signature_png: bytes = b""
    witness: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Confirmation:
    inspection_id: str
    representative: str
    signature_sha256: str  # '' when nobody signed
    confirmed_at: str
    outcome: Outcome = Outcome.SIGNED
    witness: str = ""
    reason: str = ""

    @property
    def statement(self) -> str:
        """The line the record carries in the organization's signature box."""
        if self.outcome is Outcome.REFUSED:
            who = f"{self.representative}" if self.representative else "当事人"
            return f"{who}拒绝签字（{self.reason}）。见证人：{self.witness}"
        if self.outcome is Outcome.ABSENT:
            return f"当事人不在场，未能签字（{self.reason}）"
        return f"{self.representative}（已在现场电子签名，见下图）"


def check(on_site: OnSite) -> None:
    """A Chinese ``UserError`` naming what is missing."""
    if on_site.outcome is Outcome.SIGNED:
        if not on_site.representative.strip():
            raise UserError("请填写被检查单位在场人员的姓名")
        if not on_site.signature_png.startswith(PNG_MAGIC):
            raise UserError("请在签名区签名后再确认")
    elif on_site.outcome is Outcome.REFUSED:
        if not on_site.witness.strip():
            raise UserError("当事人拒绝签字的，请填写见证人姓名")
        if not on_site.reason.strip():
            raise UserError("请写明当事人拒绝签字的情况")
    elif not on_site.reason.strip():
        raise UserError("请写明当事人不在场的情况")


def complete_on_site(store: Store, inspection_id: str, on_site: OnSite, *, actor: str) -> None:
    """Record what happened with the on-site record and complete the inspection, together."""
    check(on_site)
    digest = store_bytes(store, on_site.signature_png) if on_site.signature_png else ""
    confirmation = Confirmation(
        inspection_id,
        on_site.representative.strip(),
        digest,
        utc_now(),
        on_site.outcome,
        on_site.witness.strip(),
        on_site.reason.strip(),
    )
    with store.transaction() as conn:
        status = status_of(conn, inspection_id)
        if status not in EDITABLE_INSPECTION:
            raise UserError(f"检查记录{status.label}，现场检查记录已确认或已处理")
        row = {**confirmation.__dict__, "outcome": confirmation.outcome.value}
        old = conn.execute(
            "DELETE FROM onsite_confirmations WHERE inspection_id = ? RETURNING *",
            (inspection_id,),
        ).fetchone()  # a returned record is shown and confirmed again
        conn.execute(
            "INSERT INTO onsite_confirmations (inspection_id, representative, signature_sha256,"
            " confirmed_at, outcome, witness, reason) VALUES (:inspection_id, :representative,"
            " :signature_sha256, :confirmed_at, :outcome, :witness, :reason)",
            row,
        )
        audit.record(
            conn,
            actor=actor,
            entity="inspection",
            entity_id=inspection_id,
            action="confirm_onsite_record",
            old={"replaced": list(old)} if old else None,
            new=row,
        )
        complete_in(conn, inspection_id, actor=actor)


def confirmation_of(store: Store, inspection_id: str) -> Confirmation | None:
    """The stored confirmation (or the recorded reason there is none), if any."""
    row = store.db.execute(
        "SELECT inspection_id, representative, signature_sha256, confirmed_at, outcome,"
        " witness, reason FROM onsite_confirmations WHERE inspection_id = ?",
        (inspection_id,),
    ).fetchone()
    if row is None:
        return None
    return Confirmation(row[0], row[1], row[2], row[3], Outcome(row[4]), row[5], row[6])


def signature_bytes(store: Store, confirmation: Confirmation) -> bytes:
    """The signature image (PNG) as stored."""
    return read_bytes(store, confirmation.signature_sha256)
