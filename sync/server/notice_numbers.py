"""Notice numbers handed out by the office, so two devices can never issue the same number.

Numbers are counted per (authority code, year). A reservation takes the next ``count`` numbers
in the very transaction that raises the stored high-water mark, so concurrent requests (in any
worker process) get disjoint blocks in increasing order, and no number is ever handed out twice.
"""

from sync.protocol import NoticeNumberBlock, NoticeNumberRequest
from sync.server.errors import ApiError
from sync.server.storage import ServerStore, User, audit


def reserve(store: ServerStore, user: User, request: NoticeNumberRequest) -> NoticeNumberBlock:
    """The next ``request.count`` numbers for this authority and year (supervisors, admins)."""
    if user.is_inspector:
        raise ApiError(403, "forbidden", "只有科室负责人或管理员可以领取文书编号")
    with store.transaction() as conn:
        row = conn.execute(
            "INSERT INTO notice_numbers (authority_code, year, last_number) VALUES (?, ?, ?)"
            " ON CONFLICT (authority_code, year)"
            " DO UPDATE SET last_number = notice_numbers.last_number + excluded.last_number"
            " RETURNING last_number",
            (request.authority_code, request.year, request.count),
        ).fetchone()
        last = int(row[0])
        target = f"{request.authority_code}/{request.year}"
        audit(conn, user, "notice_numbers", target, f"{last - request.count + 1}-{last}")
    return NoticeNumberBlock(
        authority_code=request.authority_code,
        year=request.year,
        first=last - request.count + 1,
        last=last,
    )
