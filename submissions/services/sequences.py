import hashlib

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Signature
from accounts.signatures import SignatureRejected, signature_sign, signatures_for
from submissions.models import Application, Leaf, PackageBuild, Sequence, SubmissionEvent
from submissions.reference import fda_codes, sections_for


class SubmissionError(Exception):
    """A request that breaks a submission rule; the message says which and how to fix it."""


def _event(sequence, kind, actor, **detail):
    SubmissionEvent.objects.create(sequence=sequence, kind=kind, actor=actor, detail=detail)


def sequence_create(
    *,
    application,
    submission_type,
    submission_sub_type="application",
    description="",
    template=None,
    activity_start=None,
    planned_date=None,
    actor,
) -> Sequence:
    """Allocate the next sequence number of the application (0001 at the FDA, 0000 in the EU)."""
    if application.region == "us":
        codes = fda_codes()
        if submission_type not in codes["submission_types"]:
            raise SubmissionError(f"Unknown FDA submission type {submission_type!r}.")
        if submission_sub_type not in codes["submission_sub_types"]:
            raise SubmissionError(f"Unknown FDA submission sub-type {submission_sub_type!r}.")
    if activity_start is not None and activity_start.application_id != application.pk:
        raise SubmissionError("The regulatory activity must start in the same application.")
    with transaction.atomic():
        Application.objects.select_for_update().get(pk=application.pk)
        last = application.sequences.aggregate(n=Max("number"))["n"]
        number = application.first_sequence_number if last is None else last + 1
        if number > 9999:
            raise SubmissionError("Sequence numbers have four digits: 9999 is the last one.")
        sequence = Sequence(
            application=application,
            number=number,
            submission_type=submission_type,
            submission_sub_type=submission_sub_type,
            description=description,
            template=template,
            activity_start=activity_start,
            planned_date=planned_date,
            created_by=actor,
        )
        sequence.full_clean()
        sequence.save()
        _event(sequence, SubmissionEvent.Kind.CREATED, actor, number=sequence.label)
    return sequence


def _retired_leaf_ids(application, before_number: int) -> set[int]:
    """Leaves already replaced or deleted by a sequence up to `before_number`."""
    return set(
        Leaf.objects.filter(
            sequence__application=application,
            sequence__number__lte=before_number,
            operation__in=[Leaf.Operation.REPLACE, Leaf.Operation.DELETE],
        ).values_list("modified_leaf_id", flat=True)
    )


def _check_lifecycle(sequence, operation, modified_leaf, version):
    if operation == Leaf.Operation.NEW:
        if modified_leaf is not None:
            raise SubmissionError("A 'new' leaf has no relationship to an earlier leaf.")
        if version is None:
            raise SubmissionError("A 'new' leaf needs a document version.")
        return
    if modified_leaf is None:
        raise SubmissionError(f"A '{operation}' leaf must name the earlier leaf it modifies.")
    target_seq = modified_leaf.sequence
    if target_seq.application_id != sequence.application_id:
        raise SubmissionError("The modified leaf belongs to another application.")
    same_allowed = operation == Leaf.Operation.APPEND
    if target_seq.number > sequence.number or (target_seq.number == sequence.number and not same_allowed):
        raise SubmissionError(f"The modified leaf must come from an earlier sequence than {sequence.label}.")
    if modified_leaf.operation == Leaf.Operation.DELETE:
        raise SubmissionError("A 'delete' leaf cannot itself be modified.")
    if modified_leaf.pk in _retired_leaf_ids(sequence.application, sequence.number):
        raise SubmissionError(f"Leaf {modified_leaf.leaf_id} was already replaced or deleted.")
    if operation == Leaf.Operation.DELETE and version is not None:
        raise SubmissionError("A 'delete' leaf submits no file.")
    if operation != Leaf.Operation.DELETE and version is None:
        raise SubmissionError(f"A '{operation}' leaf needs a document version.")


def _check_same_in_sequence(sequence, ctd, attributes: dict) -> None:
    """A keyed heading the backbone holds once (FDA 1.15) takes one value per sequence."""
    sections = sections_for(sequence.application.region)
    for key in ctd.same_in_sequence:
        for other in sequence.leaves.all():
            other_ctd = sections.get(other.section)
            if (
                other_ctd
                and key in other_ctd.same_in_sequence
                and other.attributes.get(key) != attributes[key]
            ):
                raise SubmissionError(
                    f"Section {ctd.code}: {key} is {other.attributes.get(key)!r} in this sequence already "
                    f"(leaf {other.title!r}); us-regional.xml holds one value per sequence: "
                    "place this document in another sequence."
                )


def leaf_validate(
    *, sequence, section, operation="new", version=None, modified_leaf=None, attributes=None, form_type=""
) -> None:
    """Raise SubmissionError when the leaf breaks a placement or lifecycle rule."""
    if sequence.status != Sequence.Status.DRAFT:
        raise SubmissionError(
            f"Sequence {sequence.label} is {sequence.get_status_display()}: it can no longer change."
        )
    region = sequence.application.region
    ctd = sections_for(region).get(section)
    if ctd is None:
        raise SubmissionError(f"Section {section} is not a CTD location for the {region.upper()} region.")
    missing = [k for k in ctd.keys if not (attributes or {}).get(k)]
    if missing:
        raise SubmissionError(f"Section {section} needs: {', '.join(missing)}.")
    _check_same_in_sequence(sequence, ctd, attributes or {})
    if ctd.forms and form_type not in fda_codes()["form_types"]:
        raise SubmissionError(f"Section {section} holds forms: choose the form type.")
    if version is not None and version.document.application_id != sequence.application_id:
        raise SubmissionError("The document belongs to another application.")
    if modified_leaf is not None and modified_leaf.section != section:
        raise SubmissionError("A lifecycle operation stays in the CTD section of the leaf it modifies.")
    _check_lifecycle(sequence, operation, modified_leaf, version)


def leaf_add(
    *,
    sequence,
    section,
    title,
    operation="new",
    version=None,
    modified_leaf=None,
    attributes=None,
    form_type="",
    actor,
) -> Leaf:
    """Place a document (version) in a CTD location of a draft sequence."""
    with transaction.atomic():
        sequence = Sequence.objects.select_for_update().select_related("application").get(pk=sequence.pk)
        leaf_validate(
            sequence=sequence,
            section=section,
            operation=operation,
            version=version,
            modified_leaf=modified_leaf,
            attributes=attributes,
            form_type=form_type,
        )
        leaf = Leaf(
            sequence=sequence,
            section=section,
            title=title,
            operation=operation,
            version=version,
            modified_leaf=modified_leaf,
            attributes=attributes or {},
            form_type=form_type,
        )
        leaf.full_clean()
        leaf.save()
    return leaf


# Signing off is not a plain transition: it is `sequence_sign_off`, a Part 11 signature.
ALLOWED = {
    Sequence.Status.DRAFT: {Sequence.Status.QA_REVIEW},
    Sequence.Status.QA_REVIEW: {Sequence.Status.DRAFT},
    Sequence.Status.SIGNED_OFF: {Sequence.Status.DRAFT, Sequence.Status.SENT},
    Sequence.Status.SENT: set(),
    Sequence.Status.ACKNOWLEDGED: set(),
}


def _require_clean_build(sequence) -> PackageBuild:
    build = sequence.builds.order_by("-built_at", "-pk").first()
    if build is None:
        raise SubmissionError("Build and validate the package before signing it off or sending it.")
    if build.error_count:
        raise SubmissionError(
            f"The latest package has {build.error_count} validation error(s): fix them first."
        )
    last_change = sequence.leaves.order_by("-created_at").values_list("created_at", flat=True).first()
    if last_change and last_change > build.built_at:
        raise SubmissionError("The sequence changed after its last build: build it again.")
    return build


def _require_approval(build: PackageBuild) -> None:
    """Sending needs a valid approval signature on exactly the package that goes out."""
    approvals = [status for sig, status in signatures_for(build) if sig.meaning == Signature.Meaning.APPROVAL]
    if not any(status.valid for status in approvals):
        raise SubmissionError("The latest package carries no valid sign-off signature: sign it off first.")


def sequence_sign_off(*, sequence, signer, password: str, request, comment: str = "") -> Sequence:
    """Sign off a sequence in QA review: an approval signature (21 CFR 11.200) on its latest build.

    The package build is what is signed, not the sequence row: the build (path, manifest hash,
    report) never changes, so the signature stays valid through sending and acknowledgement.
    The signature is made outside the status transaction so that a refused password stays
    recorded (in the audit trail and by axes) when the sign-off itself is refused.
    """
    sequence = Sequence.objects.get(pk=sequence.pk)
    if sequence.status != Sequence.Status.QA_REVIEW:
        raise SubmissionError(
            "Only a sequence in QA review can be signed off, "
            f"not one that is {sequence.get_status_display()}."
        )
    build = _require_clean_build(sequence)
    try:
        signature = signature_sign(
            obj=build,
            signer=signer,
            password=password,
            meaning=Signature.Meaning.APPROVAL,
            request=request,
            comment=comment,
        )
    except SignatureRejected as exc:
        raise SubmissionError(str(exc)) from exc
    with transaction.atomic():
        sequence = Sequence.objects.select_for_update().get(pk=sequence.pk)
        latest = sequence.builds.order_by("-built_at", "-pk").first()
        if sequence.status != Sequence.Status.QA_REVIEW or latest != build:
            raise SubmissionError("The sequence changed while it was being signed: sign the new build.")
        sequence.status = Sequence.Status.SIGNED_OFF
        sequence.save()
        _event(
            sequence,
            SubmissionEvent.Kind.SIGNED_OFF,
            signer,
            build=build.pk,
            signature=signature.pk,
            printed_name=signature.printed_name,
        )
    return sequence


def sequence_transition(*, sequence, to: str, actor) -> Sequence:
    """Move a sequence along draft → in QA review (→ signed off by `sequence_sign_off`) → sent."""
    with transaction.atomic():
        sequence = Sequence.objects.select_for_update().get(pk=sequence.pk)
        if to not in ALLOWED[sequence.status]:
            raise SubmissionError(
                f"A sequence that is {sequence.get_status_display()} cannot become "
                f"{Sequence.Status(to).label}."
            )
        if to == Sequence.Status.SENT:
            _require_approval(_require_clean_build(sequence))
            sequence.sent_at = timezone.now()
        previous, sequence.status = sequence.status, to
        sequence.save()
        _event(sequence, SubmissionEvent.Kind.STATUS, actor, previous=previous, to=to)
    return sequence


def sequence_acknowledge(*, sequence, ack_id: str, received_at, actor) -> Sequence:
    """Record the gateway's acknowledgement of a sent sequence."""
    if not ack_id.strip():
        raise SubmissionError("The acknowledgement id is empty.")
    with transaction.atomic():
        sequence = Sequence.objects.select_for_update().get(pk=sequence.pk)
        if sequence.status != Sequence.Status.SENT:
            raise SubmissionError("Only a sent sequence can be acknowledged.")
        if received_at < sequence.sent_at:
            raise SubmissionError("The receipt time lies before the sequence was sent.")
        sequence.gateway_ack_id, sequence.gateway_received_at = ack_id.strip(), received_at
        sequence.status = Sequence.Status.ACKNOWLEDGED
        sequence.save()
        _event(sequence, SubmissionEvent.Kind.ACKNOWLEDGED, actor, ack_id=sequence.gateway_ack_id)
    return sequence


def package_recorded(*, sequence, kind, path, manifest, report, actor) -> PackageBuild:
    errors = sum(1 for r in report if r["status"] == "fail")
    warnings = sum(1 for r in report if r["status"] == "warning")
    build = PackageBuild.objects.create(
        sequence=sequence,
        kind=kind,
        path=str(path),
        manifest=manifest,
        manifest_sha256=hashlib.sha256(manifest.encode()).hexdigest(),
        report=report,
        error_count=errors,
        warning_count=warnings,
        built_by=actor,
    )
    _event(sequence, SubmissionEvent.Kind.BUILT, actor, path=str(path), errors=errors, warnings=warnings)
    return build
