"""The API fuzzed from its own OpenAPI schema (schemathesis) against the live test server.

Every operation, with a bounded number of generated requests (valid and invalid ones), as a
privileged and as a least-privileged identity. A 5xx, an undeclared status code or a response
that breaks its schema fails the test, with the operation and a curl command to reproduce it.
`CUSTODIAN_FUZZ_EXAMPLES` sets the examples per operation and mode (default 5).
"""

import os

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from accounts.services import api_token_create
from accounts.tests.factories import UserFactory
from catalog.services import lineage_event_ingest
from catalog.tests.factories import run_event

pytestmark = [
    pytest.mark.services("postgres"),
    # The live server answers from another thread, so the data is committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("CUSTODIAN_FUZZ_EXAMPLES", "5"))
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]


def _fuzz(operation, mode, base_url, headers) -> str | None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode))
    def run(case):
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)

    try:
        run()
    except Exception as failure:  # report every operation's failure, not only the first
        return f"{operation.label} ({mode.value}): {failure}"
    return None


def _fuzz_all(live_server, user) -> list[str]:
    _, token = api_token_create(user=user, name="fuzz")
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        failures += [_fuzz(operation, mode, live_server.url, headers) for mode in MODES]
    return [failure for failure in failures if failure]


@pytest.fixture
def catalog_content(data_steward):
    """Some datasets, columns, edges and an event, so that low ids reach real objects."""
    for _ in range(2):
        lineage_event_ingest(event=run_event(), actor=data_steward)


def test_fuzz_as_a_superuser(live_server, catalog_content):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    failures = _fuzz_all(live_server, admin)
    assert not failures, "\n\n".join(failures)


def test_fuzz_as_a_user_without_roles(live_server, catalog_content, outsider):
    failures = _fuzz_all(live_server, outsider)
    assert not failures, "\n\n".join(failures)
