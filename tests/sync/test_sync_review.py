"""Review decisions through the central server: the endpoint's rules, and the whole round trip
inspector → supervisor → inspector on two devices against the real server on 127.0.0.1."""

import hashlib
from typing import Any

import requests
from sync_support import CompleteFn, LiveServer, client_for, headers, photo
from test_sync_push import login

from inspector.store import Store


def review(server: LiveServer, token: str, inspection_id: str, **body: Any) -> requests.Response:
    return requests.post(
        server.api(f"/inspections/{inspection_id}/review"),
        json=body,
        headers=headers(token),
        timeout=5,
    )


def feed(server: LiveServer, token: str) -> list[dict[str, Any]]:
    answer = requests.get(server.api("/changes"), headers=headers(token), timeout=5)
    return [c for c in answer.json()["changes"] if c["entity"] == "review"]


def test_review_endpoint_rules(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    inspection_id = complete_inspection({"a.jpg": photo("r", 2000)})
    assert client_for(device, live_server.url).push().ok
    zhang, li, wang = (login(live_server, name) for name in ("zhang", "li", "wang"))

    refused = review(live_server, zhang, inspection_id, decision="approve", revision=1)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "只有科室负责人或管理员可以审核检查记录"

    no_reason = review(live_server, wang, inspection_id, decision="return", reason=" ", revision=1)
    assert no_reason.status_code == 422
    assert "退回理由" in no_reason.json()["detail"]
    missing = review(live_server, wang, inspection_id, decision="approve", revision=2)
    assert missing.status_code == 409
    assert "尚未完整上传" in missing.json()["detail"]
    unknown = review(
        live_server, wang, "11111111-2222-4333-8444-555555555555", decision="approve", revision=1
    )
    assert unknown.status_code == 404

    first = review(live_server, wang, inspection_id, decision="return", reason="缺照片", revision=1)
    again = review(live_server, wang, inspection_id, decision="return", reason="缺照片", revision=1)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["reviewer"] == "wang" and first.json()["reason"] == "缺照片"
    other = review(live_server, wang, inspection_id, decision="approve", revision=1)
    assert other.status_code == 409
    assert "不能再作不同的决定" in other.json()["detail"]

    # Published once, to the owner and to supervisors, not to other inspectors.
    [owner_sees] = feed(live_server, zhang)
    assert owner_sees["data"]["decision"] == "return"
    assert owner_sees["seq"] == first.json()["seq"]
    assert len(feed(live_server, wang)) == 1
    assert feed(live_server, li) == []

    # Files of complete bundles can be downloaded by supervisors and the owner only.
    sha = hashlib.sha256(photo("r", 2000)).hexdigest()
    url = live_server.api(f"/blobs/{sha}/content")
    got = requests.get(url, headers=headers(wang), timeout=5)
    assert got.status_code == 200 and got.content == photo("r", 2000)
    assert requests.get(url, headers=headers(li), timeout=5).status_code == 404
