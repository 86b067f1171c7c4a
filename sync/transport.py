"""HTTP to the central server: retries with backoff on network errors and 5xx, and every other
answer sorted into "log in again", "update the program", or a per-record rejection.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from inspector import jobs
from inspector.errors import UserError
from sync.protocol import API_PREFIX, CLIENT_VERSION_HEADER, PROTOCOL_VERSION

NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


class SyncError(UserError):
    """The whole run cannot go on (server unreachable, program too old)."""


class ServerFault(SyncError):
    """The server kept answering 5xx: its own fault (logged there), not the network's."""


class LoginRequired(SyncError):
    """401: the token is missing, expired or revoked (``code`` says which: the server's
    ``account_disabled`` when the office disabled the account)."""

    def __init__(self, message: str, code: str = "login_required") -> None:
        super().__init__(message)
        self.code = code


class Cancelled(jobs.Cancelled):
    """The user pressed cancel; raised between steps and inside a file body."""


class Rejected(Exception):
    """The server refused one record (4xx); its message is shown and the others go on."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    sleep: Callable[[float], object] = field(default=time.sleep)  # result ignored

    def delay(self, attempt: int) -> float:
        return min(self.max_delay, self.base_delay * 2.0**attempt)


def pooled_session(connections: int) -> requests.Session:
    """A session that keeps up to ``connections`` open to a server. urllib3 keeps 10 and drops
    (with a warning in the log) each one a run had open beyond them, so a push with more
    requests in flight than that kept opening new connections, a TLS handshake each."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_maxsize=connections)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass
class Transport:
    """A requests session bound to one server URL, token and TLS setting."""

    server_url: str
    token: str | None = None
    verify: bool | str = True  # True = system CAs; a path = the office CA bundle
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = 60.0
    session: requests.Session = field(default_factory=requests.Session)

    def url(self, path: str) -> str:
        return self.server_url.rstrip("/") + API_PREFIX + path

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {CLIENT_VERSION_HEADER: str(PROTOCOL_VERSION)}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return {**headers, **(extra or {})}

    def send_once(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One attempt, no retry: network errors propagate to the caller."""
        kwargs.setdefault("timeout", self.timeout)
        headers = self.headers(kwargs.pop("headers", None))
        return self.session.request(
            method, self.url(path), headers=headers, verify=self.verify, **kwargs
        )

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """JSON request with retries; returns the decoded body of a 2xx answer.

        After the last retry the error says which it was: the server answering 5xx (its fault,
        logged there) or no answer at all (the network)."""
        last_status = 0
        for attempt in range(self.retry.attempts):
            try:
                response = self.send_once(method, path, **kwargs)
            except requests.exceptions.SSLError as exc:
                raise SyncError(
                    f"服务器证书校验失败，请检查服务器地址或配置单位 CA 证书：{exc}"
                ) from exc
            except NETWORK_ERRORS:
                last_status = 0
                self.retry.sleep(self.retry.delay(attempt))
                continue
            if response.status_code >= 500:
                last_status = response.status_code
                self.retry.sleep(self.retry.delay(attempt))
                continue
            return decode(response)
        if last_status:
            raise ServerFault(server_fault_message(last_status, self.retry.attempts))
        raise SyncError(
            f"无法连接服务器 {self.server_url}（已重试 {self.retry.attempts} 次），请检查网络后重试"
        )


def server_fault_message(status: int, attempts: int) -> str:
    return (
        f"服务器出错，已记录（HTTP {status}，已重试 {attempts} 次）；"
        "本机数据未受影响，请稍后重试，若持续出现请联系管理员"
    )


def decode(response: requests.Response) -> Any:
    """A 2xx body, or the matching exception with the server's Chinese message."""
    if response.status_code < 300:
        return response.json() if response.content else None
    code, message = _problem(response)
    if response.status_code == 401:
        raise LoginRequired(message or "登录已失效，请重新登录", code)
    if response.status_code == 426:
        raise SyncError(message)
    raise Rejected(response.status_code, code, message)


def _problem(response: requests.Response) -> tuple[str, str]:
    try:
        body = response.json()
        return str(body.get("code", "")), str(body.get("detail", ""))
    except ValueError:
        return "", f"服务器返回了无法识别的应答（HTTP {response.status_code}）"
