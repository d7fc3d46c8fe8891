"""Django admin for supervisors and head office: claims, events, decisions and documents.

Everything here is read-only (changes go through the services, which keep the audit trail),
scoped to the user's branch like the staff screens, and an object of another branch answers
404, also on its history page. Supervisors reassign claims with an admin action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from claims import delivery, selectors, services
from claims.models import (
    CaseEvent,
    CashInstalment,
    Claim,
    Debt,
    Decision,
    Document,
    EligibilityResult,
    EventNotification,
    PaymentBatch,
    PaymentLine,
    Reassessment,
    ReassessmentJob,
    ReassessmentLine,
    RecoveryPlan,
    Repayment,
    Underpayment,
)
from claims.vocabulary import action_label, reason_label, state_label
from jkp_site.core.admin_display import HistoryInWordsAdmin, machine_data
from jkp_site.core.admin_scope import OutOfScopeIs404
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.permissions import ClaimPerm
from jkp_site.core.scoping import branch_scope_q

if TYPE_CHECKING:
    from jkp_site.core.models import User


def _looks_like_nik(term: str) -> bool:
    digits = "".join(term.split())
    return digits.isdigit() and len(digits) == 16


class BranchScopedAdmin(OutOfScopeIs404, admin.ModelAdmin):
    """Read-only and scoped to the branch; objects out of scope are 404, never a redirect."""

    claim_path = "claim__"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = branch_scope_q(request.user, prefix=self.claim_path)
        return qs if scope is None else qs.filter(scope)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReassignActionForm(forms.Form):
    officer: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Officer"), queryset=None
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[User]", self.fields["officer"]).queryset = officers


@admin.register(Claim)
class ClaimAdmin(BranchScopedAdmin, HistoryInWordsAdmin):
    claim_path = ""
    list_display = [
        "number",
        "participant",
        "branch",
        "state",
        "assigned_officer",
        "claim_date",
        "decision_date",
    ]
    list_filter = [
        "state",
        ("branch", admin.RelatedOnlyFieldListFilter),
        "channel",
        "termination__reason",
        "claim_date",
    ]
    list_select_related = ["participant", "branch", "assigned_officer"]
    search_fields = ["number"]
    search_help_text = _(
        'Claim number. To find a worker by NIK use "Find by NIK" on the claims queue: the '
        "admin's search travels in the address, and a NIK must not."
    )
    date_hierarchy = "created_at"
    actions = ["reassign"]
    exclude = ["bank_account", "bank_account_index"]

    def get_search_results(self, request, queryset, search_term):
        if _looks_like_nik(search_term):
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def _in_scope_or_404(self, request, object_id) -> None:
        # simple_history falls back to the history table for objects the queryset hides;
        # that would show another branch's claim, so check the scope first.
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One past version, read-only. simple_history saves a POSTed form here whatever the
        permissions (its "revert"); a claim changes only through the services, so no POST is
        taken, by anyone."""
        self._in_scope_or_404(request, object_id)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        # Every field shown is read-only, on the change page and on past versions alike; the
        # account number is never shown whole (bank_account_masked instead).
        hidden = {"bank_account", "bank_account_index"}
        shown = [field.name for field in self.model._meta.fields if field.name not in hidden]
        return [*shown, "bank_account_masked"]

    def has_reassign_permission(self, request):
        return request.user.has_perm(ClaimPerm.REASSIGN)

    @admin.action(description=_("Reassign to another officer"), permissions=["reassign"])
    def reassign(self, request, queryset):
        claims = list(queryset.select_related("branch"))
        branch_ids = {claim.branch_id for claim in claims}
        if len(branch_ids) != 1:
            self.message_user(
                request, gettext("Select claims of one branch at a time."), messages.ERROR
            )
            return None
        officers = selectors.officers_of_branch(claims[0])
        form = ReassignActionForm(
            request.POST if "apply" in request.POST else None, officers=officers
        )
        if form.is_valid():
            done = 0
            for claim in claims:
                try:
                    services.reassign_claim(
                        claim_id=claim.pk,
                        acting_user=request.user,
                        officer=form.cleaned_data["officer"],
                    )
                except ApplicationError as exc:
                    self.message_user(request, f"{claim.number}: {exc.message}", messages.ERROR)
                else:
                    done += 1
            self.message_user(request, gettext("%(count)d claim(s) reassigned.") % {"count": done})
            return None
        return render(
            request,
            "claims/admin_reassign.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Reassign claims"),
                "claims": claims,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


@admin.register(CaseEvent)
class CaseEventAdmin(BranchScopedAdmin):
    list_display = ["created_at", "claim", "what", "from_label", "to_label", "actor"]
    list_filter = ["action", "to_state", ("claim__branch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["claim", "actor"]
    search_fields = ["claim__number"]
    date_hierarchy = "created_at"
    fields = [
        "claim",
        "what",
        "from_label",
        "to_label",
        "why",
        "actor",
        "note",
        "details",
        "created_at",
    ]
    readonly_fields = ["what", "from_label", "to_label", "why", "details"]

    @admin.display(description=_("action"), ordering="action")
    def what(self, obj: CaseEvent) -> str:
        return action_label(obj.action)

    @admin.display(description=_("from"))
    def from_label(self, obj: CaseEvent) -> str:
        return state_label(obj.from_state)

    @admin.display(description=_("to"))
    def to_label(self, obj: CaseEvent) -> str:
        return state_label(obj.to_state)

    @admin.display(description=_("reason"))
    def why(self, obj: CaseEvent) -> str:
        return reason_label(obj.reason_code) if obj.reason_code else ""

    @admin.display(description=_("details"))
    def details(self, obj: CaseEvent):
        return machine_data(obj.data)


@admin.register(EventNotification)
class EventNotificationAdmin(BranchScopedAdmin):
    """What the worker was told, over which channel, and whether it arrived. A failed or given-up
    delivery can be sent again (audited on the case); nothing else changes here."""

    claim_path = "event__claim__"
    list_display = [
        "created_at",
        "claim_number",
        "event",
        "channel",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", ("event__claim__branch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event__claim"]
    search_fields = ["event__claim__number"]
    date_hierarchy = "created_at"
    exclude = ["recipient"]
    actions = ["send_again"]

    @admin.display(description=_("claim"), ordering="event__claim__number")
    def claim_number(self, obj: EventNotification) -> str:
        return obj.event.claim.number

    def has_send_again_permission(self, request) -> bool:
        return request.user.has_perm(ClaimPerm.RESEND_NOTIFICATION)

    @admin.action(description=_("Send the failed notifications again"), permissions=["send_again"])
    def send_again(self, request, queryset):
        done = sum(
            1 for item in queryset if delivery.resend(item, actor=request.user, note="admin")
        )
        self.message_user(
            request, gettext("%(count)d notification(s) will be sent again.") % {"count": done}
        )


@admin.register(Decision)
class DecisionAdmin(BranchScopedAdmin):
    list_display = ["created_at", "claim", "outcome", "decided_by", "reason_code"]
    list_filter = ["outcome", ("claim__branch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["claim", "decided_by"]
    search_fields = ["claim__number"]


@admin.register(Document)
class DocumentAdmin(BranchScopedAdmin):
    list_display = ["uploaded_at", "claim", "doc_type", "status", "download", "uploaded_by"]
    list_filter = ["doc_type", "status", ("claim__branch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["claim", "uploaded_by"]
    search_fields = ["claim__number"]
    exclude = ["file"]
    readonly_fields = ["download"]

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("claims:document_download", args=[obj.pk]),
            obj.original_name,
        )


@admin.register(EligibilityResult)
class EligibilityResultAdmin(BranchScopedAdmin):
    list_display = [
        "run_at",
        "claim",
        "rule_version",
        "eligible",
        "wage_basis",
        "cash_total",
        "run_by",
    ]
    list_filter = ["eligible", "rule_version", ("claim__branch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["claim", "run_by"]
    search_fields = ["claim__number"]
    fields = [
        "claim",
        "rule_version",
        "eligible",
        "wage_basis",
        "cash_total",
        "payer",
        "run_by",
        "run_at",
        "checks_read",
        "inputs_snapshot",
        "engine_result",
    ]
    readonly_fields = ["run_at", "checks_read", "inputs_snapshot", "engine_result"]

    @admin.display(description=_("checks"))
    def checks_read(self, obj: EligibilityResult):
        """Each rule's verdict in the reader's language, as the claim page says it."""
        english = get_language() == "en"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    gettext("passed") if check.get("passed") else gettext("not passed"),
                    check.get("message_en" if english else "message", ""),
                    check.get("source", ""),
                )
                for check in obj.result.get("checks", [])
            ),
        )
        return format_html("<table>{}</table>", rows)

    @admin.display(description=_("inputs snapshot"))
    def inputs_snapshot(self, obj: EligibilityResult):
        return machine_data(obj.inputs)

    @admin.display(description=_("engine result"))
    def engine_result(self, obj: EligibilityResult):
        return machine_data(obj.result)


@admin.register(CashInstalment)
class CashInstalmentAdmin(BranchScopedAdmin):
    list_display = ["claim", "month", "due_date", "percent", "amount", "rule_version", "status"]
    list_filter = ["status", "rule_version", ("claim__branch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["claim"]
    search_fields = ["claim__number"]
    date_hierarchy = "due_date"


# A tuple: the one sequence type both `fields` and `readonly_fields` accept in the stubs.
PAYMENT_LINE_FIELDS = ("reference", "instalment", "amount", "bank_name", "account_holder", "status")


class PaymentLineInline(admin.TabularInline):
    model = PaymentLine
    fields = PAYMENT_LINE_FIELDS
    readonly_fields = PAYMENT_LINE_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PaymentBatch)
class PaymentBatchAdmin(admin.ModelAdmin):
    """Head office only: a batch spans every branch. Read-only; runs go through /payments/."""

    list_display = ["reference", "period", "state", "created_by", "exported_at", "reconciled_at"]
    list_filter = ["state", "period"]
    search_fields = ["reference"]
    inlines = [PaymentLineInline]

    def has_module_permission(self, request):
        return request.user.has_perm(ClaimPerm.RUN_PAYMENT_BATCH)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(ClaimPerm.RUN_PAYMENT_BATCH)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Reassessment and recovery (claims.reassessment, claims.recovery): read-only windows; every
# change goes through the services (the case page and head office's reassessment screen).


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


REASSESSMENT_LINE_FIELDS = (
    "month",
    "due_date",
    "status_before",
    "was_amount",
    "now_amount",
    "outcome",
    "reason",
)


class ReassessmentLineInline(_ReadOnlyInline):
    model = ReassessmentLine
    fields = REASSESSMENT_LINE_FIELDS
    readonly_fields = REASSESSMENT_LINE_FIELDS


@admin.register(Reassessment)
class ReassessmentAdmin(BranchScopedAdmin):
    list_display = [
        "claim",
        "sequence",
        "trigger",
        "rule_version",
        "underpaid_total",
        "overpaid_total",
        "created_at",
    ]
    list_filter = ["trigger", "rule_version", ("claim__branch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["claim"]
    search_fields = ["claim__number"]
    inlines = [ReassessmentLineInline]
    exclude = ["inputs", "old_result", "new_result"]
    readonly_fields = ["facts_read", "result_before", "result_after"]

    @admin.display(description=_("inputs snapshot"))
    def facts_read(self, obj: Reassessment):
        return machine_data(obj.inputs)

    @admin.display(description=_("result before"))
    def result_before(self, obj: Reassessment):
        return machine_data(obj.old_result)

    @admin.display(description=_("result now"))
    def result_after(self, obj: Reassessment):
        return machine_data(obj.new_result)


@admin.register(Underpayment)
class UnderpaymentAdmin(BranchScopedAdmin):
    list_display = ["claim", "month", "amount", "status", "paid_at"]
    list_filter = ["status", ("claim__branch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["claim"]
    search_fields = ["claim__number"]


PLAN_FIELDS = ("kind", "state", "proposed_by", "decided_by", "decided_at", "reason")


class RecoveryPlanInline(_ReadOnlyInline):
    model = RecoveryPlan
    fields = PLAN_FIELDS
    readonly_fields = PLAN_FIELDS


@admin.register(Debt)
class DebtAdmin(BranchScopedAdmin):
    list_display = ["claim", "amount", "state", "objected_at", "created_at", "closed_at"]
    list_filter = ["state", ("claim__branch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["claim"]
    search_fields = ["claim__number"]
    inlines = [RecoveryPlanInline]


REPAYMENT_FIELDS = ("sequence", "amount", "due_date", "reference", "status", "paid_at")


class RepaymentInline(_ReadOnlyInline):
    model = Repayment
    fields = REPAYMENT_FIELDS
    readonly_fields = REPAYMENT_FIELDS


@admin.register(RecoveryPlan)
class RecoveryPlanAdmin(BranchScopedAdmin):
    claim_path = "debt__claim__"
    list_display = ["debt", "kind", "state", "proposed_by", "decided_by", "decided_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["debt", "proposed_by", "decided_by"]
    search_fields = ["debt__claim__number"]
    inlines = [RepaymentInline]


@admin.register(ReassessmentJob)
class ReassessmentJobAdmin(admin.ModelAdmin):
    """Head office only: a job spans every branch."""

    list_display = ["note", "trigger", "status", "processed", "total", "changed", "created_at"]
    list_filter = ["trigger", "status"]
    exclude = ["claim_ids"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
