"""The device side of office-issued notice numbers: reserve a block of numbers on the server.

A device (a supervisor's, or one preparing for offline work) reserves a block and then draws
numbers from it locally; the server guarantees that no two blocks overlap.
"""

from dataclasses import dataclass

from sync.client import SyncClient
from sync.protocol import NoticeNumberBlock
from sync.transport import Rejected, SyncError, Transport


@dataclass(frozen=True)
class NumberBlock:
    """Notice numbers ``first``..``last`` (inclusive) of one authority and year."""

    authority_code: str
    year: int
    first: int
    last: int


def reserve_notice_numbers(
    client_or_session: SyncClient | Transport, authority_code: str, year: int, count: int
) -> NumberBlock:
    """Reserve the next ``count`` numbers; raises ``SyncError`` (Chinese message) on refusal.

    ``LoginRequired`` (a ``SyncError``) means the token must be renewed; an unreachable server
    is a ``SyncError`` too, so the caller can say "no numbers now" and keep its own work.
    """
    transport = (
        client_or_session.transport
        if isinstance(client_or_session, SyncClient)
        else client_or_session
    )
    request = {"authority_code": authority_code, "year": year, "count": count}
    try:  # the server validates (one place for the limits, a Chinese message either way)
        body = transport.call("POST", "/notice-numbers", json=request)
    except Rejected as exc:
        raise SyncError(exc.message) from exc
    block = NoticeNumberBlock(**body)
    return NumberBlock(block.authority_code, block.year, block.first, block.last)
