"""Grant windows and token lifetimes beyond what the system accepts are refused, nothing stored."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.grants import access_grant_create
from accounts.models import AccessGrant, ApiToken
from accounts.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_a_grant_ending_in_year_9999_is_refused_and_names_the_field(auditor, compliance_officer):
    with pytest.raises(ValidationError) as refused:
        access_grant_create(
            user=auditor,
            scope=OrganizationFactory(),
            valid_from=datetime(2026, 12, 1, tzinfo=UTC),
            valid_until=datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
            actor=compliance_officer,
        )
    assert "outside the dates this system accepts" in refused.value.message_dict["valid_until"][0]
    assert not AccessGrant.objects.exists()


@pytest.mark.parametrize("days", ["3000000", "1000000000"])
def test_token_command_refuses_a_lifetime_beyond_a_century(data_steward, days):
    with pytest.raises(CommandError, match="--expires-days must be between 1 and 36500"):
        call_command("create_api_token", "dana", "--expires-days", days)
    assert not ApiToken.objects.exists()
