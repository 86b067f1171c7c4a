"""The deployment page's examples, run: its openssl commands make an office CA and the server's
certificate, its nginx block (paths and ports templated) terminates TLS in front of the server
started from its systemd unit's ``ExecStart`` (2 workers), and a device syncs through it with
the office CA bundle. The audit then holds the device's address, not nginx's."""

import hashlib
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from requests.adapters import HTTPAdapter

from inspector.store import Store
from sync import state
from sync.client import SyncClient
from sync.server.storage import DATABASE_ENV, ServerStore
from sync.transport import SyncError
from tests.sync.sync_support import FAST_RETRY, PASSWORD, CompleteFn, free_port

DOC = Path(__file__).parents[2] / "docs" / "deployment.md"
SERVER_NAME = "sync.mzj.example.gov.cn"
DEVICE_ADDRESS = "127.0.0.5"  # loopback too, but not nginx's 127.0.0.1


def doc_block(language: str, containing: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", DOC.read_text("utf-8"), re.S)
    [block] = [b for b in blocks if containing in b]
    return str(block)


def unit_lines(key: str) -> list[str]:
    unit = doc_block("ini", "[Service]")
    return [line.split("=", 1)[1] for line in unit.splitlines() if line.startswith(f"{key}=")]


def inspector_command() -> str:
    return str(Path(sys.executable).parent / "inspector")


@pytest.mark.needs("systemd-analyze")
def test_the_documented_systemd_unit_verifies(tmp_path: Path) -> None:
    unit = doc_block("ini", "[Service]").replace(
        "/opt/inspector-server/bin/inspector", inspector_command()
    )
    path = tmp_path / "inspector-sync.service"
    path.write_text(unit, "utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


@pytest.fixture
def certificates(tmp_path: Path) -> Path:
    """The office CA and the server's certificate, made by the page's openssl commands."""
    folder = tmp_path / "tls"
    folder.mkdir()
    commands = doc_block("sh", "openssl req -x509")
    subprocess.run(["bash", "-euc", commands], cwd=folder, check=True, capture_output=True)
    return folder


@pytest.fixture
def server(server_dir: Path, server_database: str | None) -> Iterator[str]:
    """The unit's ExecStart with 2 workers on a free port, its Environment= lines applied."""
    port = free_port()
    [exec_start] = unit_lines("ExecStart")
    args = shlex.split(exec_start)[1:]
    args = [
        {"/srv/inspector": str(server_dir), "4": "2", "8730": str(port)}.get(arg, arg)
        for arg in args
    ]
    env = {**os.environ}
    for line in unit_lines("Environment"):
        name, value = line.split("=", 1)
        env[name] = value
    env.pop(DATABASE_ENV)
    if server_database:
        env[DATABASE_ENV] = server_database
    command = [sys.executable, "-c", "from cli.main import main; main()", *args]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_port(port)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def nginx(tmp_path: Path, certificates: Path, server: str) -> Iterator[int]:
    """nginx with the page's server block, TLS on a free port, in front of ``server``."""
    port = free_port()
    block = (
        doc_block("nginx", "ssl_certificate")
        .replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
        .replace("/etc/ssl/office/", f"{certificates}/")
        .replace("http://127.0.0.1:8730", server)
    )
    folder = tmp_path / "nginx"
    folder.mkdir()
    temp = {name: folder / name for name in ("body", "proxy")}
    for path in temp.values():
        path.mkdir()
    config = folder / "nginx.conf"
    config.write_text(
        f"daemon off;\nmaster_process off;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log info;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        f"    access_log {folder}/access.log;\n"
        f"    client_body_temp_path {temp['body']};\n"
        f"    proxy_temp_path {temp['proxy']};\n"
        f"{block}\n}}\n",
        "utf-8",
    )
    process = subprocess.Popen(["nginx", "-p", str(folder), "-c", str(config)])
    try:
        _wait_for_port(port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


class _OfficeNetwork(HTTPAdapter):
    """The device's connections: from its own address, verifying the certificate against the
    server's name (there is no DNS for it here)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (DEVICE_ADDRESS, 0)
        kwargs["server_hostname"] = SERVER_NAME
        super().init_poolmanager(*args, **kwargs)


def through_nginx(store: Store, port: int) -> SyncClient:
    client = SyncClient(store, f"https://127.0.0.1:{port}", retry=FAST_RETRY)
    client.transport.session.mount("https://", _OfficeNetwork())
    return client


@pytest.mark.needs("nginx", "openssl")
def test_a_device_syncs_through_nginx_with_the_office_ca(
    nginx: int,
    certificates: Path,
    device: Store,
    complete_inspection: CompleteFn,
    server_dir: Path,
) -> None:
    photo = os.urandom(3 * 1024 * 1024 + 17)
    complete_inspection({"IMG_0001.jpg": photo})

    without_ca = through_nginx(device, nginx)
    with pytest.raises(SyncError, match="服务器证书校验失败"):
        without_ca.login("zhang", PASSWORD)

    state.set_values(device, **{state.CA_BUNDLE: str(certificates / "office-ca.pem")})
    client = through_nginx(device, nginx)
    client.transport.session.headers["X-Forwarded-For"] = "203.0.113.9"  # forged: ignored
    client.login("zhang", PASSWORD)
    assert client.push().ok
    assert client.pull().applied >= 1

    store = ServerStore(server_dir)
    try:
        with store.reading() as conn:
            rows = conn.execute("SELECT action, address FROM server_audit").fetchall()
        stored = store.blob_path(hashlib.sha256(photo).hexdigest()).read_bytes()
    finally:
        store.close()
    device_rows = {(str(a), str(b)) for a, b in rows if a in ("login", "push", "file")}
    assert {action for action, _ in device_rows} == {"login", "push", "file"}
    assert {address for _, address in device_rows} == {DEVICE_ADDRESS}
    assert stored == photo


def _wait_for_port(port: int) -> None:
    for _ in range(1500):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"nothing listens on port {port}")
