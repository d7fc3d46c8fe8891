"""Pages of the worker portal. Thin: one selector to load, at most one service to act.

Every page but activation, sign-in and the e-mail link needs a signed-in worker
(`worker_required`), and loads objects only through portal.selectors, which
start from that worker's participant record.
"""

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from benefits import services as benefit_services
from benefits.conditions import conditions_for
from claims import confirmations, letters, reassessment_selectors, workflow
from claims import notifications as wording
from claims import services as claim_services
from claims.models import Claim
from claims.rules import NoRuleVersionError, ScenarioError
from claims.vocabulary import WithdrawReason
from jkp_site.core import sms
from jkp_site.core.confirm import confirm_page, is_confirmed
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.http import AuthenticatedHttpRequest
from jkp_site.core.net import client_ip
from portal import codes, selectors, services
from portal.account_forms import SmsCodeForm
from portal.forms import (
    ActivationForm,
    ActivityForm,
    AppealForm,
    BankForm,
    ClaimTerminationForm,
    DocumentForm,
    EmailForm,
    EmploymentStatusForm,
    KapkForm,
    PhoneForm,
    PortalAuthenticationForm,
    TerminationForm,
)
from training import services as training_services
from training.models import JobSeekingActivity


def worker_required(view):
    """Signed in (else to the portal's sign-in page) and holding a participant record (else 403).

    The participant is passed to the view, so no view looks it up any other way.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        participant = selectors.participant_for(request.user)
        return view(request, participant, *args, **kwargs)

    return wrapper


class PortalLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("portal:home")


login_view = PortalLoginView.as_view()
logout_view = auth_views.LogoutView.as_view(next_page=reverse_lazy("portal:login"))


def _posted(request: HttpRequest):
    """The POST data of a POST (even an empty one: an unticked box must still be validated)."""
    return request.POST if request.method == "POST" else None


def _files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


def _apply_errors(form, exc: ApplicationError) -> None:
    """A service's refusal shown on the form: on its field when it names one, else on top."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, ValidationError(exc.message, code=exc.code))


def _email_link(request: HttpRequest):
    return lambda token: request.build_absolute_uri(
        reverse("portal:confirm_email", kwargs={"token": token})
    )


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """Activation with an e-mail address, a mobile number (when SMS is configured) or both:
    the address gets a link, the number a code typed back on the next page."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = ActivationForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.activate_account(
                nik=data["nik"],
                kpj_number=data["kpj_number"],
                birth_date=data["birth_date"],
                password=data["password1"],
                ip_address=client_ip(request),
            )
        except services.ActivationThrottledError as exc:
            _apply_errors(form, exc)
            status = 429
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            login(request, user, backend="jkp_site.core.backends.PermissionBackend")
            messages.success(request, _("Your account is ready."))
            if data["email"]:
                services.send_email_confirmation(
                    user=user, email=data["email"], link_for=_email_link(request)
                )
                messages.info(
                    request,
                    _("We sent a link to %(email)s: open it to confirm.")
                    % {"email": data["email"]},
                )
            if data.get("phone"):
                return _send_phone_code(request, user, data["phone"])
            return redirect("portal:home")
    return render(request, "portal/activate.html", {"form": form}, status=status)


PHONE_CODE_SESSION_KEY = "portal:phone_code"


def _send_phone_code(request: HttpRequest, user, phone: str) -> HttpResponse:
    """Send a code to confirm ``phone`` and open the page to type it (its key in the session)."""
    try:
        key = services.start_phone_confirmation(
            user=user, phone=phone, ip_address=client_ip(request)
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("portal:home")
    request.session[PHONE_CODE_SESSION_KEY] = key
    return redirect("portal:confirm_phone")


@worker_required
@require_http_methods(["GET", "POST"])
def change_phone(request: AuthenticatedHttpRequest, participant) -> HttpResponse:
    if not sms.available():
        raise Http404
    form = PhoneForm(_posted(request), initial={"phone": request.user.phone})
    if request.method == "POST" and form.is_valid():
        return _send_phone_code(request, request.user, form.cleaned_data["phone"])
    return render(request, "portal/phone_form.html", {"form": form})


@worker_required
@require_http_methods(["GET", "POST"])
def confirm_phone(request: AuthenticatedHttpRequest, participant) -> HttpResponse:
    """The code sent by SMS, typed back; "send a new code" (POST ``resend``) sends another."""
    key = request.session.get(PHONE_CODE_SESSION_KEY)
    challenge = codes.pending(key, purpose=codes.CONFIRM_PHONE)
    if challenge is None or challenge.user_id != request.user.pk:
        if request.method == "POST":
            messages.error(request, _("That code has expired. Ask for a new one."))
        return redirect("portal:change_phone")
    if request.method == "POST" and "resend" in request.POST:
        return _send_phone_code(request, request.user, challenge.phone)
    form = SmsCodeForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_phone(
                user=request.user,
                key=key,
                code=form.cleaned_data["code"],
                ip_address=client_ip(request),
            )
        except services.CodesThrottledError as exc:
            _apply_errors(form, exc)
            status = 429
        except ApplicationError as exc:
            _apply_errors(form, exc)
            status = 400
        else:
            request.session.pop(PHONE_CODE_SESSION_KEY, None)
            messages.success(request, _("Thank you: your mobile number is confirmed."))
            return redirect("portal:home")
    return render(
        request,
        "portal/confirm_phone.html",
        {"form": form, "phone": sms.masked(challenge.phone), "minutes": codes.CODE_MINUTES},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button: mail scanners that open links must not confirm anything."""
    if request.method == "POST":
        try:
            services.confirm_email(token=token)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return render(request, "portal/confirm_email.html", {"invalid": True}, status=400)
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
        return redirect("portal:home")
    return render(request, "portal/confirm_email.html", {"invalid": False})


@worker_required
@require_http_methods(["GET", "POST"])
def change_email(request: AuthenticatedHttpRequest, participant) -> HttpResponse:
    form = EmailForm(_posted(request), initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        services.send_email_confirmation(
            user=request.user, email=email, link_for=_email_link(request)
        )
        messages.success(request, _("We sent a confirmation link to %(email)s.") % {"email": email})
        return redirect("portal:home")
    return render(request, "portal/email_form.html", {"form": form})


@worker_required
def home(request: AuthenticatedHttpRequest, participant) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "participant": participant,
            "claims": [
                (claim, wording.status_words(claim))
                for claim in selectors.claims_of(participant).order_by("-created_at")
            ],
            "draft": selectors.open_draft(participant),
            "sms_available": sms.available(),
            "phone": sms.masked(request.user.phone) if request.user.phone else "",
        },
    )


PRECHECK_SESSION_KEY = "portal:precheck"


def _remember_precheck(request: HttpRequest, answers: dict) -> None:
    """The pre-check's answers, kept in the session (never in a URL) for the claim form."""
    request.session[PRECHECK_SESSION_KEY] = {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in answers.items()
    }


def _precheck_answers(request: HttpRequest) -> dict:
    """The answers of the worker's last pre-check in this session, as the claim form's initial
    data (dates as dates); an empty dict when there was none."""
    kept = request.session.get(PRECHECK_SESSION_KEY) or {}
    return {
        name: dt.date.fromisoformat(value) if value and name.endswith("_date") else value
        for name, value in kept.items()
        if name in TerminationForm.base_fields
    }


@worker_required
@require_http_methods(["GET", "POST"])
def precheck(request: AuthenticatedHttpRequest, participant) -> HttpResponse:
    """POSTed, so what the worker says of their PHK stays out of URLs and logs. Nothing is
    written but the answers, kept in the session: "File a claim" starts from them."""
    employment = selectors.last_employment(participant)
    initial = {}
    if employment is not None:
        initial = {
            "contract_type": employment.contract_type,
            "contract_end_date": employment.end_date,
        }
    form = TerminationForm(_posted(request), initial={**initial, **_precheck_answers(request)})
    result = None
    if form.is_bound and form.is_valid():
        try:
            result = selectors.precheck(participant=participant, **form.cleaned_data)
        except ScenarioError as exc:
            form.add_error(None, exc.message)
        except NoRuleVersionError:
            form.add_error("phk_date", _("JKP did not exist yet on that date."))
        else:
            _remember_precheck(request, form.cleaned_data)
    return render(request, "portal/precheck.html", {"form": form, "result": result})


# --- Filing a claim, step by step ----------------------------------------------------------------

STEPS = (
    ("phk", gettext_lazy("Your PHK")),
    ("bank", gettext_lazy("Bank account")),
    ("documents", gettext_lazy("Documents")),
    ("review", gettext_lazy("Check and send")),
)
STEP_NAMES = [name for name, _label in STEPS]


def _step_url(claim: Claim, step: str) -> str:
    return reverse("portal:claim_step", kwargs={"pk": claim.pk, "step": step})


def _render_step(request, claim, step, context, status=200):
    context.update(
        {
            "claim": claim,
            "step": step,
            "steps": [
                {"name": name, "label": label, "number": k + 1, "url": _step_url(claim, name)}
                if claim
                else {"name": name, "label": label, "number": k + 1, "url": ""}
                for k, (name, label) in enumerate(STEPS)
            ],
        }
    )
    return render(request, f"portal/claim_step_{step}.html", context, status=status)


@worker_required
@require_http_methods(["GET", "POST"])
def file_claim(request: AuthenticatedHttpRequest, participant) -> HttpResponse:
    """Step 1 without a draft yet: saving it opens the draft claim at the employer's branch."""
    draft = selectors.open_draft(participant)
    if draft is not None:
        return redirect(_step_url(draft, "phk"))
    employer = selectors.last_employer(participant)
    employment = selectors.last_employment(participant)
    initial = {}
    if employment is not None:
        initial = {
            "contract_type": employment.contract_type,
            "contract_end_date": employment.end_date,
        }
    prechecked = _precheck_answers(request)
    form = ClaimTerminationForm(_posted(request), initial={**initial, **prechecked})
    if request.method == "POST" and form.is_valid():
        if employer is None:
            form.add_error(None, _("No employer is recorded for you: ask your branch for help."))
        else:
            try:
                claim = claim_services.open_claim(
                    participant=participant,
                    employer=employer,
                    channel=Claim.Channel.PORTAL,
                    acting_user=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                request.session.pop(PRECHECK_SESSION_KEY, None)
                messages.success(request, _("Your draft is saved. Next: your bank account."))
                return redirect(_step_url(claim, "bank"))
    return _render_step(
        request, None, "phk", {"form": form, "employer": employer, "prechecked": bool(prechecked)}
    )


@worker_required
@require_http_methods(["GET", "POST"])
def claim_step(request: AuthenticatedHttpRequest, participant, pk: int, step: str) -> HttpResponse:
    claim = selectors.get_claim_for_worker(participant=participant, pk=pk)
    if step not in STEP_NAMES:
        raise Http404
    if claim.state != Claim.State.DRAFT:
        return redirect("portal:claim", pk=claim.pk)
    handler = {
        "phk": _step_phk,
        "bank": _step_bank,
        "documents": _step_documents,
        "review": _step_review,
    }[step]
    return handler(request, participant, claim)


def _step_phk(request, participant, claim):
    termination = claim.termination
    form = ClaimTerminationForm(
        _posted(request),
        initial={name: getattr(termination, name) for name in ClaimTerminationForm.base_fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim_services.update_draft(
                claim_id=claim.pk, acting_user=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect(_step_url(claim, "bank"))
    return _render_step(request, claim, "phk", {"form": form, "employer": termination.employer})


def _step_bank(request, participant, claim):
    initial = {
        "bank_name": claim.bank_name or participant.bank_name,
        "bank_account": claim.bank_account or participant.bank_account,
        "bank_account_holder": claim.bank_account_holder or participant.name,
    }
    form = BankForm(_posted(request), initial=initial, owner_name=participant.name)
    if request.method == "POST" and form.is_valid():
        try:
            claim_services.update_draft(
                claim_id=claim.pk, acting_user=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect(_step_url(claim, "documents"))
    return _render_step(request, claim, "bank", {"form": form})


def _step_documents(request, participant, claim):
    form = DocumentForm(_posted(request), _files(request))
    status = 200
    if request.method == "POST" and "next" in request.POST:
        if selectors.has_usable_phk_proof(claim):
            return redirect(_step_url(claim, "review"))
        messages.error(
            request,
            _("The documents uploaded are not yet an accepted proof of your PHK (see the list)."),
        )
        form = DocumentForm()
        status = 400
    elif request.method == "POST" and form.is_valid():
        try:
            claim_services.add_document(
                claim_id=claim.pk,
                doc_type=form.cleaned_data["doc_type"],
                uploaded_file=form.cleaned_data["uploaded_file"],
                acting_user=request.user,
            )
        except ApplicationError as exc:
            _apply_errors(form, exc)
            status = 400
        else:
            messages.success(request, _("Document uploaded."))
            return redirect(_step_url(claim, "documents"))
    elif request.method == "POST":
        status = 400
    return _render_step(
        request,
        claim,
        "documents",
        {
            "form": form,
            "documents": selectors.documents_of(claim),
            "proof_combinations": selectors.proof_combinations(),
            "has_proof": selectors.has_usable_phk_proof(claim),
        },
        status=status,
    )


def _step_review(request, participant, claim):
    form = KapkForm(_posted(request), initial={"kapk_signed": claim.kapk_signed_at is not None})
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_kapk_and_submit(claim_id=claim.pk, acting_user=request.user)
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Your claim was sent to the branch."))
            return redirect("portal:claim", pk=claim.pk)
    return _render_step(
        request,
        claim,
        "review",
        {"form": form, "documents": selectors.documents_of(claim)},
    )


# --- Following the case ------------------------------------------------------------------------

WITHDRAW_REASON = WithdrawReason.CLAIMANT_REQUEST
REUPLOAD_STATES = (Claim.State.SUBMITTED, Claim.State.VERIFYING)


@worker_required
@require_http_methods(["GET", "POST"])
def claim_detail(request: AuthenticatedHttpRequest, participant, pk: int) -> HttpResponse:
    """The case: where it stands, what it waits for, what happened, and the money.

    While the branch verifies the claim the worker can upload a document again here (POST).
    """
    claim = selectors.get_claim_for_worker(participant=participant, pk=pk)
    upload_form = DocumentForm(_posted(request), _files(request))
    status = 200
    if request.method == "POST":
        if claim.state not in REUPLOAD_STATES:
            raise Http404
        if upload_form.is_valid():
            try:
                claim_services.add_document(
                    claim_id=claim.pk,
                    doc_type=upload_form.cleaned_data["doc_type"],
                    uploaded_file=upload_form.cleaned_data["uploaded_file"],
                    acting_user=request.user,
                )
            except ApplicationError as exc:
                _apply_errors(upload_form, exc)
            else:
                messages.success(request, _("Document uploaded; the officer will check it."))
                return redirect("portal:claim", pk=claim.pk)
        status = 400
    returned = selectors.was_returned(claim)
    can = workflow.available_actions(claim, request.user)
    context = {
        "claim": claim,
        "status_words": wording.status_words(claim),
        "waiting_for": wording.waiting_for(claim, returned=returned),
        "returned": returned,
        "timeline": selectors.timeline(claim),
        "schedule": selectors.schedule(selectors.instalments_of(claim)),
        "documents": selectors.documents_of(claim),
        "rejection": selectors.rejection_of(claim),
        "upload_form": upload_form if claim.state in REUPLOAD_STATES else None,
        "appeal_form": AppealForm() if can["appeal"] else None,
        "can_withdraw": can["withdraw"],
        "benefit": selectors.benefit_of(claim),
        "letters": letters.letters_offered(claim),
        "reassessments": reassessment_selectors.reassessments_of(claim),
        "debts": reassessment_selectors.debts_of(claim),
    }
    return render(request, "portal/claim_detail.html", context, status=status)


@worker_required
@require_POST
def claim_appeal(request: AuthenticatedHttpRequest, participant, pk: int) -> HttpResponse:
    claim = selectors.get_claim_for_worker(participant=participant, pk=pk)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write why you think the decision is wrong."))
        return redirect("portal:claim", pk=claim.pk)
    try:
        claim_services.appeal_claim(
            claim_id=claim.pk, acting_user=request.user, note=form.cleaned_data["note"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your objection was sent. Another supervisor will decide."))
    return redirect("portal:claim", pk=claim.pk)


@worker_required
@require_POST
def claim_withdraw(request: AuthenticatedHttpRequest, participant, pk: int) -> HttpResponse:
    claim = selectors.get_claim_for_worker(participant=participant, pk=pk)
    if not is_confirmed(request):
        page = confirmations.confirmation_for("withdraw", claim, {"reason_code": WITHDRAW_REASON})
        back = reverse("portal:claim", kwargs={"pk": claim.pk})
        return confirm_page(request, page, back=back, template="portal/confirm.html")
    try:
        claim_services.withdraw_claim(
            claim_id=claim.pk, acting_user=request.user, reason_code=WITHDRAW_REASON
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your claim was withdrawn."))
    return redirect("portal:claim", pk=claim.pk)


@worker_required
@require_POST
def document_remove(request: AuthenticatedHttpRequest, participant, pk: int) -> HttpResponse:
    """The worker takes back a document they uploaded, before the branch accepts it; asked
    first, since the file is deleted."""
    document = selectors.get_document_for_worker(participant=participant, pk=pk)
    claim = document.claim
    back = (
        _step_url(claim, "documents")
        if claim.state == Claim.State.DRAFT
        else reverse("portal:claim", kwargs={"pk": claim.pk})
    )
    if not is_confirmed(request):
        page = confirmations.document_removal(document)
        return confirm_page(request, page, back=back, template="portal/confirm.html")
    try:
        claim_services.remove_document(document_id=document.pk, acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Removed: %(name)s. Upload the right document in its place.")
            % {"name": document.original_name},
        )
    return redirect(back)


@worker_required
def document_download(request: AuthenticatedHttpRequest, participant, pk: int) -> FileResponse:
    """The worker's own upload, served through this check and never as a public file."""
    document = selectors.get_document_for_worker(participant=participant, pk=pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@worker_required
@require_GET
def letter_download(
    request: AuthenticatedHttpRequest, participant, pk: int, kind: str
) -> FileResponse:
    """A letter about the worker's own claim (claims.letters); another's claim is 404."""
    claim = selectors.get_claim_for_worker(participant=participant, pk=pk)
    letter = letters.letter_for(claim_id=claim.pk, kind=kind, acting_user=request.user)
    if letter is None:
        raise Http404
    return letters.file_response(letter)


@worker_required
def instalment_detail(request: AuthenticatedHttpRequest, participant, pk: int) -> HttpResponse:
    instalment = selectors.get_instalment_for_worker(participant=participant, pk=pk)
    return render(
        request,
        "portal/instalment_detail.html",
        {"instalment": instalment, "message": selectors.instalment_message(instalment)},
    )


@worker_required
def notifications(request: AuthenticatedHttpRequest, participant) -> HttpResponse:
    return render(
        request,
        "portal/notifications.html",
        {"notifications": selectors.notifications(participant)},
    )


# --- During the benefit --------------------------------------------------------------------------


def _running_claim_for(participant, pk: int) -> Claim:
    claim = selectors.get_claim_for_worker(participant=participant, pk=pk)
    if claim.state not in Claim.State.RUNNING:
        raise Http404
    return claim


@worker_required
@require_http_methods(["GET", "POST"])
def report_activity(request: AuthenticatedHttpRequest, participant, pk: int) -> HttpResponse:
    """A job application or interview, counted toward the month's cash condition."""
    claim = _running_claim_for(participant, pk)
    form = ActivityForm(_posted(request), initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            benefit_services.record_activity(
                claim_id=claim.pk, acting_user=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your activity is recorded."))
            return redirect("portal:claim", pk=claim.pk)
    return render(
        request,
        "portal/activity_form.html",
        {"claim": claim, "form": form, "conditions": conditions_for(claim.rule_version)},
    )


@worker_required
@require_POST
def accept_training(request: AuthenticatedHttpRequest, participant, pk: int) -> HttpResponse:
    """The worker says yes to a training offer; the branch then arranges the enrolment."""
    referral = selectors.get_referral_for_worker(participant=participant, pk=pk)
    try:
        training_services.accept_training_referral(
            referral_id=referral.pk, acting_user=request.user
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Thank you: you accepted the training. The branch will arrange your place.")
        )
    return redirect("portal:claim", pk=referral.claim_id)


@worker_required
@require_http_methods(["GET", "POST"])
def employment_status(request: AuthenticatedHttpRequest, participant, pk: int) -> HttpResponse:
    """The employment-status form: needed for month 6, and how a new job is reported."""
    claim = _running_claim_for(participant, pk)
    form = EmploymentStatusForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["employed"]:
                training_services.report_reemployment(
                    claim_id=claim.pk,
                    acting_user=request.user,
                    employer_name=data["employer_name"],
                    started_on=data["started_on"],
                    note=data["notes"],
                )
            else:
                benefit_services.record_activity(
                    claim_id=claim.pk,
                    acting_user=request.user,
                    kind=JobSeekingActivity.Kind.EMPLOYMENT_STATUS,
                    occurred_on=timezone.localdate(),
                    notes=data["notes"],
                )
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your employment status is recorded."))
            return redirect("portal:claim", pk=claim.pk)
    return render(request, "portal/employment_status_form.html", {"claim": claim, "form": form})
