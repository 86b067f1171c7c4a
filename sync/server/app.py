"""The HTTP API (``/api/v1``), served by uvicorn. OpenAPI at ``/api/v1/openapi.json``.

Every failure is a JSON ``Problem`` with a Chinese ``detail``: validation errors are 422, an old
client gets 426 ("please update"), and no malformed request reaches a 500.
"""

import logging
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
    BlobOffset,
    Bundle,
    ChangesPage,
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
)
from sync.server import accounts, bundles, catalog, notice_numbers, reviews, uploads
from sync.server.errors import ApiError
from sync.server.storage import ServerStore, User

log = logging.getLogger(__name__)

MAX_JSON_BYTES = 16 * 1024 * 1024
PLEASE_UPDATE = "客户端版本过旧，服务器已不再支持，请更新“社会组织现场检查工具”到最新版本后再同步"
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem} for status in (401, 403, 404, 409, 413, 422, 426)
}
_HTTP_MESSAGES = {404: "没有这个接口", 405: "接口不支持这种请求方式", 413: "请求体过大"}

bearer = HTTPBearer(auto_error=False)
InspectionId = Annotated[str, PathParam(pattern=UUID_PATTERN)]
FindingId = Annotated[str, PathParam(pattern=UUID_PATTERN)]
Sha256 = Annotated[str, PathParam(pattern=SHA256_PATTERN)]
Revision = Annotated[int, PathParam(ge=1, le=1_000_000)]


def create_app(data_dir: Path | str) -> FastAPI:
    """An app over the storage in ``data_dir``."""
    store = ServerStore(data_dir)
    app = FastAPI(
        title="社会组织现场检查 同步服务",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.store = store
    app.include_router(_router(store), prefix=API_PREFIX)
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


def _router(store: ServerStore) -> APIRouter:
    def client_version(
        version: Annotated[str | None, Header(alias=CLIENT_VERSION_HEADER)] = None,
    ) -> None:
        if version is None or not version.isdigit() or int(version) < MIN_CLIENT_VERSION:
            raise ApiError(426, "upgrade_required", PLEASE_UPDATE)

    def current_user(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> User:
        if credentials is None:
            raise ApiError(401, "login_required", "请先登录")
        return accounts.user_for_token(store, credentials.credentials)

    Me = Annotated[User, Depends(current_user)]
    router = APIRouter(dependencies=[Depends(client_version)], responses=ERRORS)

    @router.post("/auth/login")
    def login(request: LoginRequest) -> LoginResponse:
        return accounts.login(store, request)

    @router.post("/auth/logout", status_code=204)
    def logout(
        me: Me, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
    ) -> None:
        """Revoke the token this request carries (the device logs out)."""
        assert credentials is not None  # ``me`` resolved, so a token was sent
        accounts.revoke_token(store, credentials.credentials)

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
    ) -> PushResult:
        return bundles.push(store, me, inspection_id.lower(), revision, bundle)

    @router.get("/inspections/{inspection_id}/revisions/{revision}")
    def bundle(
        me: Me,
        inspection_id: InspectionId,
        revision: Revision,
    ) -> Bundle:
        return bundles.bundle_body(store, me, inspection_id.lower(), revision)

    @router.delete("/inspections/{inspection_id}", status_code=204)
    def delete(me: Me, inspection_id: InspectionId) -> None:
        bundles.delete(store, me, inspection_id.lower())

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

    @router.post("/notice-numbers")
    def reserve_notice_numbers(me: Me, request: NoticeNumberRequest) -> NoticeNumberBlock:
        """Reserve a block of notice numbers (supervisor, admin); never handed out twice."""
        return notice_numbers.reserve(store, me, request)

    @router.get("/blobs/{sha256}")
    def blob_offset(me: Me, sha256: Sha256) -> JSONResponse:
        state = uploads.offset(store, me, sha256)
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
        me: Me,
        sha256: Sha256,
        upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0, le=MAX_ATTACHMENT_BYTES)],
    ) -> JSONResponse:
        state = await uploads.append(store, me, sha256, upload_offset, request.stream())
        return _offset_response(state)

    return router


_RAW_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _offset_response(state: BlobOffset) -> JSONResponse:
    return JSONResponse(
        state.model_dump(),
        headers={"Upload-Offset": str(state.offset), "Cache-Control": "no-store"},
    )


def _install_guards(app: FastAPI) -> None:
    app.add_middleware(JsonSizeLimit)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _problem(exc.status, exc.code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return _problem(422, "invalid", f"请求格式不正确：{where}：{first.get('msg', '')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = _HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
        return _problem(exc.status_code, "http", message, dict(exc.headers or {}))


class JsonSizeLimit:
    """Refuse a declared-too-large body before reading it (files have their own limit).

    Plain ASGI, not ``BaseHTTPMiddleware``, so streamed uploads pass through untouched.
    """

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(f"{API_PREFIX}/blobs/"):
            length = dict(scope["headers"]).get(b"content-length", b"")
            if length.isdigit() and int(length) > MAX_JSON_BYTES:
                limit = MAX_JSON_BYTES // 1024 // 1024
                response = _problem(413, "too_large", f"请求体过大（上限 {limit} MB）")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _problem(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        Problem(detail=detail, code=code).model_dump(), status_code=status, headers=headers
    )
