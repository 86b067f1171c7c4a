"""Benchmarks of sync (issue 6): bulk upload beside a plain upload of the same bytes, and a pull
of a large register.

Run with ``.venv/bin/python -m bench.bench_sync`` (full size: 200 inspections, 1,000 photos of
1-3 MB, a 50,000-organization register; needs about 10 GB of disk in the work folder) or smaller
with ``--inspections 20 --photos 100``; ``--database postgresql://…`` (an empty database) and
``--workers 4`` run the server as an office would. Targets: upload within 1.15x of the plain
upload, client peak RSS under 200 MB, pull under 5 s. Both servers run as separate processes on 127.0.0.1;
the client runs as ``inspector sync push`` in its own process so its memory is measured alone.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

from bench.measure import Result
from inspector import attachments, inspections, onsite_record, roster
from inspector.clock import utc_now
from inspector.model import Inspector, NewInspection
from inspector.store import Store, open_store
from sync.client import SyncClient
from sync.file_upload import PARALLEL_FILES
from sync.server import accounts, catalog
from sync.server.storage import ServerStore

PASSWORD = "bench-password-1"
CODE = "51100000500002862F"


def run_sync_benchmarks(
    workdir: Path,
    inspections_count: int,
    photos: int,
    min_mb: float,
    max_mb: float,
    orgs: int,
    server: tuple[str | None, int] = (None, 1),
) -> list[Result]:
    """``server`` is (database URL or None for SQLite, worker processes)."""
    server_dir, sink_dir = workdir / "server", workdir / "sink"
    database, workers = server
    _seed_server(server_dir, database)
    store = _device(workdir / "device" / "inspector.db")
    total_bytes = _fill(store, workdir / "photos", inspections_count, photos, min_mb, max_mb)
    server_args = _server_args(server_dir, database, workers)
    with _process(server_args) as server_url, _process(_sink_args(sink_dir, workers)) as sink:
        SyncClient(store, server_url).login("zhang", PASSWORD)
        store.close()
        _settle_disk()
        plain_s = _plain_upload(workdir / "photos", sink)
        _settle_disk()
        push_s, push_rss = _timed_child(_cli(workdir / "device" / "inspector.db", "sync", "push"))
        pull_s = _pull(
            ServerStore(server_dir, database), server_url, workdir / "puller" / "inspector.db", orgs
        )
    mb = total_bytes / 1e6
    engine = f"{'PostgreSQL' if database else 'SQLite'}, {workers} worker(s)"
    return [
        Result(f"sync: server engine: {engine}", workers, "workers", ""),
        Result(f"sync: plain upload {photos} files, {mb:.0f} MB", plain_s, "s", ""),
        Result(
            f"sync: push {inspections_count} inspections",
            push_s,
            "s",
            f"< {1.15 * plain_s:.1f} s",
            push_s < 1.15 * plain_s,
        ),
        Result("sync: push / plain", push_s / plain_s, "x", "< 1.15", push_s / plain_s < 1.15),
        Result("sync: client peak RSS", push_rss, "MB", "< 200 MB", push_rss < 200),
        Result(f"sync: pull {orgs} organizations", pull_s, "s", "< 5 s", pull_s < 5),
    ]


def _seed_server(data_dir: Path, database: str | None) -> None:
    store = ServerStore(data_dir, database)
    accounts.add_user(store, "zhang", "inspector", PASSWORD, roster_id="r0")  # named on them
    store.close()


def _device(path: Path) -> Store:
    path.parent.mkdir(parents=True, exist_ok=True)
    store = open_store(path)
    store.db["organizations"].insert(
        {
            "id": "org-1",
            "credit_code": CODE,
            "name": "中国自动化学会",
            "kind": "social_group",
            "updated_at": utc_now(),
        }
    )
    store.db["checklists"].insert(
        {
            "id": "cl",
            "version": 1,
            "title": "基准",
            "kind": "other",
            "applies_to": "[]",
            "effective_date": "2026-01-01",
            "definition": json.dumps(
                {"sections": [{"items": [{"id": "q1", "answer_type": "compliance"}]}]}
            ),
            "content_hash": "x",
            "imported_at": utc_now(),
        }
    )
    for i in range(2):
        roster.add(store, Inspector(f"检查员{i}", f"B-{i}", id=f"r{i}"))
    return store


def _fill(store: Store, folder: Path, count: int, photos: int, min_mb: float, max_mb: float) -> int:
    """``count`` completed inspections sharing ``photos`` distinct random files between them."""
    folder.mkdir(parents=True)
    rng = random.Random(6)
    total = 0
    for index in range(count):
        new = NewInspection("org-1", "cl", 1, ["r0", "r1"], utc_now())
        inspection_id = inspections.start(store, new, actor="检查员0")
        inspections.set_answer(store, inspection_id, "q1", "compliant", actor="检查员0")
        for n in range(index * photos // count, (index + 1) * photos // count):
            path = folder / f"IMG_{n:04d}.jpg"
            size = int(rng.uniform(min_mb, max_mb) * 1_000_000)
            path.write_bytes(os.urandom(size))
            total += size
            attachments.add_file(store, inspection_id, path, actor="检查员0")
        onsite_record.complete_on_site(
            store,
            inspection_id,
            onsite_record.OnSite(onsite_record.Outcome.ABSENT, reason="负责人外出"),
            actor="检查员0",
        )
    return total


def _settle_disk() -> None:
    """Write what earlier steps left in the page cache before a timed phase, so that neither
    phase pays for the other's writeback (the photos made, the files the plain upload stored)."""
    os.sync()


def _plain_upload(folder: Path, sink: str) -> float:
    """The same bytes, one raw streamed PUT per file, no protocol around them, from a process
    of its own with requests, over as many connections as the push uses for a record's files
    (``PARALLEL_FILES``), each taking the next file when it is done."""
    script = (
        "import sys, pathlib, queue, threading, requests\n"
        "files = queue.Queue()\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).iterdir()): files.put(p)\n"
        "def send():\n"
        "    s = requests.Session()\n"
        "    while True:\n"
        "        try: p = files.get_nowait()\n"
        "        except queue.Empty: return\n"
        "        with p.open('rb') as fh:\n"
        "            s.put(sys.argv[2] + '/' + p.name, data=fh).raise_for_status()\n"
        "threads = [threading.Thread(target=send) for _ in range(int(sys.argv[3]))]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
    )
    args = [sys.executable, "-c", script, str(folder), sink, str(PARALLEL_FILES)]
    seconds, _ = _timed_child(args)
    return seconds


def _pull(server: ServerStore, url: str, device_path: Path, orgs: int) -> float:
    records = [
        {
            "id": str(uuid.uuid4()),
            "credit_code": f"B{i:017d}",
            "name": f"基准社会组织{i}号",
            "kind": "social_group",
        }
        for i in range(orgs)
    ]
    catalog.publish_many(server, "organization", records)
    server.close()
    device_path.parent.mkdir(parents=True, exist_ok=True)
    store = open_store(device_path)
    client = SyncClient(store, url)
    client.login("zhang", PASSWORD)
    started = time.perf_counter()
    client.pull()
    seconds = time.perf_counter() - started
    store.close()
    return seconds


def _timed_child(args: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one child process.

    The peak is read from the child's own ``VmHWM`` while it runs: ``wait4``'s ``ru_maxrss``
    would report the parent's size instead, because Linux carries the forking process's
    high-water mark across ``exec``.
    """
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL)  # its per-record lines
    peak_kb = 0
    while child.poll() is None:
        peak_kb = max(peak_kb, _high_water_kb(child.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"{args[:4]} failed with status {child.returncode}")
    return seconds, peak_kb / 1024


def _high_water_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # the child has just exited
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


class _process:
    """A server subprocess for the duration of a with-block; yields its base URL."""

    def __init__(self, args: list[str]):
        self.port = _free_port()
        self.args = [*args, str(self.port)]

    def __enter__(self) -> str:
        self.child = subprocess.Popen(self.args)
        url = f"http://127.0.0.1:{self.port}"
        for _ in range(500):
            try:
                requests.get(url, timeout=1)
                return url
            except requests.ConnectionError:
                time.sleep(0.02)
        raise RuntimeError("server did not start")

    def __exit__(self, *exc: object) -> None:
        self.child.terminate()
        self.child.wait()


def _server_args(data_dir: Path, database: str | None, workers: int) -> list[str]:
    args = [sys.executable, "-m", "sync.server", "--data", str(data_dir), "--workers", str(workers)]
    return [*args, *(["--database", database] if database else []), "--port"]


def _sink_args(folder: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "bench.sync_sink", str(folder), str(workers)]


def _cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", "from cli.main import main; main()", "--db", str(db), *args]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--inspections", type=int, default=200)
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--min-mb", type=float, default=1.0)
    parser.add_argument("--max-mb", type=float, default=3.0)
    parser.add_argument("--orgs", type=int, default=50_000)
    parser.add_argument("--database", default=None, help="an empty PostgreSQL database")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    from bench.run import print_table

    os.environ.setdefault("INSPECTOR_PASSWORD", PASSWORD)  # the throw-away device stores' key

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        print_table(
            run_sync_benchmarks(
                Path(tmp),
                args.inspections,
                args.photos,
                args.min_mb,
                args.max_mb,
                args.orgs,
                (args.database, args.workers),
            )
        )


if __name__ == "__main__":
    main()
