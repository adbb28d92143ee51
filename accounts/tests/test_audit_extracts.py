"""Audit trail extracts: filters, header lines, logging of the export, CSV that opens safely."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.audit import acting_as
from accounts.extracts import AuditFilter, ExtractFilterError, audit_export
from accounts.models import AuditEntry
from accounts.services import organization_update
from accounts.tests.factories import OrganizationFactory
from accounts.tests.trail_helpers import tamper

pytestmark = pytest.mark.django_db


def _parse(text: str):
    """(header dict, column names, data rows) read back with the csv module."""
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    header = {r[0]: r[1:] for r in rows if r and r[0].startswith("# ")}
    body = [r for r in rows if r and not r[0].startswith("#")]
    columns, data = body[0], body[1:]
    return header, columns, [dict(zip(columns, r, strict=True)) for r in data]


def _export(actor, **flt):
    return _parse("".join(audit_export(flt=AuditFilter(**flt), actor=actor)))


@pytest.fixture
def history(compliance_officer, data_steward):
    """Entries on three days by two people: creates, an update, and a login."""
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False), acting_as(compliance_officer):
        helix = OrganizationFactory(name="Helix")
    with time_machine.travel(datetime(2026, 3, 2, 23, 59, tzinfo=UTC), tick=False), acting_as(data_steward):
        organization_update(organization=helix, name="Helix Pharma")
    with time_machine.travel(datetime(2026, 3, 3, 0, 1, tzinfo=UTC), tick=False), acting_as(data_steward):
        OrganizationFactory(name="Orion")
    return helix


def test_date_range_is_inclusive_and_in_utc(history, compliance_officer):
    _, _, rows = _export(compliance_officer, date_from=date(2026, 3, 2), date_to=date(2026, 3, 2))
    assert [(r["action"], r["object"]) for r in rows] == [("update", "Helix Pharma")]
    assert rows[0]["timestamp_utc"] == "2026-03-02T23:59:00.000Z"


def test_filter_by_user_action_and_object_type(history, compliance_officer, data_steward):
    _, _, by_dana = _export(compliance_officer, user="dana", object_type="accounts.organization")
    assert [(r["actor"], r["action"], r["object"]) for r in by_dana] == [
        ("dana", "update", "Helix Pharma"),
        ("dana", "create", "Orion"),
    ]
    creates = _export(
        compliance_officer, action="create", object_type="accounts.organization", date_to=date(2026, 3, 31)
    )[2]
    assert [r["object"] for r in creates] == ["Helix", "Orion"]
    assert {r["object_type"] for r in creates} == {"accounts.organization"}
    _, _, changes = _export(compliance_officer, action="update", user="dana")
    assert changes[0]["changes"] == '{"name": ["Helix", "Helix Pharma"]}'


def test_header_names_filter_time_exporter_and_chain_result(history, compliance_officer):
    with time_machine.travel(datetime(2026, 4, 1, 12, tzinfo=UTC), tick=False):
        header, columns, _ = _export(compliance_officer, user="dana", action="update")
    assert header["# filter"] == ["user=dana; action=update"]
    assert header["# exported_at_utc"] == ["2026-04-01T12:00:00+00:00"]
    assert header["# exported_by"] == ["carla (Test Carla)"]
    assert header["# chain_verification"][0].startswith("OK: ")
    assert columns[:5] == ["seq", "timestamp_utc", "actor", "actor_email", "action"]


def test_a_broken_chain_is_stated_in_the_header_and_the_rows_still_come(history, compliance_officer):
    first = AuditEntry.objects.filter(object_repr="Helix").get()
    tamper("UPDATE accounts_auditentry SET object_repr = 'Forged' WHERE id = %s", [first.pk])
    header, _, rows = _export(compliance_officer, date_to=date(2026, 3, 31))
    assert header["# chain_verification"][0].startswith(f"BROKEN at entry #{first.seq}")
    assert [r["object"] for r in rows] == ["Forged", "Helix Pharma", "Orion"]


def test_the_export_is_logged_in_the_trail(history, compliance_officer):
    before = AuditEntry.objects.count()
    _, _, rows = _export(compliance_officer, user="dana")
    entry = AuditEntry.objects.latest("seq")
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.actor) == (AuditEntry.Action.EXPORT, compliance_officer)
    assert entry.additional_data["filter"]["user"] == "dana" and entry.additional_data["chain_ok"] is True
    assert entry.seq not in {int(r["seq"]) for r in rows}


def test_bad_filters_are_refused_before_anything_is_logged(history, compliance_officer):
    for flt in (
        {"user": "nobody"},
        {"action": "explode"},
        {"object_type": "accounts.nothing"},
        {"date_from": date(2026, 3, 5), "date_to": date(2026, 3, 1)},
    ):
        with pytest.raises(ExtractFilterError):
            audit_export(flt=AuditFilter(**flt), actor=compliance_officer)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 0


DANGEROUS = ['=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)", "\tx"]


def test_csv_neutralises_formulas_and_keeps_quotes_commas_newlines_and_utf8(compliance_officer):
    names = [*DANGEROUS, 'Société "Générale", Zürich\nline two — ✓']
    with acting_as(compliance_officer):
        for name in names:
            OrganizationFactory(name=name)
    _, _, rows = _export(
        compliance_officer, user="carla", action="create", object_type="accounts.organization"
    )
    objects = [r["object"] for r in rows]
    assert objects == [f"'{n}" for n in DANGEROUS] + [names[-1]]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for r in rows for cell in r.values())


def test_management_command_writes_the_file_and_logs_the_export(history, tmp_path, compliance_officer):
    out = tmp_path / "extract.csv"
    call_command(
        "audit_export", "--user", "dana", "--from", "2026-03-01", "--output", str(out), "--actor", "carla"
    )
    header, _, rows = _parse(out.read_text(encoding="utf-8"))
    assert header["# exported_by"] == ["carla (Test Carla)"]
    assert [r["object"] for r in rows] == ["Helix Pharma", "Orion"]
    assert AuditEntry.objects.latest("seq").action == AuditEntry.Action.EXPORT


def _exports():
    return AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count()


def test_management_command_refuses_bad_input_and_logs_nothing(history):
    with pytest.raises(CommandError, match="not a date"):
        call_command("audit_export", "--from", "01/03/2026")
    with pytest.raises(CommandError, match="Unknown action"):
        call_command("audit_export", "--action", "explode")
    with pytest.raises(CommandError, match="no active user"):
        call_command("audit_export", "--actor", "ghost")
    assert _exports() == 0


def test_compliance_officer_downloads_a_streamed_extract_from_the_admin(client, history, compliance_officer):
    client.force_login(compliance_officer)
    assert "extract/" in client.get("/admin/accounts/auditentry/").content.decode()
    assert client.get("/admin/accounts/auditentry/extract/").status_code == 200
    response = client.post("/admin/accounts/auditentry/extract/", {"user": "dana", "action": "update"})
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    header, _, rows = _parse(b"".join(response.streaming_content).decode("utf-8"))
    assert [r["object"] for r in rows] == ["Helix Pharma"]
    assert header["# exported_by"] == ["carla (Test Carla)"]


def test_admin_extract_form_shows_a_bad_filter_and_logs_nothing(client, history, compliance_officer):
    client.force_login(compliance_officer)
    response = client.post("/admin/accounts/auditentry/extract/", {"user": "nobody"})
    assert response.status_code == 200 and "No user named" in response.content.decode()
    response = client.post("/admin/accounts/auditentry/extract/", {"date_from": "yesterday"})
    assert response.status_code == 200 and "Enter a valid date" in response.content.decode()
    assert _exports() == 0


def test_only_holders_of_the_export_permission_may_export(client, history, data_steward, executive):
    for persona in (data_steward, executive):
        client.force_login(persona)
        assert client.post("/admin/accounts/auditentry/extract/", {}).status_code == 403
        assert client.get("/admin/accounts/auditentry/extract/").status_code == 403
    assert _exports() == 0


@pytest.mark.services("postgres")
def test_copy_stream_keeps_characters_split_across_blocks(compliance_officer):
    """PostgreSQL streams COPY in blocks; a character cut in two must still arrive whole."""
    from accounts.audit import audit_event_record

    text = "é✓ж" * 40_000  # ~250 kB of multi-byte characters, far beyond one block
    audit_event_record(action=AuditEntry.Action.ACCESS, obj=compliance_officer, data={"note": text})
    _, _, rows = _export(compliance_officer, action="access")
    assert rows[-1]["details"] == '{"note": "' + text + '"}'
