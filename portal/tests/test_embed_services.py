"""Creating and revoking embed links: who may, what a link may point at, and the audit trail."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import roles
from accounts.models import AuditEntry
from accounts.tests.factories import UserFactory
from portal.embeds.services import embed_link_create, embed_link_revoke
from portal.models import EmbedLink, EmbedOrigin


def link_entries(link, action):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(EmbedLink), object_pk=str(link.pk), action=action
    )


def create(world, **overrides):
    values = {
        "organization": world.helix, "dashboard": "compliance", "reader": world.helix_reader,
        "expires_at": timezone.now() + timedelta(days=7), "actor": world.officer,
    }  # fmt: skip
    return embed_link_create(**(values | overrides))


def refused(world, message, exception=ValidationError, **overrides):
    before = EmbedLink.objects.count(), AuditEntry.objects.count()
    with pytest.raises(exception, match=message):
        create(world, **overrides)
    assert (EmbedLink.objects.count(), AuditEntry.objects.count()) == before


def test_a_link_is_created_and_its_creation_is_in_the_audit_trail(embed_world):
    link = create(embed_world, label="  Quality intranet ")
    assert (link.label, link.created_by, link.revoked_at) == ("Quality intranet", embed_world.officer, None)
    entry = link_entries(link, AuditEntry.Action.CREATE).get()
    assert entry.actor == embed_world.officer
    assert entry.additional_data["event"] == "embed link created"
    assert entry.additional_data["reader"] == embed_world.helix_reader.pk


def test_expiry_is_required_in_the_future_and_at_most_ninety_days_away(embed_world):
    refused(embed_world, "needs an expiry", expires_at=None)
    refused(embed_world, "in the future", expires_at=timezone.now() - timedelta(minutes=1))
    refused(embed_world, "at most 90 days", expires_at=timezone.now() + timedelta(days=91))
    assert create(embed_world, expires_at=timezone.now() + timedelta(days=89)).pk


def test_the_reader_must_be_an_active_customer_viewer_of_that_organisation(embed_world):
    refused(embed_world, "does not belong to Helix Pharma", reader=embed_world.orbit_reader)
    staff = UserFactory(role=roles.COMPLIANCE_OFFICER, organization=embed_world.helix)
    refused(embed_world, "not a customer viewer", reader=staff)
    gone = UserFactory(role=roles.CUSTOMER_VIEWER, organization=embed_world.helix, is_active=False)
    refused(embed_world, "deactivated", reader=gone)


def test_only_customer_dashboards_can_be_embedded(embed_world):
    refused(embed_world, "Choose one of the customer dashboards", dashboard="executive")


def test_people_without_the_permission_cannot_create_or_revoke(embed_world, data_steward):
    refused(embed_world, "may not create", PermissionDenied, actor=data_steward)
    with pytest.raises(PermissionDenied):
        embed_link_revoke(link=embed_world.helix_link, actor=data_steward)
    embed_world.helix_link.refresh_from_db()
    assert embed_world.helix_link.revoked_at is None


def test_revoking_is_audited_once_and_revoking_again_changes_nothing(embed_world):
    link = embed_link_revoke(link=embed_world.helix_link, actor=embed_world.officer)
    assert link.revoked_by == embed_world.officer and link.revoked_at is not None
    again = embed_link_revoke(link=link, actor=embed_world.officer)
    assert again.revoked_at == link.revoked_at
    revocations = link_entries(link, AuditEntry.Action.UPDATE)
    assert revocations.count() == 1


@pytest.mark.parametrize(
    "origin",
    ["http://intranet.example", "https://Intranet.example", "https://intranet.example/",
     "https://intranet.example/path", "https://*.example", "intranet.example", "https://a b"],
)  # fmt: skip
def test_origins_must_be_https_scheme_host_and_port_only(embed_world, origin):
    with pytest.raises(ValidationError, match="https://host"):
        EmbedOrigin(organization=embed_world.helix, origin=origin).full_clean()


def test_loopback_http_origins_only_where_settings_allow(embed_world, settings):
    origin = EmbedOrigin(organization=embed_world.orbit, origin="http://127.0.0.1:8123")
    with pytest.raises(ValidationError):
        origin.full_clean()
    settings.EMBED_ALLOW_HTTP_LOOPBACK = True
    origin.full_clean()


@pytest.mark.parametrize(
    ("overrides", "check_id"),
    [({"EMBED_LINK_MAX_DAYS": 0}, "portal.E101"), ({"EMBED_LINK_MAX_DAYS": 4000}, "portal.E101"),
     ({"PRODUCTION": True, "EMBED_ALLOW_HTTP_LOOPBACK": True}, "portal.E102")],
)  # fmt: skip
def test_bad_embed_settings_fail_the_system_check(overrides, check_id):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.test import override_settings

    with override_settings(**overrides), pytest.raises(SystemCheckError, match=check_id):
        call_command("check", "--tag", "security")
