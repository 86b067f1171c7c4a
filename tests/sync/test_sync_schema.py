"""Schemathesis against the OpenAPI document the live server serves: no request, however
malformed, gets a 500; every answer matches its documented status codes and schema."""

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from sync.protocol import API_PREFIX
from tests.sync.sync_support import PASSWORD, LiveServer, headers

DEVICE = "33333333-2222-4333-8444-555555555555"


def test_no_request_gets_a_server_error(shared_server: LiveServer) -> None:
    body = {"username": "zhang", "password": PASSWORD, "device_id": DEVICE}
    login = requests.post(shared_server.api("/auth/login"), json=body, headers=headers(), timeout=5)
    sent = headers(login.json()["token"])
    schema = schemathesis.openapi.from_url(shared_server.url + API_PREFIX + "/openapi.json")
    # Logging out would revoke the token the other operations are fuzzed with.
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if not op.path.endswith("/auth/logout")
    ]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=sent)

        check()
