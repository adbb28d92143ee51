"""The audit trail: chained, append-only, with the reason for change on GxP records."""

import itertools

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from accounts import audit
from accounts.audit import acting_as, change_reason
from accounts.chain import chain_verify
from accounts.models import AuditChainHead, AuditEntry, Organization
from accounts.models.trail import GENESIS_HASH, AuditTrailImmutable, ReasonForChangeRequired
from accounts.services import organization_update
from accounts.tasks import audit_verify
from accounts.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gxp_organizations(monkeypatch):
    """Treat Organization as a GxP record for the test (governance models will opt in for real)."""
    monkeypatch.setattr(audit, "GXP_MODELS", {*audit.GXP_MODELS, "accounts.organization"})


def _trail():
    return list(AuditEntry.objects.order_by("seq"))


def test_each_entry_carries_the_hash_of_the_one_before(compliance_officer):
    with acting_as(compliance_officer):
        org = OrganizationFactory(name="Helix")
        organization_update(organization=org, name="Helix Pharma")
    entries = _trail()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.entry_hash
    last = entries[-1]
    assert (last.action, last.actor, last.changes["name"]) == (
        AuditEntry.Action.UPDATE,
        compliance_officer,
        ["Helix", "Helix Pharma"],
    )
    head = AuditChainHead.objects.get()
    assert (head.seq, head.last_hash) == (last.seq, last.entry_hash)
    assert chain_verify().ok


def test_gxp_record_cannot_change_without_a_reason(gxp_organizations, compliance_officer):
    org = OrganizationFactory(name="Helix")
    before = AuditEntry.objects.count()
    with pytest.raises(ReasonForChangeRequired), acting_as(compliance_officer):
        organization_update(organization=org, name="Helix Pharma")
    assert Organization.objects.get(pk=org.pk).name == "Helix"
    assert AuditEntry.objects.count() == before


def test_gxp_record_cannot_be_deleted_without_a_reason(gxp_organizations, compliance_officer):
    org = OrganizationFactory(name="Helix")
    with pytest.raises(ReasonForChangeRequired), acting_as(compliance_officer), transaction.atomic():
        org.delete()
    assert Organization.objects.filter(pk=org.pk).exists()
    with acting_as(compliance_officer), change_reason("Duplicate of tenant 12"):
        Organization.objects.get(pk=org.pk).delete()
    entry = AuditEntry.objects.latest("seq")
    assert (entry.action, entry.reason) == (AuditEntry.Action.DELETE, "Duplicate of tenant 12")
    assert not Organization.objects.filter(pk=org.pk).exists()


def test_reason_for_change_is_recorded_on_the_entry(gxp_organizations, compliance_officer):
    org = OrganizationFactory(name="Helix")
    with acting_as(compliance_officer), change_reason("Legal name changed after merger (CR-12)"):
        organization_update(organization=org, name="Helix Pharma")
    entry = AuditEntry.objects.latest("seq")
    assert entry.reason == "Legal name changed after merger (CR-12)"
    assert Organization.objects.get(pk=org.pk).name == "Helix Pharma"
    assert chain_verify().ok


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    OrganizationFactory()
    entry = AuditEntry.objects.latest("seq")
    entry.object_repr = "something else"
    for attempt in (
        entry.save,
        entry.delete,
        AuditEntry.objects.all().delete,
        lambda: AuditEntry.objects.update(reason="x"),
        lambda: AuditEntry.objects.bulk_create([AuditEntry()]),
    ):
        with pytest.raises(AuditTrailImmutable):
            attempt()
    assert AuditEntry.objects.get(pk=entry.pk).object_repr != "something else"
    assert chain_verify().ok


def test_even_a_superuser_cannot_edit_or_delete_entries_in_the_admin(admin_client):
    OrganizationFactory()
    entry = AuditEntry.objects.latest("seq")
    url = f"/admin/accounts/auditentry/{entry.pk}/"
    assert admin_client.get(url + "change/").status_code == 200  # viewable
    admin_client.post(url + "change/", {"reason": "rewritten"})
    assert admin_client.post(url + "delete/", {"post": "yes"}).status_code == 403
    changelist = admin_client.post(
        "/admin/accounts/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk]}
    )
    assert changelist.status_code in (200, 302)
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def _chain_of(n):
    with acting_as(None):
        for _ in range(n):
            OrganizationFactory()
    return _trail()


def test_verify_names_an_entry_changed_in_the_database():
    entries = _chain_of(5)
    from accounts.tests.trail_helpers import tamper

    tamper("UPDATE accounts_auditentry SET object_repr = %s WHERE id = %s", ["Forged", entries[2].pk])
    report = chain_verify()
    assert (report.broken_seq, report.broken_id) == (3, entries[2].pk)
    assert "changed" in report.problem


def test_verify_names_an_entry_deleted_from_the_database():
    entries = _chain_of(5)
    from accounts.tests.trail_helpers import tamper

    tamper("DELETE FROM accounts_auditentry WHERE id = %s", [entries[1].pk])
    report = chain_verify()
    assert report.broken_seq == 2
    assert "missing" in report.problem and report.broken_id == entries[2].pk


def test_verify_names_the_first_entry_of_a_reordering():
    entries = _chain_of(5)
    from accounts.tests.trail_helpers import tamper

    a, b = entries[1], entries[3]
    tamper("UPDATE accounts_auditentry SET seq = %s WHERE id = %s", [10**12, a.pk])
    tamper("UPDATE accounts_auditentry SET seq = %s WHERE id = %s", [a.seq, b.pk])
    tamper("UPDATE accounts_auditentry SET seq = %s WHERE id = %s", [b.seq, a.pk])
    report = chain_verify(batch_size=2)
    assert (report.broken_seq, report.broken_id) == (2, b.pk)


def test_verify_notices_the_newest_entries_deleted():
    entries = _chain_of(4)
    from accounts.tests.trail_helpers import tamper

    tamper("DELETE FROM accounts_auditentry WHERE seq >= %s", [entries[-2].seq])
    report = chain_verify()
    assert report.broken_seq == entries[-2].seq and "head" in report.problem


def test_audit_verify_command_reports_ok_and_fails_naming_the_broken_link(capsys):
    entries = _chain_of(3)
    call_command("audit_verify")
    assert f"OK: {len(entries)} entries" in capsys.readouterr().out
    from django.core.management.base import CommandError

    from accounts.tests.trail_helpers import tamper

    tamper("UPDATE accounts_auditentry SET changes_text = 'x' WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=rf"BROKEN at entry #2 \(id {entries[1].pk}\)"):
        call_command("audit_verify")


def test_scheduled_verification_task_reports_the_chain(settings, caplog):
    entries = _chain_of(2)
    assert settings.CELERY_BEAT_SCHEDULE["accounts-audit-verify"]["task"] == "accounts.tasks.audit_verify"
    assert audit_verify.delay().get()["ok"] is True
    from accounts.tests.trail_helpers import tamper

    tamper("UPDATE accounts_auditentry SET reason = 'x' WHERE id = %s", [entries[0].pk])
    result = audit_verify.delay().get()
    assert result["ok"] is False and "entry #1" in result["summary"]
    assert "Audit trail verification failed" in caplog.text


def test_logins_and_failures_are_in_the_trail(client, compliance_officer):
    from accounts.tests.factories import PASSWORD

    client.post("/admin/login/?next=/admin/", {"username": "carla", "password": "wrong"})
    client.post("/admin/login/?next=/admin/", {"username": "carla", "password": PASSWORD})
    client.post("/admin/logout/")
    events = AuditEntry.objects.filter(action__gte=AuditEntry.Action.LOGIN).order_by("seq")
    assert [(e.action, e.actor_id, e.additional_data["username"]) for e in events] == [
        (AuditEntry.Action.LOGIN_FAILED, compliance_officer.pk, "carla"),
        (AuditEntry.Action.LOGIN, compliance_officer.pk, "carla"),
        (AuditEntry.Action.LOGOUT, compliance_officer.pk, "carla"),
    ]
    assert chain_verify().ok


def test_trail_changelist_query_count_does_not_grow(admin_client, django_assert_max_num_queries):
    from accounts.services import access_event_record

    _chain_of(3)
    access_event_record(kind="login_failed", username="nobody")
    with django_assert_max_num_queries(12):
        page = admin_client.get("/admin/accounts/auditentry/")
    assert page.status_code == 200 and "failed login" in page.content.decode()
    _chain_of(30)
    with django_assert_max_num_queries(12):
        assert admin_client.get("/admin/accounts/auditentry/").status_code == 200


@pytest.mark.services("postgres")
def test_postgresql_rejects_update_and_delete_on_the_trail():
    OrganizationFactory()
    entry = AuditEntry.objects.latest("seq")
    for sql in (
        "UPDATE accounts_auditentry SET reason = 'forged' WHERE id = %s",
        "DELETE FROM accounts_auditentry WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""
    assert chain_verify().ok


@pytest.mark.services("postgres")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_do_not_fork_the_chain():
    """Writers in separate connections queue on the chain head instead of reusing a position."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(4)
    errors = []

    def writer(n):
        try:
            barrier.wait()
            for i in range(10):
                with transaction.atomic():
                    Organization.objects.create(
                        name=f"Writer {n}-{i}",
                        slug=f"w{n}-{i}",
                        icp_segment="lab",
                        region="eu",
                        data_residency="eu",
                    )
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = _trail()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert AuditEntry.objects.filter(content_type__model="organization").count() == 40
    assert chain_verify().ok


def test_entry_detail_shows_the_event_and_its_chain_links(admin_client):
    from accounts.services import access_event_record

    access_event_record(kind="login_failed", username="mallory")
    entry = AuditEntry.objects.latest("seq")
    page = admin_client.get(f"/admin/accounts/auditentry/{entry.pk}/change/").content.decode()
    assert "failed login" in page and "mallory" in page
    assert entry.entry_hash in page and entry.prev_hash in page
    assert 'name="_save"' not in page


def _org_form(org, **changes):
    fields = ["name", "slug", "tier", "icp_segment", "region", "data_residency"]
    inline = "accounts-signature-content_type-object_pk"  # the signatures inline's management form
    management = {f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"}
    return {**{f: getattr(org, f) for f in fields}, **management, **changes}


@pytest.mark.urls("accounts.tests.signing_site")
def test_admin_change_of_a_gxp_record_requires_and_records_a_reason(admin_client, gxp_organizations):
    org = OrganizationFactory(name="Helix")
    url = f"/admin/accounts/organization/{org.pk}/change/"
    refused = admin_client.post(url, _org_form(org, name="Helix Pharma"))
    assert list(refused.context["adminform"].form.errors) == ["reason_for_change"]
    assert Organization.objects.get(pk=org.pk).name == "Helix"
    saved = admin_client.post(url, _org_form(org, name="Helix Pharma", reason_for_change="Merger, CR-12"))
    assert saved.status_code == 302
    entry = AuditEntry.objects.latest("seq")
    assert (entry.changes["name"], entry.reason) == (["Helix", "Helix Pharma"], "Merger, CR-12")


def test_compliance_officer_reads_the_trail_and_signatures_others_do_not(
    client, compliance_officer, data_steward
):
    OrganizationFactory()
    client.force_login(compliance_officer)
    assert client.get("/admin/accounts/auditentry/").status_code == 200
    assert client.get("/admin/accounts/signature/").status_code == 200
    client.force_login(data_steward)
    assert client.get("/admin/accounts/auditentry/").status_code == 403
    assert client.get("/admin/accounts/signature/").status_code == 403
