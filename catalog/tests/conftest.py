import pytest

from accounts.services import api_token_create


@pytest.fixture
def steward_token(data_steward):
    _, raw = api_token_create(user=data_steward, name="lineage producer")
    return raw


@pytest.fixture
def bearer(steward_token):
    return {"HTTP_AUTHORIZATION": f"Bearer {steward_token}"}
