"""Glossary workflow and the four-eyes rule; denials change nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import roles
from accounts.audit import acting_as
from accounts.models import AuditEntry as LogEntry
from accounts.tests.factories import UserFactory
from catalog.models import GlossaryTerm, GlossaryTermEvent
from catalog.services import (
    column_attach_term,
    glossary_term_approve,
    glossary_term_create,
    glossary_term_deprecate,
    glossary_term_submit,
    glossary_term_update,
)
from catalog.tests.factories import ColumnFactory

pytestmark = pytest.mark.django_db
Status = GlossaryTerm.Status


@pytest.fixture
def term_in_review(data_steward):
    term = glossary_term_create(name="Tenant", definition="A customer organisation", actor=data_steward)
    return glossary_term_submit(term=term, actor=data_steward)


def _unchanged(term, status):
    fresh = GlossaryTerm.objects.get(pk=term.pk)
    assert fresh.status == status and fresh.approved_by is None
    assert not fresh.events.filter(action="approved").exists()


def test_a_reviewer_who_did_not_edit_approves(term_in_review, compliance_officer):
    with acting_as(compliance_officer):
        term = glossary_term_approve(term=term_in_review, actor=compliance_officer)
    assert (term.status, term.approved_by) == (Status.APPROVED, compliance_officer)
    assert [e.action for e in term.events.order_by("id")] == ["created", "submitted", "approved"]
    # Field history records the status change with the actor.
    entry = LogEntry.objects.get_for_object(term).filter(changes__icontains="approved").latest("timestamp")
    assert entry.actor == compliance_officer


def test_the_last_editor_cannot_approve_even_as_a_reviewer(term_in_review, compliance_officer):
    term = glossary_term_update(
        term=term_in_review, actor=_editor_reviewer(compliance_officer), definition="x"
    )
    glossary_term_submit(term=term, actor=compliance_officer)
    with pytest.raises(PermissionDenied, match="Four-eyes"):
        glossary_term_approve(term=term, actor=compliance_officer)
    _unchanged(term, Status.IN_REVIEW)


def _editor_reviewer(user):
    """A compliance officer who also edits terms (so the four-eyes rule is what stops them)."""
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=roles.DATA_STEWARD))
    return type(user).objects.get(pk=user.pk)


def test_a_steward_cannot_approve(term_in_review):
    other_steward = UserFactory(role=roles.DATA_STEWARD)
    with pytest.raises(PermissionDenied):
        glossary_term_approve(term=term_in_review, actor=other_steward)
    _unchanged(term_in_review, Status.IN_REVIEW)


def test_only_named_reviewers_approve_when_a_term_names_them(term_in_review, compliance_officer):
    named = UserFactory(role=roles.COMPLIANCE_OFFICER)
    term_in_review.reviewers.set([named])
    with pytest.raises(PermissionDenied, match="named reviewers"):
        glossary_term_approve(term=term_in_review, actor=compliance_officer)
    _unchanged(term_in_review, Status.IN_REVIEW)
    assert glossary_term_approve(term=term_in_review, actor=named).status == Status.APPROVED


def test_a_draft_cannot_be_approved(data_steward, compliance_officer):
    term = glossary_term_create(name="Asset", definition="Equipment", actor=data_steward)
    with pytest.raises(ValidationError):
        glossary_term_approve(term=term, actor=compliance_officer)
    _unchanged(term, Status.DRAFT)


def test_editing_an_approved_term_sends_it_back_to_draft(term_in_review, data_steward, compliance_officer):
    glossary_term_approve(term=term_in_review, actor=compliance_officer)
    term = glossary_term_update(term=term_in_review, actor=data_steward, definition="A paying organisation")
    assert (term.status, term.approved_by, term.last_edited_by) == (Status.DRAFT, None, data_steward)


def test_only_approved_terms_attach_to_columns(term_in_review, data_steward, compliance_officer):
    column = ColumnFactory()
    with pytest.raises(ValidationError, match="Only approved terms"):
        column_attach_term(column=column, term=term_in_review, actor=data_steward)
    assert not column.glossary_terms.exists()
    glossary_term_approve(term=term_in_review, actor=compliance_officer)
    column_attach_term(column=column, term=GlossaryTerm.objects.get(pk=term_in_review.pk), actor=data_steward)
    assert list(column.glossary_terms.all()) == [term_in_review]


def test_deprecation_needs_a_reviewer_and_an_approved_term(term_in_review, data_steward, compliance_officer):
    with pytest.raises(ValidationError):
        glossary_term_deprecate(term=term_in_review, actor=compliance_officer)
    glossary_term_approve(term=term_in_review, actor=compliance_officer)
    with pytest.raises(PermissionDenied):
        glossary_term_deprecate(term=term_in_review, actor=data_steward)
    assert GlossaryTerm.objects.get(pk=term_in_review.pk).status == Status.APPROVED
    term = glossary_term_deprecate(term=term_in_review, actor=compliance_officer, note="replaced by Customer")
    assert term.status == Status.DEPRECATED
    assert GlossaryTermEvent.objects.filter(
        term=term, action="deprecated", note="replaced by Customer"
    ).exists()


def test_api_approve_refuses_the_last_editor_and_changes_nothing(client, term_in_review, compliance_officer):
    editor = _editor_reviewer(compliance_officer)
    term = glossary_term_update(term=term_in_review, actor=editor, definition="edited by the reviewer")
    glossary_term_submit(term=term, actor=editor)
    client.force_login(editor)
    response = client.post(f"/api/catalog/glossary-terms/{term.pk}/approve/")
    assert response.status_code == 403
    _unchanged(term, Status.IN_REVIEW)


def test_api_approve_by_another_reviewer(client, term_in_review, compliance_officer):
    client.force_login(compliance_officer)
    response = client.post(f"/api/catalog/glossary-terms/{term_in_review.pk}/approve/")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["approved_by"] == compliance_officer.username
