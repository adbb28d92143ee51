"""PII suggestions and classification propagation: suggested, reviewed, never applied silently."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.audit import acting_as
from accounts.models import AuditEntry as LogEntry
from catalog import pii
from catalog.models import ClassificationSuggestion, Column
from catalog.services import column_classify, pii_scan, suggestion_accept, suggestion_reject
from catalog.tests.factories import ColumnFactory, JobFactory, column_edge, level

pytestmark = pytest.mark.django_db
Suggestion = ClassificationSuggestion


@pytest.mark.parametrize(
    ("name", "category", "code"),
    [
        ("email", "direct_identifier", "L3"),
        ("customerEmailAddress", "direct_identifier", "L3"),
        ("contact_email", "direct_identifier", "L3"),
        ("first_name", "direct_identifier", "L3"),
        ("mobile_phone", "direct_identifier", "L3"),
        ("street_address", "quasi_identifier", "L3"),
        ("date_of_birth", "quasi_identifier", "L3"),
        ("DOB", "quasi_identifier", "L3"),
        ("ssn", "direct_identifier", "L4"),
        ("patient_mrn", "health", "L4"),
        ("client_ip", "quasi_identifier", "L3"),
        ("diagnosis_code", "health", "L4"),
        ("iban", "financial", "L4"),
        ("work_order_status", None, None),
        ("shipping_fee", None, None),
    ],
)
def test_name_patterns(name, category, code):
    rule = pii.match_name(name)
    assert (rule.category if rule else None, rule.classification if rule else None) == (category, code)


def test_value_patterns_need_most_values_to_match():
    assert pii.match_values(["a@b.io", "c@d.org", "e@f.com", "", None])[0].label == "e-mail address"
    assert pii.match_values(["123-45-6789", "987-65-4321"])[0].classification == "L4"
    assert pii.match_values(["a@b.io", "hello", "world"]) is None
    assert pii.match_values([]) is None


def test_scan_suggests_and_changes_no_column(data_steward):
    email, notes, done = ColumnFactory(name="email"), ColumnFactory(name="notes"), ColumnFactory(name="phone")
    done.pii_category = "direct_identifier"
    done.save()
    created = pii_scan(
        columns=[email, notes, done], samples={notes.pk: ["123-45-6789"] * 5}, actor=data_steward
    )
    assert {(s.column.name, s.detector, s.suggested_classification.code) for s in created} == {
        ("email", "name_pattern", "L3"),
        ("notes", "value_sample", "L4"),
    }
    assert Column.objects.filter(classification__isnull=False).count() == 0
    assert Column.objects.get(pk=email.pk).pii_category == ""
    assert pii_scan(columns=[email, notes], samples={notes.pk: ["123-45-6789"] * 5}, actor=data_steward) == []


def test_steward_accepts_a_suggestion_and_it_is_audited(data_steward):
    column = ColumnFactory(name="email")
    [suggestion] = pii_scan(columns=[column], actor=data_steward)
    with acting_as(data_steward):
        suggestion_accept(suggestion=suggestion, actor=data_steward)
    column.refresh_from_db()
    assert (column.classification.code, column.pii_category) == ("L3", "direct_identifier")
    assert Suggestion.objects.get(pk=suggestion.pk).reviewed_by == data_steward
    entry = LogEntry.objects.get_for_object(column).latest("timestamp")
    assert entry.actor == data_steward and "classification" in entry.changes_dict


def test_reject_leaves_the_column_alone_and_cannot_be_reviewed_twice(data_steward):
    column = ColumnFactory(name="email")
    [suggestion] = pii_scan(columns=[column], actor=data_steward)
    suggestion_reject(suggestion=suggestion, actor=data_steward)
    assert Column.objects.get(pk=column.pk).classification is None
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="already rejected"):
        suggestion_accept(suggestion=suggestion, actor=data_steward)
    assert Column.objects.get(pk=column.pk).classification is None


def test_compliance_officer_cannot_accept_and_nothing_changes(data_steward, compliance_officer, client):
    column = ColumnFactory(name="ssn")
    [suggestion] = pii_scan(columns=[column], actor=data_steward)
    with pytest.raises(PermissionDenied):
        suggestion_accept(suggestion=suggestion, actor=compliance_officer)
    client.force_login(compliance_officer)
    assert client.post(f"/api/catalog/suggestions/{suggestion.pk}/accept/").status_code == 403
    assert Suggestion.objects.get(pk=suggestion.pk).status == "pending"
    assert Column.objects.get(pk=column.pk).classification is None


def test_classification_propagates_downstream_with_a_reason_chain(data_steward):
    email = ColumnFactory(name="email", dataset__name="warehouse.cleansed.users")
    fact = ColumnFactory(name="email", dataset__name="warehouse.curated.fact_x")
    mart = ColumnFactory(name="contact", dataset__name="warehouse.mart.contacts")
    column_edge(email, fact, job=JobFactory(name="build_fact_x"))
    column_edge(fact, mart, job=JobFactory(name="build_contacts"))
    column_classify(
        column=email, classification=level("L3"), pii_category="direct_identifier", actor=data_steward
    )

    suggestions = {s.column_id: s for s in Suggestion.objects.filter(detector="propagation")}
    assert set(suggestions) == {fact.pk, mart.pk}
    assert (
        suggestions[fact.pk].reason
        == "derived from duckdb/warehouse.cleansed.users.email via job build_fact_x"
    )
    assert suggestions[mart.pk].reason == (
        "derived from duckdb/warehouse.curated.fact_x.email via job build_contacts, "
        "derived from duckdb/warehouse.cleansed.users.email via job build_fact_x"
    )
    assert all(s.suggested_classification.code == "L3" for s in suggestions.values())
    # Suggested only: nothing downstream changed until a steward confirms.
    assert Column.objects.get(pk=fact.pk).classification is None


def test_propagation_stops_at_masking_aggregation_and_indirect_edges(data_steward):
    source = ColumnFactory(name="email")
    hashed, counted, filtered, copied = (ColumnFactory() for _ in range(4))
    beyond_hash = ColumnFactory()
    column_edge(source, hashed, masking=True, subtype="TRANSFORMATION")
    column_edge(hashed, beyond_hash)
    column_edge(source, counted, subtype="AGGREGATION")
    column_edge(source, filtered, kind="INDIRECT", subtype="FILTER")
    column_edge(source, copied)
    column_classify(column=source, classification=level("L4"), actor=data_steward)
    assert list(Suggestion.objects.values_list("column_id", flat=True)) == [copied.pk]


def test_propagation_never_suggests_a_lower_or_equal_level(data_steward):
    source, stricter = ColumnFactory(), ColumnFactory(classification=level("L4"))
    column_edge(source, stricter)
    column_classify(column=source, classification=level("L3"), actor=data_steward)
    assert not Suggestion.objects.exists()


def test_propagation_survives_cycles(data_steward):
    a, b = ColumnFactory(), ColumnFactory()
    column_edge(a, b)
    column_edge(b, a)
    column_classify(column=a, classification=level("L2"), actor=data_steward)
    assert list(Suggestion.objects.values_list("column_id", flat=True)) == [b.pk]


def test_accepting_a_propagated_suggestion_propagates_further(data_steward):
    a, b, c = ColumnFactory(), ColumnFactory(), ColumnFactory()
    column_edge(a, b)
    column_edge(b, c)
    column_classify(column=a, classification=level("L3"), actor=data_steward)
    suggestion = Suggestion.objects.get(column=b)
    suggestion_accept(suggestion=suggestion, actor=data_steward)
    assert Column.objects.get(pk=b.pk).classification.code == "L3"
    # c already had a pending L3 suggestion from a; no duplicate appears.
    assert Suggestion.objects.filter(column=c, status="pending").count() == 1


def test_propagation_skips_removed_columns(data_steward):
    from catalog.services.datasets import column_mark_removed

    email = ColumnFactory(name="email")
    gone = ColumnFactory(name="email_copy")
    column_edge(email, gone)
    column_mark_removed(column=gone)
    column_classify(column=email, classification=level("L3"), actor=data_steward)
    assert not Suggestion.objects.filter(detector="propagation").exists()
