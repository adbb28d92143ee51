"""Roles are groups holding exactly the model permissions each job needs.

`ROLE_PERMISSIONS` is the intended state; migrations put it in place (each app's migration
grants its own models' permissions through `grant_role_permissions`), and a test checks that
the database and this table agree. Auditors and customer viewers hold no model permission:
what they may see is granted object by object (django-guardian) for a limited time.
"""

COMPLIANCE_OFFICER = "Compliance officer"
DATA_STEWARD = "Data steward"
SUBMISSION_MANAGER = "Submission manager"
AUDITOR = "Auditor"
EXECUTIVE = "Executive"
CUSTOMER_VIEWER = "Customer viewer"

ROLE_PERMISSIONS: dict[str, set[str]] = {
    COMPLIANCE_OFFICER: {
        "accounts.view_organization",
        "accounts.view_user",
        "accounts.view_accessevent",
        "accounts.view_apitoken",
        "accounts.view_auditentry",
        "accounts.export_auditentry",
        "accounts.view_signature",
        "accounts.view_accessgrant",
        "portal.view_engagement",
        "portal.add_engagement",
        "portal.change_engagement",
        "portal.view_evidencerequest",
        "portal.answer_evidencerequest",
        "portal.view_portalaccess",
        "portal.view_embedlink",
        "portal.add_embedlink",
        "portal.revoke_embedlink",
        "portal.view_embedorigin",
        "portal.add_embedorigin",
        "portal.change_embedorigin",
        "portal.delete_embedorigin",
        "catalog.view_system",
        "catalog.view_classification",
        "catalog.view_dataset",
        "catalog.view_column",
        "catalog.view_glossaryterm",
        "catalog.view_glossarytermevent",
        "catalog.view_job",
        "catalog.view_lineageevent",
        "catalog.view_lineageedge",
        "catalog.view_columnlineageedge",
        "catalog.view_datacheck",
        "catalog.view_classificationsuggestion",
        "catalog.review_glossaryterm",
        "governance.view_framework",
        "governance.change_framework",
        "governance.view_criterion",
        "governance.change_criterion",
        "governance.view_control",
        "governance.add_control",
        "governance.change_control",
        "governance.view_controlmapping",
        "governance.add_controlmapping",
        "governance.change_controlmapping",
        "governance.delete_controlmapping",
        "governance.view_evidence",
        "governance.add_evidence",
        "governance.change_evidence",
        "governance.view_evidenceevent",
        "governance.view_controltest",
        "governance.add_controltest",
        "governance.change_controltest",
        "governance.view_controltestsample",
        "governance.add_controltestsample",
        "governance.change_controltestsample",
        "governance.delete_controltestsample",
        "governance.view_readinessscore",
        "governance.view_snapshot",
        "governance.view_audit",
        "governance.add_audit",
        "governance.change_audit",
        "governance.view_audittask",
        "governance.add_audittask",
        "governance.change_audittask",
        "governance.view_finding",
        "governance.add_finding",
        "governance.change_finding",
        "governance.view_capa",
        "governance.add_capa",
        "governance.change_capa",
        "governance.view_capaaction",
        "governance.add_capaaction",
        "governance.change_capaaction",
        "governance.view_effectivenesscheck",
        "governance.add_effectivenesscheck",
        "governance.change_effectivenesscheck",
        "governance.view_deviation",
        "governance.add_deviation",
        "governance.change_deviation",
        "governance.view_course",
        "governance.add_course",
        "governance.change_course",
        "governance.view_curriculum",
        "governance.add_curriculum",
        "governance.change_curriculum",
        "governance.view_trainingrecord",
        "governance.add_trainingrecord",
        "governance.change_trainingrecord",
        "governance.view_capaevent",
        "warehouse.view_jobrun",
        "warehouse.view_warehousemodel",
        "warehouse.view_cdcsource",
        "warehouse.view_cdcschemaversion",
        "warehouse.view_cdcevent",
        "warehouse_reads.view_accesslog",
        "warehouse_reads.view_accesslogdigest",
        "warehouse_reads.view_phicolumndailyaccess",
        "warehouse_reads.view_accesspolicy",
        "warehouse_reads.approve_accesspolicy",
        "warehouse_reads.view_levelmasking",
        "warehouse_reads.view_tenantkey",
        "submissions.view_application",
        "submissions.view_sequence",
        "submissions.view_leaf",
        "submissions.view_document",
        "submissions.view_documentversion",
        "submissions.view_packagebuild",
        "submissions.view_submissionevent",
        "submissions.view_correspondence",
        "submissions.view_submissiontemplate",
        "submissions.view_evidencepackage",
        "submissions.add_evidencepackage",
        # warehouse access reviews and drift (issue 16)
        "governance.view_accessreview",
        "governance.change_accessreview",
        "governance.view_accessreviewitem",
        "governance.view_qualitycheck",
        "governance.view_checkresult",
        "governance.view_qualityscore",
        "governance.view_qualitysla",
        # the report builder (reporting/reports/): each sees only the reports visible to them
        "reporting.view_savedreport",
        "reporting.add_savedreport",
        "reporting.change_savedreport",
        "reporting.delete_savedreport",
        # scheduled report deliveries
        "reporting.view_reportschedule",
        "reporting.add_reportschedule",
        "reporting.change_reportschedule",
        "reporting.delete_reportschedule",
        "reporting.view_reportdelivery",
    },
    DATA_STEWARD: {
        "accounts.view_organization",
        "catalog.view_system",
        "catalog.add_system",
        "catalog.change_system",
        "catalog.view_classification",
        "catalog.view_dataset",
        "catalog.view_column",
        "catalog.view_glossaryterm",
        "catalog.view_glossarytermevent",
        "catalog.view_job",
        "catalog.view_lineageevent",
        "catalog.view_lineageedge",
        "catalog.view_columnlineageedge",
        "catalog.view_datacheck",
        "catalog.view_classificationsuggestion",
        "catalog.add_dataset",
        "catalog.change_dataset",
        "catalog.add_column",
        "catalog.change_column",
        "catalog.add_glossaryterm",
        "catalog.change_glossaryterm",
        "catalog.add_classificationsuggestion",
        "catalog.change_classificationsuggestion",
        "catalog.add_lineageevent",
        "warehouse.view_jobrun",
        "governance.view_trainingrecord",
        "governance.view_freshnesssla",
        "governance.add_freshnesssla",
        "governance.change_freshnesssla",
        "governance.delete_freshnesssla",
        "governance.view_freshnessincident",
        "governance.view_metricpoint",
        "governance.view_metricanomaly",
        "governance.acknowledge_metricanomaly",
        "warehouse.run_jobrun",
        "warehouse.view_warehousemodel",
        "warehouse.view_cdcsource",
        "warehouse.add_cdcsource",
        "warehouse.change_cdcsource",
        "warehouse.operate_cdcsource",
        "warehouse.view_cdcschemaversion",
        "warehouse.view_cdcevent",
        "warehouse_reads.view_accesspolicy",
        "warehouse_reads.add_accesspolicy",
        "warehouse_reads.change_accesspolicy",
        "warehouse_reads.approve_accesspolicy",
        "warehouse_reads.view_levelmasking",
        "warehouse_reads.add_levelmasking",
        "warehouse_reads.change_levelmasking",
        "warehouse_reads.view_tenantkey",
        "warehouse_reads.add_tenantkey",
        "warehouse_reads.change_tenantkey",
        "warehouse_reads.view_accesslog",
        "warehouse_reads.view_phicolumndailyaccess",
        "warehouse_reads.view_accesslogdigest",
        # warehouse access reviews and drift (issue 16)
        "governance.view_accessreview",
        "governance.change_accessreview",
        "governance.view_accessreviewitem",
        # data quality: stewards define checks and SLAs; results and scores are written by runs
        "governance.view_qualitycheck",
        "governance.add_qualitycheck",
        "governance.change_qualitycheck",
        "governance.view_checkresult",
        "governance.view_qualityscore",
        "governance.view_qualitysla",
        "governance.add_qualitysla",
        "governance.change_qualitysla",
        # the report builder (reporting/reports/): each sees only the reports visible to them
        "reporting.view_savedreport",
        "reporting.add_savedreport",
        "reporting.change_savedreport",
        "reporting.delete_savedreport",
        # scheduled report deliveries
        "reporting.view_reportschedule",
        "reporting.add_reportschedule",
        "reporting.change_reportschedule",
        "reporting.delete_reportschedule",
        "reporting.view_reportdelivery",
    },
    SUBMISSION_MANAGER: {
        "accounts.view_organization",
        "governance.view_framework",
        "governance.view_criterion",
        "submissions.view_application",
        "submissions.add_application",
        "submissions.change_application",
        "submissions.view_sequence",
        "submissions.change_sequence",
        "submissions.view_leaf",
        "submissions.add_leaf",
        "submissions.view_document",
        "submissions.add_document",
        "submissions.change_document",
        "submissions.view_documentversion",
        "submissions.add_documentversion",
        "submissions.view_packagebuild",
        "submissions.view_submissionevent",
        "submissions.view_correspondence",
        "submissions.add_correspondence",
        "submissions.change_correspondence",
        "submissions.view_correspondencelink",
        "submissions.add_correspondencelink",
        "submissions.view_submissiontemplate",
        "submissions.add_submissiontemplate",
        "submissions.change_submissiontemplate",
        "submissions.view_templateitem",
        "submissions.add_templateitem",
        "submissions.change_templateitem",
        "submissions.delete_templateitem",
        "submissions.view_evidencepackage",
        "submissions.add_evidencepackage",
        "governance.view_trainingrecord",
    },
    AUDITOR: set(),
    EXECUTIVE: {
        "accounts.view_organization",
        "governance.view_framework",
        "governance.view_readinessscore",
        "governance.view_audit",
        "governance.view_finding",
        "governance.view_capa",
        "governance.view_deviation",  # the compliance dashboard's overdue deviations
        "governance.view_trainingrecord",
    },
    CUSTOMER_VIEWER: set(),
}

# Roles whose members work in the Django admin; auditors and customers use the portal only.
STAFF_ROLES = {COMPLIANCE_OFFICER, DATA_STEWARD, SUBMISSION_MANAGER, EXECUTIVE}
# Roles that sign in with a second factor (TOTP). A bearer token would skip it, so their
# members hold no API tokens.
MFA_ROLES = {AUDITOR, CUSTOMER_VIEWER}


def held_roles(user) -> frozenset[str]:
    """The names of the roles `user` holds: one query, kept on the user object for the request
    (the navigation, the role homes and the landing page all ask)."""
    if not hasattr(user, "_held_roles"):
        user._held_roles = frozenset(user.groups.values_list("name", flat=True)) if user.pk else frozenset()
    return user._held_roles


def requires_mfa(user) -> bool:
    return user.groups.filter(name__in=MFA_ROLES).exists()


def grant_role_permissions(apps, app_label: str) -> None:
    """Migration helper: create the role groups and give them `app_label`'s permissions.

    Permissions are normally created after all migrations ran; they are created here first so
    that a fresh database gets its roles in the same `migrate`.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = [p.split(".", 1)[1] for p in perms if p.split(".", 1)[0] == app_label]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
