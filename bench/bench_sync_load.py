"""Benchmarks of the server under load (issue 14): sync requests while an admin loads a large
register, and many concurrent clients.

Run with ``.venv/bin/python -m bench.bench_sync_load`` (defaults: a 180,000-record register,
100 clients for 60 s) or smaller with ``--orgs 30000 --clients 20 --seconds 10``;
``--database postgresql://…`` (an empty database) and ``--workers 4`` as in ``bench_sync``.
Targets: no sync request waits more than 200 ms behind the import; 0 errors under load.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

from bench.bench_sync import _process, _server_args
from bench.measure import Result
from inspector.credit_code import check_character
from sync.protocol import API_PREFIX, CLIENT_VERSION_HEADER
from sync.server import accounts
from sync.server.storage import ServerStore

PASSWORD = "bench-password-1"


def run_load_benchmarks(
    workdir: Path, orgs: int, clients: int, seconds: float, database: str | None, workers: int
) -> list[Result]:
    server_dir = workdir / "server"
    store = ServerStore(server_dir, database)
    for n in range(clients):
        accounts.add_user(store, f"u{n}", "inspector", PASSWORD, roster_id=f"r{n}")
    store.close()
    register = workdir / "register.json"
    register.write_text(json.dumps(_register(orgs), ensure_ascii=False), "utf-8")
    with _process(_server_args(server_dir, database, workers)) as url:
        tokens = [_login(url, f"u{n}") for n in range(clients)]
        stall = _import_stall(url, tokens[0], server_dir, register, database)
        throughput, p95, errors = _concurrent(url, tokens, seconds)
    return [
        Result(
            f"load: longest sync request during a {orgs}-record import",
            stall,
            "ms",
            "< 200 ms",
            stall < 200,
        ),
        Result(f"load: {clients} clients for {seconds:.0f} s", throughput, "req/s", ""),
        Result("load: p95 latency under load", p95, "ms", ""),
        Result("load: errors under load", errors, "", "0", errors == 0),
    ]


def _register(count: int) -> list[dict[str, str]]:
    return [
        {"credit_code": _code(i), "name": f"负载社会组织{i}号", "kind": "social_group"}
        for i in range(count)
    ]


def _code(i: int) -> str:
    """A valid unified social credit code (check character computed as the standard says)."""
    body = f"5110{i:013d}"
    return body + check_character(body)


def _login(url: str, user: str) -> str:
    body = {"username": user, "password": PASSWORD, "device_id": str(uuid.uuid4())}
    answer = requests.post(
        url + API_PREFIX + "/auth/login", json=body, headers=_headers(), timeout=30
    )
    answer.raise_for_status()
    return str(answer.json()["token"])


def _headers(token: str | None = None) -> dict[str, str]:
    out = {CLIENT_VERSION_HEADER: "1"}
    return {**out, "Authorization": f"Bearer {token}"} if token else out


def _import_stall(
    url: str, token: str, server_dir: Path, register: Path, database: str | None
) -> float:
    """The longest of back-to-back sync requests while ``server load-register`` runs."""
    args = [sys.executable, "-c", "from cli.main import main; main()", "server", "load-register"]
    args += [str(register), "--data", str(server_dir)]
    args += ["--database", database] if database else []
    loader = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    longest, session = 0.0, requests.Session()
    while loader.poll() is None:
        started = time.perf_counter()
        session.get(url + API_PREFIX + "/inspections", headers=_headers(token), timeout=30)
        longest = max(longest, (time.perf_counter() - started) * 1000)
    if loader.returncode != 0:
        raise RuntimeError("load-register failed")
    return longest


def _concurrent(url: str, tokens: list[str], seconds: float) -> tuple[float, float, int]:
    """Each client alternates a page of changes and its own list; (req/s, p95 ms, errors)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(token: str) -> None:
        session, mine = requests.Session(), []
        paths = ["/changes?cursor=0&limit=100", "/inspections"]
        n = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                ok = session.get(
                    url + API_PREFIX + paths[n % 2], headers=_headers(token), timeout=30
                ).ok
            except requests.RequestException:
                ok = False
            mine.append((time.perf_counter() - started) * 1000)
            n += 1
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 20 else max(latencies)
    return len(latencies) / seconds, p95, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--orgs", type=int, default=180_000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database", default=None, help="an empty PostgreSQL database")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    from bench.run import print_table

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        print_table(
            run_load_benchmarks(
                Path(tmp), args.orgs, args.clients, args.seconds, args.database, args.workers
            )
        )


if __name__ == "__main__":
    main()
