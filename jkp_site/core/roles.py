"""The roles of design.md as groups with permissions, kept in step after every migrate."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    PETUGAS = "petugas"
    KEPALA_BIDANG = "kepala_bidang"
    KANTOR_PUSAT = "kantor_pusat"
    PENGANTAR_KERJA = "pengantar_kerja"
    PESERTA = "peserta"


ROLE_LABELS = {
    Role.PETUGAS: _("Branch officer"),
    Role.KEPALA_BIDANG: _("Branch supervisor"),
    Role.KANTOR_PUSAT: _("Head office"),
    Role.PENGANTAR_KERJA: _("Job counsellor"),
    Role.PESERTA: _("Worker"),
}

_VIEW_REFERENCE = [
    "core.view_kantorcabang",
    "core.view_kanwil",
    "participants.view_employer",
    "participants.view_participant",
    "participants.view_employment",
    "participants.view_programenrollment",
    "participants.view_contributionmonth",
]

# Permission codenames as "app_label.codename". Custom permissions are declared in the models'
# Meta.permissions and named in jkp_site.core.permissions.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.PETUGAS: [
        *_VIEW_REFERENCE,
        "claims.view_claim",
        "claims.intake_claim",
        "claims.verify_claim",
        "claims.recommend_claim",
        "claims.change_payment_details",
        "claims.view_document",
        "claims.view_caseevent",
        "claims.view_eventnotification",
        "claims.resend_notification",
        "participants.reveal_personal_data",
        "training.manage_activity",
        "training.refer_training",
        "core.issue_worker_reset_link",
    ],
    Role.KEPALA_BIDANG: [
        *_VIEW_REFERENCE,
        "claims.view_claim",
        "claims.decide_claim",
        "claims.change_payment_details",
        "claims.clear_identity_flag",
        "claims.view_bankaccountchange",
        "claims.view_identityflag",
        "participants.reveal_personal_data",
        "participants.view_personaldatareveal",
        "claims.reassign_claim",
        "claims.stop_benefit",
        "claims.view_document",
        "claims.view_caseevent",
        "claims.view_eventnotification",
        "claims.resend_notification",
        "claims.view_decision",
        "claims.view_eligibilityresult",
        "claims.view_cashinstalment",
        "claims.view_reassessment",
        "claims.view_underpayment",
        "claims.view_debt",
        "claims.view_recoveryplan",
        "training.manage_activity",
        "core.issue_worker_reset_link",
        "core.reset_second_factor",
    ],
    Role.KANTOR_PUSAT: [
        *_VIEW_REFERENCE,
        "claims.view_claim",
        "claims.view_all_branches",
        "claims.run_payment_batch",
        "claims.view_report",
        "claims.view_bankaccountchange",
        "claims.view_identityflag",
        "participants.reveal_personal_data",
        "participants.view_personaldatareveal",
        "participants.add_importjob",
        "participants.view_importjob",
        "api.view_integrationclient",
        "api.view_niklookup",
        "claims.view_document",
        "claims.view_caseevent",
        "claims.view_eventnotification",
        "claims.view_decision",
        "claims.view_eligibilityresult",
        "claims.view_cashinstalment",
        "claims.view_reassessment",
        "claims.view_underpayment",
        "claims.view_debt",
        "claims.view_recoveryplan",
        "claims.view_reassessmentjob",
        "claims.reassess_in_bulk",
    ],
    Role.PENGANTAR_KERJA: [
        "claims.view_claim",
        "claims.view_caseevent",
        "participants.view_participant",
        "training.manage_activity",
        "training.refer_training",
    ],
    Role.PESERTA: [],
}


def sync_roles() -> None:
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            found = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender, **kwargs) -> None:
    from django.apps import apps

    # post_migrate is sent once per app that has a models module, in INSTALLED_APPS order,
    # each time after Django has created that app's permissions: at the last such app every
    # permission exists.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        sync_roles()
