"""Signing in on an enrolled device with the office server's account (docs/security.md).

Enrolment (``enrol``, after a sync login): the device's store data key is wrapped under an
unlock secret the server keeps for this device. An office account's first sign-in here is
online (``sign_in_online``): the server checks the password, that the account is active and the
device not revoked, and answers with the account's role, a token and the device secret; the
core then wraps the data key under the person's password. Later sign-ins
(``sign_in_known``) ask the server first, whose word on the password and role counts, and work
offline from the local slot when it cannot be reached. Each sync refreshes the roles
(``refresh``).
"""

import base64
import logging
from pathlib import Path

import requests

from inspector import accounts, keys, office_accounts
from inspector.accounts import Enrolment, OfficeAccountNow, ServerGrant
from inspector.current_user import Session
from inspector.errors import UserError
from inspector.store import Store
from sync import state
from sync.protocol import DeviceAccount, DeviceKey, DeviceSignIn, LoginRequest
from sync.transport import (
    NETWORK_ERRORS,
    LoginRequired,
    Rejected,
    Transport,
    decode,
)

log = logging.getLogger(__name__)
TIMEOUT = (5.0, 30.0)  # connect, read: a person is waiting at the sign-in screen
WRONG_PASSWORD = "用户名或密码不正确（单位服务器核对）。"
OLD_PASSWORD = (
    "这是此账号的旧密码：密码已在单位服务器上更改，本机保存的旧密码登录已作废。请用新密码登录。"
)
NOT_ENROLLED = "本机没有登记到单位服务器：请用本机的账号登录，或先在“同步”中登录一次完成登记。"
TOKEN_OF = "token_of:"  # sync_state: each office account's own device token


class Offline(UserError):
    """The server's word cannot be had (no network, no answer, a 5xx, a certificate that does
    not check out): an account with a slot here signs in offline; a new one is told why not."""


def offline_first(url: str) -> str:
    return (
        f"现在连不上单位服务器（{url}）：办公室账号第一次在本机登录必须联网。"
        "请连上单位网络后重试；已在本机登录过的账号可以离线登录。"
    )


def unreachable(url: str, status: int) -> str:
    return (
        f"单位服务器（{url}）暂时无法处理登录（HTTP {status}）：请稍后重试，"
        "若持续出现请联系单位管理员；已在本机登录过的账号可以离线登录。"
    )


def enrol(store: Store, transport: Transport) -> None:
    """After a sync login: the device secret from the server wraps this store's data key (a
    plain store, or a server without device sign-in, is left as it was)."""
    if store.data_key is None:
        return
    try:
        answer = DeviceKey(**transport.call("POST", "/auth/device-key"))
    except Rejected as exc:  # an older server (404), or a revoked device (403): the sync
        log.info("device not enrolled for office accounts: %s", exc.message)  # login stands
        return
    ca = state.get(store, state.CA_BUNDLE) or ""
    secret = base64.b64decode(answer.secret)
    accounts.enrol(store, transport.server_url, state.device_id(store), ca, secret)


def first_sign_in(db_path: Path, username: str, password: str) -> tuple[Store, Session]:
    """其他办公室账号…: an office account that has not signed in here yet (online only)."""
    place = _place(db_path)
    answer = _ask(place, username, password)  # Offline says why it cannot be done now
    return _signed_in(db_path, place, answer, password)


def sign_in_known(db_path: Path, holder: str, password: str) -> tuple[Store, Session]:
    """An office account with a slot here: the server's answer when it can be reached (a
    password changed there replaces the slot, an old one is refused and its slot removed),
    else offline from the slot with the role last confirmed."""
    place = _place(db_path)
    username = office_accounts.username_of(holder)
    assert username is not None
    try:
        answer = _ask(place, username, password)
    except Offline:
        store, session = accounts.sign_in(db_path, holder, password)
        _use_own_token(store, username)
        return store, session
    except _Refused as exc:
        removed = exc.reason is not None and accounts.forget_office_slot(
            db_path, username, password, exc.reason
        )
        raise UserError(
            OLD_PASSWORD if removed and exc.code == "bad_login" else exc.message
        ) from exc
    return _signed_in(db_path, place, answer, password)


def refresh(store: Store, transport: Transport) -> list[str]:
    """Each sync: the roles of the office accounts that signed in here, as the server has
    them now (``accounts.refresh_office_accounts``). Nothing is asked of a device without
    office-account slots."""
    if not keys.exists(store.path) or not any(
        w.server_account for w in keys.load(store.path).wraps
    ):
        return []
    try:
        body = transport.call("GET", "/auth/device-accounts")
    except Rejected as exc:
        return [f"未能刷新办公室账号的角色：{exc.message}"]
    now = [DeviceAccount(**item) for item in body]
    found = [OfficeAccountNow(a.username, a.role, a.roster_id, a.disabled) for a in now]
    return accounts.refresh_office_accounts(store, found)


def account_refused(store: Store, username: str | None) -> None:
    """The server refused the token because the office disabled its account."""
    if username is None:
        return
    current = [a for a in _cached_accounts(store) if a.username != username]
    accounts.refresh_office_accounts(store, current)


class _Refused(UserError):
    """The server said no; ``reason`` says why the local slot must go (None: it stays)."""

    def __init__(self, message: str, code: str, reason: str | None) -> None:
        super().__init__(message)
        self.code, self.reason = code, reason


def _place(db_path: Path) -> Enrolment:
    place = accounts.enrolment(db_path)
    if place is None:
        raise UserError(NOT_ENROLLED)
    return place


def _ask(place: Enrolment, username: str, password: str) -> DeviceSignIn:
    """The server's answer to this sign-in; ``Offline`` when it cannot be had, ``_Refused``
    (Chinese) when the server says no."""
    transport = Transport(place.server_url, verify=place.ca_bundle or True)
    request = LoginRequest(username=username, password=password, device_id=place.device_id)
    try:
        response = transport.send_once(
            "POST", "/auth/sign-in", json=request.model_dump(), timeout=TIMEOUT
        )
    except requests.exceptions.SSLError as exc:
        raise Offline(f"单位服务器的证书校验失败，已拒绝连接：{exc}") from exc
    except NETWORK_ERRORS as exc:
        raise Offline(offline_first(place.server_url)) from exc
    if response.status_code >= 500:
        raise Offline(unreachable(place.server_url, response.status_code))
    try:
        return DeviceSignIn(**decode(response))
    except LoginRequired as exc:  # 401: the password (or the name) is wrong
        raise _Refused(WRONG_PASSWORD, "bad_login", "的密码已在单位服务器上更改") from exc
    except Rejected as exc:  # disabled account, revoked device, too many attempts …
        reason = "已被单位停用" if exc.code == "account_disabled" else None
        raise _Refused(exc.message, exc.code, reason) from exc


def _signed_in(
    db_path: Path, place: Enrolment, answer: DeviceSignIn, password: str
) -> tuple[Store, Session]:
    grant = ServerGrant(
        answer.username, answer.role, answer.roster_id, base64.b64decode(answer.device_secret)
    )
    store, session = accounts.sign_in_with_grant(db_path, grant, password)
    state.set_values(
        store,
        **{state.SERVER_URL: place.server_url, state.TOKEN: answer.token},
        **{state.USERNAME: answer.username, state.ROLE: answer.role},
        **{TOKEN_OF + answer.username: answer.token},
    )
    return store, session


def _use_own_token(store: Store, username: str) -> None:
    """Signed in offline: sync as this person again, with the token they got here."""
    token = state.get(store, TOKEN_OF + username)
    given = office_accounts.cached(store, username)
    if token is not None and given is not None:
        values = {state.TOKEN: token, state.USERNAME: username, state.ROLE: given.role}
        state.set_values(store, **values)


def _cached_accounts(store: Store) -> list[OfficeAccountNow]:
    found = []
    for wrap in keys.load(store.path).wraps:
        given = office_accounts.cached(store, wrap.server_account) if wrap.server_account else None
        if wrap.server_account and given is not None:
            found.append(OfficeAccountNow(wrap.server_account, given.role, given.roster_id, False))
    return found
