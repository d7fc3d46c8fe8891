"""Permission names, so code says ClaimPerm.DECIDE rather than a string spelled twice."""

from enum import StrEnum


class ClaimPerm(StrEnum):
    VIEW = "claims.view_claim"
    INTAKE = "claims.intake_claim"
    VERIFY = "claims.verify_claim"
    RECOMMEND = "claims.recommend_claim"
    DECIDE = "claims.decide_claim"
    REASSIGN = "claims.reassign_claim"
    STOP_BENEFIT = "claims.stop_benefit"
    VIEW_ALL_BRANCHES = "claims.view_all_branches"
    RUN_PAYMENT_BATCH = "claims.run_payment_batch"
    VIEW_REPORT = "claims.view_report"
    CHANGE_PAYMENT_DETAILS = "claims.change_payment_details"
    CLEAR_IDENTITY_FLAG = "claims.clear_identity_flag"
    RESEND_NOTIFICATION = "claims.resend_notification"
    REASSESS_IN_BULK = "claims.reassess_in_bulk"


class ParticipantPerm(StrEnum):
    REVEAL = "participants.reveal_personal_data"
    VIEW_REVEALS = "participants.view_personaldatareveal"


class TrainingPerm(StrEnum):
    MANAGE_ACTIVITY = "training.manage_activity"
    REFER = "training.refer_training"


class AccountPerm(StrEnum):
    RESET_SECOND_FACTOR = "core.reset_second_factor"
    ISSUE_WORKER_RESET_LINK = "core.issue_worker_reset_link"
