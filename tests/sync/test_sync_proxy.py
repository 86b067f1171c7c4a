"""The audit's "from where" behind a reverse proxy: forwarded addresses (X-Forwarded-For,
X-Real-IP) are believed only from the proxies the office configured, never from anyone else,
and the login throttle per address counts the same resolved address."""

from pathlib import Path

import pytest
import requests

from sync.server.proxies import TRUSTED_PROXIES_ENV, TrustedProxies
from sync.server.storage import ServerStore
from tests.sync.sync_support import PASSWORD, ServerProcess, headers, serving

DEVICE = "11111111-2222-4333-8444-555555555555"


def login(
    url: str, password: str = PASSWORD, user: str = "zhang", **forwarded: str
) -> requests.Response:
    body = {"username": user, "password": password, "device_id": DEVICE}
    return requests.post(
        f"{url}/api/v1/auth/login", json=body, headers={**headers(), **forwarded}, timeout=10
    )


def login_addresses(data_dir: Path) -> list[str]:
    store = ServerStore(data_dir)
    try:
        with store.reading() as conn:
            rows = conn.execute(
                "SELECT address FROM server_audit WHERE action = 'login' ORDER BY id"
            ).fetchall()
        return [str(r[0]) for r in rows]
    finally:
        store.close()


@pytest.fixture
def running(server_dir: Path, monkeypatch: pytest.MonkeyPatch) -> ServerProcess:
    """`python -m sync.server` as deployed, trusting no proxy."""
    monkeypatch.delenv(TRUSTED_PROXIES_ENV, raising=False)
    return ServerProcess(server_dir)


def test_forwarded_headers_from_an_untrusted_address_are_ignored(running: ServerProcess) -> None:
    running.start()
    try:
        forged = {"X-Forwarded-For": "203.0.113.7", "X-Real-IP": "198.51.100.2"}
        assert login(running.url, **forged).ok
        assert login(running.url, **{"X-Forwarded-For": "203.0.113.7, 127.0.0.1"}).ok
    finally:
        running.kill()
    assert login_addresses(running.data_dir) == ["127.0.0.1", "127.0.0.1"]


def test_a_trusted_proxy_s_forwarded_address_is_recorded(
    server_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TRUSTED_PROXIES_ENV, "127.0.0.1, 10.0.0.0/8")
    process = ServerProcess(server_dir, workers=2)
    process.start()
    try:
        assert login(process.url, **{"X-Forwarded-For": "203.0.113.7"}).ok
        # Whatever the client wrote left of what the proxies appended counts for nothing.
        chain = "192.0.2.1, 198.51.100.9, 10.1.2.3"
        assert login(process.url, **{"X-Forwarded-For": chain}).ok
        assert login(process.url, **{"X-Real-IP": "198.51.100.2"}).ok
        assert login(process.url, **{"X-Forwarded-For": "not-an-address"}).ok
    finally:
        process.kill()
    assert login_addresses(server_dir) == [
        "203.0.113.7",
        "198.51.100.9",
        "198.51.100.2",
        "127.0.0.1",
    ]


def fail_logins_from(url: str, address: str | None = None) -> None:
    """30 failed logins (the per-address limit) under 30 user names (each under its limit)."""
    for n in range(30):
        forwarded = {"X-Forwarded-For": address or f"203.0.113.{n}"}
        assert login(url, "wrong", f"nobody{n}", **forwarded).status_code == 401


def test_forging_addresses_does_not_escape_the_login_throttle(running: ServerProcess) -> None:
    running.start()
    try:
        fail_logins_from(running.url)  # each with another forged address
        answer = login(running.url, **{"X-Forwarded-For": "203.0.113.200"})
    finally:
        running.kill()
    assert answer.status_code == 429


def test_the_throttle_counts_the_forwarded_address_behind_a_trusted_proxy(
    server_dir: Path, server_database: str | None
) -> None:
    with serving(server_dir, database=server_database, trusted_proxies=["127.0.0.1"]) as live:
        fail_logins_from(live.url, "203.0.113.7")
        assert login(live.url, **{"X-Forwarded-For": "203.0.113.7"}).status_code == 429
        assert login(live.url, **{"X-Forwarded-For": "198.51.100.9"}).ok  # the others go on
    assert login_addresses(server_dir) == ["198.51.100.9"]


def test_trusted_proxies_are_addresses_or_networks() -> None:
    proxies = TrustedProxies.from_text("127.0.0.1 ::1,10.0.0.0/8")
    assert proxies.trusts("10.20.30.40") and proxies.trusts("::1")
    assert not proxies.trusts("11.0.0.1") and not proxies.trusts("")
    assert proxies.client_address("11.0.0.1", ["203.0.113.7"], "198.51.100.2") == "11.0.0.1"
    assert proxies.client_address("10.0.0.1", ["203.0.113.7,10.0.0.2"], None) == "203.0.113.7"
    assert proxies.client_address("10.0.0.1", ["10.0.0.3, 10.0.0.2"], None) == "10.0.0.3"
    with pytest.raises(ValueError, match="受信任的代理地址无效：nginx"):
        TrustedProxies(["nginx"])
