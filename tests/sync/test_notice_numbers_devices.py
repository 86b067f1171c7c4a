"""Two devices, one office: numbers reserved from the real server, drawn offline, never twice."""

from datetime import date
from pathlib import Path

import pytest

from inspector import authorities
from inspector.errors import UserError
from inspector.store import Store, open_store
from reports import generate
from sync.notice_numbers import reserve_notice_numbers
from tests.sync.sync_support import LiveServer, client_for
from tests.test_reports_support import add_org, inspection, setup_office

CODES = ("51100000500002862F", "51100000500009247D", "51100000500012681T", "53100000500019795A")


def _device(tmp_path: Path, name: str) -> tuple[Store, list[str]]:
    (tmp_path / name).mkdir()
    store = open_store(tmp_path / name / "inspector.db")
    return store, setup_office(store)


def test_two_devices_drawing_offline_from_reserved_blocks_never_issue_the_same_number(
    live_server: LiveServer, tmp_path: Path
) -> None:
    year = date.today().year
    devices = [_device(tmp_path, name) for name in ("desk-a", "desk-b")]
    for store, _ in devices:  # online: each reserves a block of three for the office's 代字
        block = reserve_notice_numbers(
            client_for(store, live_server.url, "wang"), "X民社整", year, 3
        )
        authorities.add_block(store, "X民社整", year, block.first, block.last, actor="wang")
    numbers: list[str] = []
    for store, office in devices:  # offline from here: no call reaches the server
        for n, code in enumerate(CODES[:3]):
            org = add_org(store, code=code, name=f"某市第{n}协会")
            written = generate.write_notice(
                store, inspection(store, office, org), tmp_path / "out", [generate.Format.DOCX],
                actor="王科长",
            )  # fmt: skip
            numbers.append(written.number)
        assert authorities.remaining(store, "X民社整", year) == 0
    assert len(set(numbers)) == 6
    assert sorted(numbers) == sorted(f"X民社整〔{year}〕{n}号" for n in range(1, 7))
    store, office = devices[0]
    with pytest.raises(UserError, match="预留的编号已用完：请联网后预留新的编号段"):
        generate.write_notice(
            store, inspection(store, office, add_org(store, code=CODES[3])), tmp_path / "out",
            [generate.Format.DOCX], actor="王科长",
        )  # fmt: skip
    for store, _ in devices:
        store.close()
