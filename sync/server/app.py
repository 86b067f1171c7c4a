"""The HTTP API (``/api/v1``), served by uvicorn. OpenAPI at ``/api/v1/openapi.json``.

Every failure is a JSON ``Problem`` with a Chinese ``detail``: validation errors are 422, an old
client gets 426 ("please update"), and no malformed request reaches a 500. JSON bodies are
bounded in size and nesting depth while they are read, before authentication, whatever the
headers claim (``BodyGuard``).
"""

import logging
import re
from collections.abc import AsyncIterator, MutableMapping, Sequence
from contextlib import asynccontextmanager
from itertools import accumulate
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.protocol import (
    API_PREFIX,
    CLIENT_VERSION_HEADER,
    MAX_ATTACHMENT_BYTES,
    MIN_CLIENT_VERSION,
    SHA256_PATTERN,
    UUID_PATTERN,
    AuditHead,
    BlobOffset,
    Bundle,
    ChangesPage,
    DeviceAccount,
    DeviceKey,
    DeviceSignIn,
    FieldChange,
    FieldChangeResult,
    FindingStatusChange,
    InspectionSummary,
    LoginRequest,
    LoginResponse,
    NoticeNumberBlock,
    NoticeNumberRequest,
    Problem,
    PushResult,
    ReviewRequest,
    ReviewResult,
    WithdrawRequest,
)
from sync.server import (
    accounts,
    bundles,
    catalog,
    field_changes,
    notice_numbers,
    reviews,
    uploads,
)
from sync.server.errors import ApiError
from sync.server.logs import log_request
from sync.server.proxies import TrustedProxies
from sync.server.storage import ServerStore, User

log = logging.getLogger(__name__)

MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_JSON_DEPTH = 32
AUDIT_HEAD_HEADER = "X-Inspector-Audit-Head"
PLEASE_UPDATE = "客户端版本过旧，服务器已不再支持，请更新“社会组织现场检查工具”到最新版本后再同步"
SERVER_FAULT = "服务器出错，已记录；请稍后重试，若持续出现请联系管理员"
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem} for status in (400, 401, 403, 404, 409, 413, 422, 426, 429, 500)
}
_HTTP_MESSAGES = {
    400: "请求格式不正确",
    404: "没有这个接口",
    405: "接口不支持这种请求方式",
    413: "请求体过大",
    415: "请求体类型不受支持",
}
_VERSION = re.compile(r"[0-9]{1,6}")
_HEAD = re.compile(r"^([0-9]{1,12}):([0-9a-f]{64})$")

bearer = HTTPBearer(auto_error=False)
InspectionId = Annotated[str, PathParam(pattern=UUID_PATTERN)]
FindingId = Annotated[str, PathParam(pattern=UUID_PATTERN)]
ChangeId = Annotated[str, PathParam(pattern=UUID_PATTERN)]
Sha256 = Annotated[str, PathParam(pattern=SHA256_PATTERN)]
Revision = Annotated[int, PathParam(ge=1, le=1_000_000)]


def create_app(
    data_dir: Path | str, database: str | None = None, trusted_proxies: Sequence[str] = ()
) -> FastAPI:
    """An app over the storage in ``data_dir`` (and ``database``, see ``ServerStore``);
    forwarded client addresses are believed from ``trusted_proxies`` only (``proxies``)."""
    proxies = TrustedProxies(trusted_proxies)
    store = ServerStore(data_dir, database)
    uploads.clean_partials(store)
    app = FastAPI(
        title="社会组织现场检查 同步服务",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=_warmed_up,
    )
    app.state.store = store
    app.state.proxies = proxies
    app.include_router(_router(store), prefix=API_PREFIX)
    app.include_router(_health_router(store), prefix=API_PREFIX)
    _install_guards(app)

    @app.api_route(
        "/api/{rest:path}",
        include_in_schema=False,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"],
    )
    def other_api_versions(rest: str) -> JSONResponse:
        if rest == "v1" or rest.startswith("v1/"):
            return _problem(404, "http", _HTTP_MESSAGES[404])
        return _problem(426, "upgrade_required", PLEASE_UPDATE)

    return app


@asynccontextmanager
async def _warmed_up(app: FastAPI) -> AsyncIterator[None]:
    """Before a worker takes its first request: FastAPI builds a router's routes on the first
    request that reaches it (about 50 ms here, paid by a client's first request to each worker
    process), and the database answers through the pool. One internal request per router does
    both (logged with the client ``warm-up``)."""
    for path in (f"{API_PREFIX}/health", f"{API_PREFIX}/blobs/{'0' * 64}"):
        await _internal_get(app, path)
    yield


async def _internal_get(app: FastAPI, path: str) -> None:
    """A GET through the whole app without a connection; the answer is dropped."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [],
        "client": ("warm-up", 0),
        "server": ("127.0.0.1", 0),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        return None

    await app(scope, receive, send)


def _router(store: ServerStore) -> APIRouter:
    # Dependencies that do no I/O are ``async``: a plain ``def`` would cost every request a
    # threadpool call.
    async def client_version(
        version: Annotated[str | None, Header(alias=CLIENT_VERSION_HEADER)] = None,
    ) -> None:
        if version is None or not _VERSION.fullmatch(version) or int(version) < MIN_CLIENT_VERSION:
            raise ApiError(426, "upgrade_required", PLEASE_UPDATE)

    async def caller(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> accounts.Credentials:
        """The token sent (checked by ``current_user``, or by the route with its first read)."""
        if credentials is None:
            raise ApiError(401, "login_required", "请先登录")
        return accounts.Credentials(credentials.credentials, _address(request))

    Caller = Annotated[accounts.Credentials, Depends(caller)]

    def current_user(credentials: Caller) -> User:
        return accounts.user_for_token(store, credentials)

    Me = Annotated[User, Depends(current_user)]
    router = APIRouter(dependencies=[Depends(client_version)], responses=ERRORS)

    @router.post("/auth/login")
    def login(request: Request, body: LoginRequest) -> LoginResponse:
        """A token for this device; throttled per user name and per address (429)."""
        return accounts.login(store, body, _address(request))

    @router.post("/auth/sign-in")
    def device_sign_in(request: Request, body: LoginRequest) -> DeviceSignIn:
        """An office account signs in on an enrolled device (401 wrong password, 403 account
        disabled or device revoked, 409 device not enrolled); throttled like login."""
        return accounts.device_sign_in(store, body, _address(request))

    @router.post("/auth/device-key")
    def device_key(me: Me) -> DeviceKey:
        """Enrolment: the unlock secret of the calling device (403 once revoked)."""
        return accounts.device_key(store, me)

    @router.get("/auth/device-accounts")
    def device_accounts(me: Me) -> list[DeviceAccount]:
        """The office accounts that signed in on the calling device, with their roles now."""
        return accounts.device_accounts(store, me)

    @router.post("/auth/logout", status_code=204)
    def logout(
        me: Me, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
    ) -> None:
        """Revoke the token this request carries (the device logs out)."""
        assert credentials is not None  # ``me`` resolved, so a token was sent
        accounts.revoke_token(store, me, credentials.credentials)

    @router.get("/changes")
    def changes(
        me: Me,
        cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    ) -> ChangesPage:
        return catalog.changes(store, me, cursor, limit)

    @router.put("/inspections/{inspection_id}/revisions/{revision}")
    def push(
        me: Me,
        bundle: Bundle,
        inspection_id: InspectionId,
        revision: Revision,
        audit_head: Annotated[str, Header(alias=AUDIT_HEAD_HEADER, pattern=_HEAD.pattern)] = "",
    ) -> PushResult:
        """Store one revision (owners only); ``X-Inspector-Audit-Head: seq:sha256`` is the
        device's audit-chain head, kept by the server."""
        head = _audit_head(audit_head)
        return bundles.push(store, me, inspection_id.lower(), revision, bundle, head)

    @router.get("/inspections/{inspection_id}/revisions/{revision}")
    def bundle(
        me: Me,
        inspection_id: InspectionId,
        revision: Revision,
    ) -> Bundle:
        return bundles.bundle_body(store, me, inspection_id.lower(), revision)

    @router.post("/inspections/{inspection_id}/withdraw", status_code=204)
    def withdraw(me: Me, inspection_id: InspectionId, request: WithdrawRequest) -> None:
        """Withdraw a record with a reason (supervisor, admin); audited, never deleted."""
        bundles.withdraw(store, me, inspection_id.lower(), request)

    @router.get("/audit-heads")
    def audit_heads(me: Me) -> list[AuditHead]:
        """Every audit-chain head this device has sent with its bundles, oldest first."""
        return [
            AuditHead(seq=seq, hash=digest, received_at=at)
            for seq, digest, at in bundles.audit_heads(store, me.device_id)
        ]

    @router.get("/inspections")
    def inspections(me: Me) -> list[InspectionSummary]:
        return bundles.summaries(store, me)

    @router.post("/inspections/{inspection_id}/review")
    def review(me: Me, inspection_id: InspectionId, request: ReviewRequest) -> ReviewResult:
        """Approve or return one complete revision (supervisor, admin); idempotent."""
        return reviews.review(store, me, inspection_id.lower(), request)

    @router.post("/findings/{finding_id}/status")
    def finding_status(
        me: Me, finding_id: FindingId, change: FindingStatusChange
    ) -> dict[str, int]:
        return {"seq": bundles.set_finding_status(store, me, finding_id.lower(), change)}

    @router.put("/findings/{finding_id}/changes/{change_id}")
    def field_change(
        me: Me, finding_id: FindingId, change_id: ChangeId, change: FieldChange
    ) -> FieldChangeResult:
        """A report-back, 复查 or escalation recorded on a device (idempotent by its UUID);
        applied, or recorded as a conflict when the office changed the finding meanwhile."""
        return field_changes.push(store, me, finding_id.lower(), change_id.lower(), change)

    @router.post("/notice-numbers")
    def reserve_notice_numbers(me: Me, request: NoticeNumberRequest) -> NoticeNumberBlock:
        """Reserve a block of notice numbers (supervisor, admin); never handed out twice."""
        return notice_numbers.reserve(store, me, request)

    @router.get("/blobs/{sha256}")
    def blob_offset(credentials: Caller, sha256: Sha256) -> JSONResponse:
        state = uploads.offset(store, credentials, sha256)
        return _offset_response(state)

    @router.get(
        "/blobs/{sha256}/content",
        response_class=FileResponse,
        responses={200: {"content": {"application/octet-stream": {}}}},
    )
    def blob_content(me: Me, sha256: Sha256) -> FileResponse:
        """A stored file, streamed (supervisors: files of complete bundles)."""
        path = bundles.readable_blob(store, me, sha256)
        return FileResponse(path, media_type="application/octet-stream")

    @router.patch("/blobs/{sha256}", openapi_extra=_RAW_BODY)
    async def blob_append(
        request: Request,
        credentials: Caller,
        sha256: Sha256,
        upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0, le=MAX_ATTACHMENT_BYTES)],
    ) -> JSONResponse:
        state = await uploads.append(store, credentials, sha256, upload_offset, request.stream())
        return _offset_response(state)

    return router


_RAW_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _health_router(store: ServerStore) -> APIRouter:
    router = APIRouter()

    @router.get("/health")
    def health() -> dict[str, str]:
        """For load balancers and monitoring: the database answers (no login needed)."""
        try:
            with store.reading() as conn:
                conn.execute("SELECT 1").fetchone()
        except Exception as exc:
            log.exception("health check failed")
            raise ApiError(503, "unhealthy", "数据库无法访问") from exc
        return {"status": "ok", "engine": "postgresql" if store.is_postgres else "sqlite"}

    return router


def _address(request: Request) -> str:
    """Where the request came from, for the audit and the login throttle (see ``proxies``)."""
    peer = request.client.host if request.client else ""
    proxies: TrustedProxies = request.app.state.proxies
    forwarded = request.headers.getlist("x-forwarded-for")
    return proxies.client_address(peer, forwarded, request.headers.get("x-real-ip"))


def _audit_head(value: str) -> tuple[int, str] | None:
    """The header's (seq, hash); an empty header (none sent) is None. The format is validated
    by the route's declared pattern."""
    match = _HEAD.fullmatch(value)
    return (int(match[1]), match[2]) if match else None


def _offset_response(state: BlobOffset) -> JSONResponse:
    return JSONResponse(
        state.model_dump(),
        headers={"Upload-Offset": str(state.offset), "Cache-Control": "no-store"},
    )


def _install_guards(app: FastAPI) -> None:
    app.add_middleware(BodyGuard)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _problem(exc.status, exc.code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        if first.get("type") == "json_invalid":
            return _problem(422, "invalid", "请求体不是有效的 JSON")
        where = ".".join(str(part) for part in first.get("loc", ()))
        return _problem(422, "invalid", f"请求格式不正确：{where}：{first.get('msg', '')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        fallback = f"请求有误（HTTP {exc.status_code}）"
        message = _HTTP_MESSAGES.get(exc.status_code, fallback)
        return _problem(exc.status_code, "http", message, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def fault(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return _problem(500, "server_error", SERVER_FAULT)


class BodyGuard:
    """Read a JSON body at most ``MAX_JSON_BYTES`` far and refuse it if it nests deeper than
    ``MAX_JSON_DEPTH``, before any route (or authentication) sees it. File uploads
    (``/blobs/``) stream past untouched: their limit is the manifest size, checked per chunk.

    Plain ASGI, not ``BaseHTTPMiddleware``, so streamed uploads pass through untouched. Each
    request is also logged here as one structured line.
    """

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with log_request(scope, send) as logged_send:
            if scope["path"].startswith(f"{API_PREFIX}/blobs/"):
                await self.app(scope, receive, logged_send)
                return
            body, refusal = await _bounded_body(receive)
            if refusal is not None:
                await refusal(scope, receive, logged_send)
                return
            await self.app(scope, _replay(body, receive), logged_send)


async def _bounded_body(receive: Any) -> tuple[bytes, JSONResponse | None]:
    """The whole body if within bounds, else the problem to answer (reading stops at once)."""
    parts, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_JSON_BYTES:
            limit = MAX_JSON_BYTES // 1024 // 1024
            return b"", _problem(413, "too_large", f"请求体过大（上限 {limit} MB）")
        parts.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(parts)
    if json_depth(body) > MAX_JSON_DEPTH:
        return b"", _problem(422, "too_deep", f"请求体嵌套过深（上限 {MAX_JSON_DEPTH} 层）")
    return body, None


def _replay(body: bytes, receive: Any) -> Any:
    """The body already read, then the real channel (which reports a disconnect)."""
    sent = False

    async def replayed() -> Any:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def json_depth(body: bytes) -> int:
    """How deep brackets nest in ``body``, strings skipped (C-speed scans, no parsing)."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKET).translate(_STEP)
    steps = (1 if b == 1 else -1 for b in brackets)
    return max(accumulate(steps, initial=0))


def _problem(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        Problem(detail=detail, code=code).model_dump(), status_code=status, headers=headers
    )
