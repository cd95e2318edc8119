"""Schemathesis fuzzes every operation of the server's OpenAPI schema: no generated request
gets a 5xx (issue #22). Bounded: a few examples per operation, well under a minute."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")  # the dev extra; CI installs it

from hypothesis import HealthCheck, settings  # noqa: E402

from stylist.config import ServerSettings, load_settings  # noqa: E402
from stylist.runtime import Runtime  # noqa: E402
from stylist.server.app import create_app  # noqa: E402
from stylist.tools.registry import ToolRegistry  # noqa: E402
from tests.fakes import Echo, EchoStylist  # noqa: E402
from tests.fakes.agent import FakeCatalogueIndex  # noqa: E402
from tests.server_helpers import PictureSize, WhoAmI  # noqa: E402

KEY = "fuzz-key"


def _app():  # noqa: ANN202
    runtime = Runtime(load_settings(), catalogue_index=FakeCatalogueIndex())
    stylist = EchoStylist(runtime, ToolRegistry([Echo(), WhoAmI(), PictureSize()]))
    return create_app(
        stylist,
        ServerSettings(api_keys=[KEY], rate_limit_per_minute=100_000, max_message_chars=2000),
        concurrency=2,
    )


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error(case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["code"] and error["message"] and error["request_id"]
