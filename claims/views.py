"""Branch staff screens: the queue, intake, the case page, the approval screen and the actions.

Views are thin: one selector to load what the user may see (404 otherwise), a permission check
(403), a form to clean the input and one service call. Actions are POST-only and redirect back
to the case page with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from claims import (
    clocks,
    confirmations,
    keyset,
    letters,
    payment_details,
    selectors,
    services,
    workflow,
)
from claims.forms import (
    AppealForm,
    BankChangeDecisionForm,
    ClearFlagForm,
    DocumentCheckForm,
    DocumentReplaceForm,
    DocumentUploadForm,
    DraftForm,
    IntakeForm,
    NoteForm,
    ParticipantSearchForm,
    ReassignForm,
    RecommendForm,
    RejectForm,
    ReturnForm,
    StopForm,
    WithdrawForm,
)
from claims.models import BankAccountChange, Claim, ClaimState, InstalmentStatus
from jkp_site.core.confirm import Confirmation, confirm_page, is_confirmed
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.http import AuthenticatedHttpRequest
from jkp_site.core.permissions import ClaimPerm
from jkp_site.core.scoping import branch_scope_q
from participants.models import Employer, Participant
from participants.selectors import search_participants

S = ClaimState
PAGE_SIZE = 25


def _require(request: HttpRequest, *perms: str) -> None:
    if not any(request.user.has_perm(perm) for perm in perms):
        raise PermissionDenied


def _form_errors(form: Any) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def _employers_in_scope(user) -> Any:
    qs = Employer.objects.select_related("branch")
    scope = branch_scope_q(user)
    return qs if scope is None else qs.filter(scope)


def _participants_in_scope(user) -> Any:
    """Participants an officer may take a claim in for: employed at an employer of the branch."""
    return Participant.objects.filter(
        employments__employer__in=_employers_in_scope(user).values("pk")
    ).distinct()


# --- queue -----------------------------------------------------------------------------------


@login_required
def claim_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The queue, a page at a time by keyset (claims.keyset): "Next", "Previous", "First"
    and "Last" cost the same whatever the number of claims. The per-state figures come from
    the kept counts; the overdue figure and a filtered total are counted up to a limit."""
    _require(request, ClaimPerm.VIEW)
    queue = selectors.claim_queue(user=request.user, params=request.GET)
    order, descending = keyset.parse_order(queue.order_name)
    page = keyset.paginate(
        queue.qs,
        order=order,
        descending=descending,
        size=PAGE_SIZE,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        last=request.GET.get("last") == "1",
        branch_ids=selectors.queue_branch_ids(request.user),
    )
    today = timezone.localdate()
    rows = []
    for claim in page.rows:
        deadline = clocks.claim_deadline(claim.termination.phk_date, claim.claim_date or today)
        sla_due = clocks.sla_due(claim.state, clocks.entered_on(claim))
        rows.append(
            {
                "claim": claim,
                "sla_due": sla_due,
                "sla_days": None if sla_due is None else clocks.working_days_left(sla_due, today),
                "overdue": clocks.is_overdue(claim, today),
                "deadline": deadline,
                # A claim not yet filed whose window after the PHK has closed.
                "deadline_passed": claim.claim_date is None
                and deadline is not None
                and deadline < today,
            }
        )
    counts = selectors.state_counts(request.user)
    overdue_count = selectors.count_up_to(
        selectors.claims_visible_to(request.user).filter(clocks.overdue_q(today))
    )
    in_progress = selectors.in_progress_count(counts)
    if queue.narrows:
        total = selectors.count_up_to(queue.qs)
    else:
        state = queue.form.cleaned_data.get("state") if queue.is_valid() else None
        total = counts.get(state, 0) if state else sum(counts.values())
    query = request.GET.copy()
    for name in ("after", "before", "last"):
        query.pop(name, None)
    return render(
        request,
        "claims/claim_list.html",
        {
            "filter": queue,
            "page": page,
            "rows": rows,
            "state_counts": [(state, label, counts[state]) for state, label in S.choices],
            "overdue_count": overdue_count,
            "in_progress_count": in_progress,
            "total": total,
            "count_limit": selectors.COUNT_LIMIT,
            "querystring": query.urlencode(),
            "can_take": request.user.has_perm(ClaimPerm.VERIFY),
            "can_intake": request.user.has_perm(ClaimPerm.INTAKE),
        },
    )


@login_required
@require_POST
def take_next(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, ClaimPerm.VERIFY)
    try:
        claim = services.take_next_claim(acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("claims:list")
    if claim is None:
        messages.info(request, _("No unassigned claim is waiting."))
        return redirect("claims:list")
    messages.success(request, _("Claim %(number)s is now yours.") % {"number": claim.number})
    return redirect(claim)


# --- intake ----------------------------------------------------------------------------------


@login_required
def participant_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find the worker by NIK, KPJ or name. POSTed, so a NIK never travels in a URL (and so
    never lands in an access log)."""
    _require(request, ClaimPerm.INTAKE)
    form = ParticipantSearchForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_valid():
        results = list(
            search_participants(form.cleaned_data["q"], base=_participants_in_scope(request.user))[
                :20
            ]
        )
    return render(request, "claims/participant_search.html", {"form": form, "results": results})


@login_required
@require_POST
def find_by_nik(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The queue's NIK look-up, POSTed so the NIK stays out of URLs and access logs: one
    visible claim opens it, several are listed, none says so."""
    _require(request, ClaimPerm.VIEW)
    digits = "".join(request.POST.get("nik", "").split())
    if not (digits.isdigit() and len(digits) == 16):
        messages.error(request, _("A NIK has 16 digits."))
        return redirect("claims:list")
    claims = list(selectors.claims_with_nik(user=request.user, nik=digits)[:20])
    if len(claims) == 1:
        return redirect(claims[0])
    if not claims:
        messages.info(request, _("No claim of your branch has this NIK."))
        return redirect("claims:list")
    return render(request, "claims/claims_by_nik.html", {"claims": claims})


@login_required
def claim_create(request: AuthenticatedHttpRequest, participant_pk: int) -> HttpResponse:
    _require(request, ClaimPerm.INTAKE)
    participant = get_object_or_404(_participants_in_scope(request.user), pk=participant_pk)
    employers = _employers_in_scope(request.user).filter(employments__participant=participant)
    employers = employers.distinct()
    employment = participant.employments.filter(employer__in=employers).first()
    initial = {
        "employer": employment.employer_id if employment else None,
        "contract_type": employment.contract_type if employment else None,
        "contract_end_date": employment.end_date if employment else None,
        "bank_name": participant.bank_name,
        "bank_account": participant.bank_account,
        "bank_account_holder": participant.bank_account_holder or participant.name,
    }
    form = IntakeForm(request.POST or None, employers=employers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.open_claim(
                participant=participant, acting_user=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Draft claim %(number)s opened. Upload the PHK proof documents, then submit.")
                % {"number": claim.number},
            )
            return redirect(claim)
    return render(request, "claims/claim_form.html", {"form": form, "participant": participant})


@login_required
def claim_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require(request, ClaimPerm.INTAKE)
    claim = selectors.get_claim_for_user(user=request.user, pk=pk)
    if claim.state != S.DRAFT:
        messages.error(request, _("Only a draft claim can be edited."))
        return redirect(claim)
    form = DraftForm(request.POST or None, initial=DraftForm.initial_for(claim))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(claim_id=claim.pk, acting_user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Draft saved."))
            return redirect(claim)
    return render(
        request,
        "claims/claim_form.html",
        {"form": form, "participant": claim.participant, "claim": claim},
    )


# --- the case --------------------------------------------------------------------------------


@login_required
def claim_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require(request, ClaimPerm.VIEW)
    claim = selectors.claim_detail(user=request.user, pk=pk)
    can = workflow.available_actions(claim, request.user)
    results = list(claim.eligibility_results.all())
    today = timezone.localdate()
    context = {
        "claim": claim,
        "can": can,
        "latest_result": results[0] if results else None,
        "stale": selectors.result_is_stale(claim, results[0] if results else None),
        "earlier_results": results[1:],
        "sla_due": clocks.sla_due(claim.state, clocks.entered_on(claim)),
        "overdue": clocks.is_overdue(claim, today),
        "deadline": clocks.claim_deadline(claim.termination.phk_date, claim.claim_date or today),
        "upload_form": DocumentUploadForm() if can["upload"] else None,
        "recommend_form": RecommendForm() if can["recommend"] else None,
        "return_form": ReturnForm(prefix="return") if can["return"] else None,
        "withdraw_form": WithdrawForm() if can["withdraw"] else None,
        "appeal_form": AppealForm() if can["appeal"] else None,
        "stop_form": StopForm() if can["stop"] else None,
        "reassign_form": (
            ReassignForm(officers=selectors.officers_of_branch(claim)) if can["reassign"] else None
        ),
        "bank_change_form": BankChangeDecisionForm(),
        "clear_flag_form": ClearFlagForm(),
        "letters": letters.letters_offered(claim),
        "rejected_transfers": [
            instalment
            for instalment in claim.instalments.all()
            if instalment.status == InstalmentStatus.REJECTED
        ],
    }
    return render(request, "claims/claim_detail.html", context)


@login_required
def claim_approval(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The supervisor's screen: evidence, checks and recommendation side by side."""
    _require(request, ClaimPerm.DECIDE)
    claim = selectors.claim_detail(user=request.user, pk=pk)
    can = workflow.available_actions(claim, request.user)
    results = list(claim.eligibility_results.all())
    return render(
        request,
        "claims/claim_approval.html",
        {
            "claim": claim,
            "can": can,
            "latest_result": results[0] if results else None,
            "stale": selectors.result_is_stale(claim, results[0] if results else None),
            "approve_form": NoteForm(prefix="approve"),
            "reject_form": RejectForm(prefix="reject"),
            "return_form": ReturnForm(prefix="return"),
            "bank_change_form": BankChangeDecisionForm(),
            "clear_flag_form": ClearFlagForm(),
        },
    )


# --- documents -------------------------------------------------------------------------------


@login_required
@require_POST
def document_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require(request, ClaimPerm.INTAKE, ClaimPerm.VERIFY)
    claim = selectors.get_claim_for_user(user=request.user, pk=pk)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(claim)
    try:
        document = services.add_document(
            claim_id=claim.pk,
            doc_type=form.cleaned_data["doc_type"],
            uploaded_file=form.cleaned_data["uploaded_file"],
            acting_user=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Uploaded: %(name)s") % {"name": document.original_name})
    return redirect(claim)


@login_required
@require_POST
def document_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Take back a wrong upload before it is accepted; asks first (the file is deleted)."""
    _require(request, ClaimPerm.INTAKE, ClaimPerm.VERIFY)
    document = selectors.get_document_for_user(user=request.user, pk=pk)
    claim = document.claim
    if not is_confirmed(request):
        page = confirmations.document_removal(document)
        return confirm_page(request, page, back=claim.get_absolute_url())
    try:
        services.remove_document(document_id=document.pk, acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Removed: %(name)s. Upload the right document in its place.")
            % {"name": document.original_name},
        )
    return redirect(claim)


@login_required
@require_POST
def document_replace(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new file of the same type in place of one not yet accepted."""
    _require(request, ClaimPerm.INTAKE, ClaimPerm.VERIFY)
    document = selectors.get_document_for_user(user=request.user, pk=pk)
    form = DocumentReplaceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(document.claim)
    try:
        replacement = services.replace_document(
            document_id=document.pk,
            uploaded_file=form.cleaned_data["uploaded_file"],
            acting_user=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Replaced: %(old)s by %(new)s. It is checked in the verification.")
            % {"old": document.original_name, "new": replacement.original_name},
        )
    return redirect(document.claim)


# What an inline document may do in the browser: show its image or its PDF, nothing else, and
# only framed by this site's own pages (the approval screen's preview).
INLINE_DOCUMENT_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


def _document_response(request: AuthenticatedHttpRequest, pk: int, *, inline: bool) -> FileResponse:
    _require(request, "claims.view_document")
    document = selectors.get_document_for_user(user=request.user, pk=pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=document.original_name,
        content_type=document.content_type,
    )
    if inline:
        response["Content-Security-Policy"] = INLINE_DOCUMENT_POLICY
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """An authorised download: never a public URL, always as an attachment. Staff who may
    read documents only (workers download their own through the portal)."""
    return _document_response(request, pk, inline=False)


@login_required
@require_GET
@xframe_options_sameorigin
def document_view(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The same document shown inline (the approval screen frames it): the same scope and
    permission; a policy that lets it be only an image or a PDF framed by this site. Uploads
    are checked PDFs without scripts and re-encoded images (``claims.documents``)."""
    return _document_response(request, pk, inline=True)


@login_required
@require_GET
def letter_download(request: AuthenticatedHttpRequest, pk: int, kind: str) -> FileResponse:
    """The claim's letter of ``kind`` (claims.letters), made the first time and the same bytes
    ever after. Staff who see the claim; anyone else, or a letter the claim has not reached, 404."""
    if not request.user.has_perm(ClaimPerm.VIEW):
        raise Http404
    claim = selectors.get_claim_for_user(user=request.user, pk=pk)
    letter = letters.letter_for(claim_id=claim.pk, kind=kind, acting_user=request.user)
    if letter is None:
        raise Http404
    return letters.file_response(letter)


@login_required
@require_POST
def document_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require(request, ClaimPerm.VERIFY)
    document = selectors.get_document_for_user(user=request.user, pk=pk)
    form = DocumentCheckForm(request.POST)
    if form.is_valid():
        try:
            services.check_document(
                document_id=document.pk, acting_user=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Choose accept or ask again."))
    return redirect(document.claim)


# --- actions (POST only) ---------------------------------------------------------------------


# The state each confirmed action moves a claim to: what a stale page is checked against.
_TARGETS = {
    "submit": S.SUBMITTED,
    "withdraw": S.WITHDRAWN,
    "recommend": S.AWAITING_APPROVAL,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
    "appeal": S.APPEALED,
    "stop": S.STOPPED,
}
# The key of ``workflow.available_actions`` that offers each confirmed action.
_OFFERED_AS = {"approve": "decide", "reject": "decide"}


def _confirmation(
    request: AuthenticatedHttpRequest, claim: Claim, action: str, data: dict[str, Any]
) -> HttpResponse:
    """The confirm page, or back to the case when the action is no longer open (someone acted
    first, or it was never this user's): the page says why, nothing is done."""
    if not workflow.available_actions(claim, request.user)[_OFFERED_AS.get(action, action)]:
        try:
            workflow.check_transition(
                claim,
                to=_TARGETS[action],
                actor=request.user,
                reason_code=data.get("reason_code", ""),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.error(request, _("This action is not open to you on this claim now."))
        return redirect(claim)
    page = confirmations.confirmation_for(action, claim, data)
    return confirm_page(request, page, back=claim.get_absolute_url())


def _action(
    service: Callable[..., Any],
    *,
    perms: tuple[str, ...],
    form_class: type | None = None,
    prefix: str | None = None,
    done: Any,
    confirm: str | None = None,
) -> Callable[[AuthenticatedHttpRequest, int], HttpResponse]:
    """A POST endpoint: check the permission, clean, call one service.

    The service reads the claim under its row lock and refuses a user outside its branch; the
    claim's visibility is asked only where the answer is not the service's success (a form to
    correct, a confirmation to show, a refusal), so a claim the user does not see answers 404
    as every page of it does, without a query more on the way that succeeds.

    With ``confirm`` (a ``claims.confirmations`` action), an irreversible one: the POST without
    ``confirmed=1`` only shows what will happen; the one with it acts."""

    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        _require(request, *perms)
        case = reverse("claims:detail", kwargs={"pk": pk})
        data: dict[str, Any] = {}
        if form_class is not None:
            form = form_class(request.POST, prefix=prefix)
            if not form.is_valid():
                selectors.require_visible_claim(user=request.user, pk=pk)
                messages.error(request, _form_errors(form))
                return redirect(case)
            data = form.cleaned_data
        if confirm is not None and not is_confirmed(request):
            claim = selectors.get_claim_for_user(user=request.user, pk=pk)
            return _confirmation(request, claim, confirm, data)
        try:
            service(claim_id=pk, acting_user=request.user, **data)
        except ApplicationError as exc:
            selectors.require_visible_claim(user=request.user, pk=pk)
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
        return redirect(case)

    return view


submit = _action(
    services.submit_claim,
    perms=(ClaimPerm.INTAKE,),
    done=gettext_lazy(
        "Claim submitted. Next: an officer of the branch verifies the documents; the worker "
        "was told and can download the receipt."
    ),
    confirm="submit",
)
withdraw = _action(
    services.withdraw_claim,
    perms=(ClaimPerm.INTAKE,),
    form_class=WithdrawForm,
    done=gettext_lazy("Claim withdrawn: the case is closed and nothing more is done on it."),
    confirm="withdraw",
)
start_verification = _action(
    services.start_verification,
    perms=(ClaimPerm.VERIFY,),
    done=gettext_lazy(
        "Verification started. Next: accept each document or ask for it again, then run the "
        "eligibility check."
    ),
)
run_eligibility = _action(
    services.run_eligibility,
    perms=(ClaimPerm.VERIFY,),
    done=gettext_lazy("Eligibility checked. Next: read the result and send your recommendation."),
)
recommend = _action(
    services.recommend_claim,
    perms=(ClaimPerm.RECOMMEND,),
    form_class=RecommendForm,
    done=gettext_lazy(
        "Recommendation sent. Next: a supervisor of the branch who did not verify the claim "
        "decides it on the approval screen."
    ),
    confirm="recommend",
)
approve = _action(
    services.approve_claim,
    perms=(ClaimPerm.DECIDE,),
    form_class=NoteForm,
    prefix="approve",
    done=gettext_lazy(
        "Claim approved. Next: each instalment is paid in the monthly payment batch once it is "
        "due; the decision letter is on the case for the worker."
    ),
    confirm="approve",
)
reject = _action(
    services.reject_claim,
    perms=(ClaimPerm.DECIDE,),
    form_class=RejectForm,
    prefix="reject",
    done=gettext_lazy(
        "Claim rejected. The worker is told and may object once; the rejection letter is on "
        "the case."
    ),
    confirm="reject",
)
return_claim = _action(
    services.return_claim,
    perms=(ClaimPerm.VERIFY, ClaimPerm.DECIDE),
    form_class=ReturnForm,
    prefix="return",
    done=gettext_lazy("Claim returned. Next: it is corrected and sent on again."),
)
appeal = _action(
    services.appeal_claim,
    perms=(ClaimPerm.INTAKE,),
    form_class=AppealForm,
    done=gettext_lazy("Appeal recorded. Next: a supervisor reopens the claim for a new decision."),
    confirm="appeal",
)
reopen = _action(
    services.reopen_claim,
    perms=(ClaimPerm.DECIDE,),
    form_class=NoteForm,
    done=gettext_lazy(
        "Claim reopened. Next: a supervisor decides it again on the approval screen."
    ),
)
stop = _action(
    services.stop_benefit,
    perms=(ClaimPerm.STOP_BENEFIT,),
    form_class=StopForm,
    done=gettext_lazy(
        "Benefit stopped: the unpaid instalments are cancelled and the stop letter is on the "
        "case for the worker."
    ),
    confirm="stop",
)


def _act_on_claim_of(
    request: AuthenticatedHttpRequest,
    claim: Claim,
    form: Any,
    act: Callable[[dict[str, Any]], Any],
    done: Callable[[dict[str, Any]], str],
    ask: Callable[[dict[str, Any]], Confirmation] | None = None,
) -> HttpResponse:
    """Validate ``form``; unless confirmed, show what ``ask`` says will happen; then ``act`` on
    its data, say how it went, back to the case."""
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(claim)
    if ask is not None and not is_confirmed(request):
        return confirm_page(request, ask(form.cleaned_data), back=claim.get_absolute_url())
    try:
        act(form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done(form.cleaned_data))
    return redirect(claim)


@login_required
@require_POST
def bank_change_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The second person confirms or refuses a change of the claim's bank account, after
    seeing what it does (a change already decided goes straight to the service's refusal)."""
    _require(request, ClaimPerm.CHANGE_PAYMENT_DETAILS)
    change = selectors.get_bank_change_for_user(user=request.user, pk=pk)
    pending = change.state == BankAccountChange.State.PENDING
    return _act_on_claim_of(
        request,
        change.claim,
        BankChangeDecisionForm(request.POST),
        lambda data: payment_details.decide_bank_account_change(
            change_id=change.pk, acting_user=request.user, **data
        ),
        lambda data: (
            _("New account confirmed: the next payment goes to it.")
            if data["confirm"]
            else _("Change refused: the account stays as it was.")
        ),
        ask=(lambda data: confirmations.bank_change_decision(change, data)) if pending else None,
    )


@login_required
@require_POST
def identity_flag_clear(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A supervisor clears a duplicate-identity flag with a reason; held money is released."""
    _require(request, ClaimPerm.CLEAR_IDENTITY_FLAG)
    flag = selectors.get_identity_flag_for_user(user=request.user, pk=pk)
    return _act_on_claim_of(
        request,
        flag.claim,
        ClearFlagForm(request.POST),
        lambda data: payment_details.clear_identity_flag(
            flag_id=flag.pk, acting_user=request.user, **data
        ),
        lambda _data: _("Flag cleared: the held payments go in the next batch."),
        ask=(
            (lambda data: confirmations.flag_clearing(flag, data))
            if flag.cleared_at is None
            else None
        ),
    )


@login_required
@require_POST
def reassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require(request, ClaimPerm.REASSIGN)
    claim = selectors.get_claim_for_user(user=request.user, pk=pk)
    form = ReassignForm(request.POST, officers=selectors.officers_of_branch(claim))
    if not form.is_valid():
        messages.error(request, _("Choose an officer of this branch."))
        return redirect(claim)
    try:
        services.reassign_claim(
            claim_id=claim.pk, acting_user=request.user, officer=form.cleaned_data["officer"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Claim reassigned: it is now in the queue of the officer you chose.")
        )
    return redirect(claim)
