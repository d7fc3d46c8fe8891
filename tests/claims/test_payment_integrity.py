"""No way around the workflow for money: admin write paths, payment details under four eyes,
duplicate identities, and the database's own refusals."""

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from benefits import payments
from claims import payment_details, services
from claims.models import (
    BankAccountChange,
    CaseEvent,
    CashInstalment,
    Claim,
    IdentityFlag,
    InstalmentStatus,
    PaymentBatch,
    PaymentLine,
)
from claims.models import ClaimState as S
from claims.notifications import message_for
from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from tests.benefits.builders import benefit_claim, instalment, set_status
from tests.factories import ParticipantFactory

from .conftest import drive, eligible_worker, open_draft

pytestmark = pytest.mark.django_db


# --- The admin is a window ------------------------------------------------------------------


@pytest.fixture
def approved_then_changed(make_claim):
    """A claim with two history versions: awaiting approval, then edited through a service."""
    claim = make_claim(S.AWAITING_APPROVAL)
    return claim, claim.history.order_by("history_id").first()


def _post_history(client, user, claim, version):
    client.force_login(user)
    url = f"/admin/claims/claim/{claim.pk}/history/{version.history_id}/"
    data = {"state": "approved", "bank_account_holder": "Orang Lain", "_save": "Save"}
    return client.get(url), client.post(url, data)


def test_no_role_changes_a_claim_through_the_admin_history_or_change_pages(
    client, approved_then_changed, supervisor, outside_supervisor, head_office, admin_user
):
    claim, version = approved_then_changed
    for user in (supervisor, outside_supervisor, head_office, admin_user):
        _get, post = _post_history(client, user, claim, version)
        assert post.status_code in (403, 404, 405), user
        change = client.post(
            f"/admin/claims/claim/{claim.pk}/change/",
            {"state": "approved", "bank_account_holder": "Orang Lain"},
        )
        assert change.status_code in (302, 403, 404), user
        claim.refresh_from_db()
        assert claim.state == S.AWAITING_APPROVAL, user
        assert claim.bank_account_holder != "Orang Lain", user
    assert not CaseEvent.objects.filter(claim=claim, action="approve").exists()


def test_history_pages_are_read_only_and_branch_scoped(
    client, approved_then_changed, supervisor, outside_supervisor
):
    claim, version = approved_then_changed
    get, _post = _post_history(client, outside_supervisor, claim, version)
    assert get.status_code == 404
    get, _post = _post_history(client, supervisor, claim, version)
    assert get.status_code == 200
    page = get.content.decode()
    assert "<select" not in page
    assert 'name="state"' not in page
    assert claim.bank_account not in page


# --- Payment details under four eyes --------------------------------------------------------


@pytest.fixture
def running(branch):
    return benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 10))


def account(claim, **overrides):
    return {
        "bank_name": "BNI",
        "bank_account": "5551234567",
        "account_holder": claim.participant.name,
        **overrides,
    }


def test_a_counsellor_may_not_change_where_the_money_goes(running, counsellor):
    with pytest.raises(PermissionDeniedError):
        payment_details.request_bank_account_change(
            claim_id=running.pk, acting_user=counsellor, **account(running)
        )
    assert not running.bank_changes.exists()


def test_an_officers_change_waits_for_a_second_person(running, officer, second_officer):
    old = running.bank_account
    change = payment_details.request_bank_account_change(
        claim_id=running.pk, acting_user=officer, **account(running)
    )
    running.refresh_from_db()
    assert running.bank_account == old
    with pytest.raises(PermissionDeniedError):
        payment_details.decide_bank_account_change(
            change_id=change.pk, acting_user=officer, confirm=True
        )
    payment_details.decide_bank_account_change(
        change_id=change.pk, acting_user=second_officer, confirm=True
    )
    running.refresh_from_db()
    assert running.bank_account == "5551234567"
    actions = list(running.events.values_list("action", flat=True))
    assert actions[-2:] == ["bank_account_change_requested", "bank_account_changed"]


def test_the_database_refuses_a_change_confirmed_by_whoever_asked(running, officer):
    change = payment_details.request_bank_account_change(
        claim_id=running.pk, acting_user=officer, **account(running)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountChange.objects.filter(pk=change.pk).update(decided_by=officer, state="applied")


@pytest.mark.parametrize(
    ("holder", "matches"),
    [
        ("{name}", True),
        ("  {upper}  ", True),
        ("Bapak {name}", True),
        ("Ibu {name}, S.E.", True),
        ("{name} Lain", False),
        ("Orang Lain", False),
    ],
)
def test_the_holder_must_be_the_worker_with_honorifics_forgiven(holder, matches):
    name = "Siti Rahayu"
    text = holder.format(name=name, upper=name.upper())
    assert payment_details.holder_matches(text, name) is matches


def test_a_name_mismatch_is_refused_with_a_clear_message(running, officer):
    with pytest.raises(ApplicationError) as refused:
        payment_details.request_bank_account_change(
            claim_id=running.pk, acting_user=officer, **account(running, account_holder="Budi")
        )
    assert refused.value.code == "holder_mismatch"
    assert running.participant.name in refused.value.message


def test_the_worker_is_told_of_a_change_of_account(running, officer, supervisor):
    change = payment_details.request_bank_account_change(
        claim_id=running.pk, acting_user=officer, **account(running)
    )
    asked = running.events.get(action="bank_account_change_requested")
    told = message_for(asked)
    assert told is not None
    assert told.notify
    assert "4567" in told.title
    assert "5551234567" not in told.title
    payment_details.decide_bank_account_change(
        change_id=change.pk, acting_user=supervisor, confirm=False, note="Tidak diminta pekerja"
    )
    refused = running.events.get(action="bank_account_change_refused")
    assert message_for(refused).notify


# --- Duplicate identities block money, not people -------------------------------------------


@pytest.fixture
def shared_pair(employer, officer, supervisor, make_claim):
    """Two workers of the branch whose claims name one bank account."""
    first = eligible_worker(employer)
    second = eligible_worker(employer)
    claims = []
    for worker in (first, second):
        claim = open_draft(worker, employer, officer, bank_account="7770001112")
        claims.append(claim)
    return claims


def test_a_shared_account_is_flagged_before_approval_and_shown(
    client, shared_pair, officer, supervisor
):

    first, second = shared_pair
    drive(first, S.AWAITING_APPROVAL, officer=officer, supervisor=supervisor)
    drive(second, S.AWAITING_APPROVAL, officer=officer, supervisor=supervisor)
    services.approve_claim(claim_id=first.pk, acting_user=supervisor)
    flags = IdentityFlag.objects.filter(claim=first, cleared_at__isnull=True)
    assert [flag.kind for flag in flags] == ["bank_account"]
    client.force_login(supervisor)
    page = client.get(f"/claims/{second.pk}/approval/").content.decode()
    assert 'id="identity-flag-' in page


def test_export_holds_a_flagged_transfer_until_a_supervisor_clears_it(
    branch, head_office, supervisor
):
    decided = dt.date(2025, 3, 10)
    first = benefit_claim(branch=branch, decision_date=decided, bank_account="8880001112")
    second = benefit_claim(branch=branch, decision_date=decided, bank_account="3330001112")
    for claim in (first, second):
        set_status(claim, [1], InstalmentStatus.PAYABLE)
    batch = payments.run_payment_batch(acting_user=head_office, on=dt.date(2025, 4, 1))
    assert batch.lines.count() == 2
    # Someone else's record turns out to carry the first claim's account.
    ParticipantFactory(bank_account="8880001112")

    content = payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    assert first.number not in content
    assert second.number in content
    assert instalment(first, 1).status == InstalmentStatus.PAYABLE
    [flag] = IdentityFlag.objects.filter(claim=first)
    # The next run skips it while the flag is open.
    batch.lines.filter(status="pending").update(status="paid")
    PaymentBatch.objects.filter(pk=batch.pk).update(state="reconciled")
    assert payments.run_payment_batch(acting_user=head_office, on=dt.date(2025, 4, 2)) is None

    with pytest.raises(ApplicationError):
        payment_details.clear_identity_flag(flag_id=flag.pk, acting_user=supervisor, reason=" ")
    payment_details.clear_identity_flag(
        flag_id=flag.pk, acting_user=supervisor, reason="Rekening bersama suami-istri, dicek"
    )
    again = payments.run_payment_batch(acting_user=head_office, on=dt.date(2025, 4, 3))
    assert [line.instalment.claim_id for line in again.lines.all()] == [first.pk]
    cleared = first.events.get(action="identity_flag_cleared")
    assert (cleared.actor, cleared.note) == (supervisor, "Rekening bersama suami-istri, dicek")


# --- The database enforces the invariants ---------------------------------------------------


def _refused(statement):
    with pytest.raises(IntegrityError), transaction.atomic():
        statement()


def test_the_database_refuses_a_second_open_claim(employer, officer):
    claim = open_draft(eligible_worker(employer), employer, officer)
    copy = Claim.objects.values().get(pk=claim.pk)
    copy.pop("id")
    copy["number"] = "JKP-COPY"
    _refused(lambda: Claim.objects.create(**copy))


def test_the_database_bounds_instalments_and_payment_lines(running):
    first = instalment(running, 1)
    for values in ({"amount": 10**12}, {"percent": 250}, {"amount": 0}):
        _refused(lambda values=values: CashInstalment.objects.filter(pk=first.pk).update(**values))
    batch = PaymentBatch.objects.create(reference="PB-X", period=dt.date(2025, 4, 1))

    def line(amount):
        return PaymentLine.objects.create(
            batch=batch,
            instalment=first,
            amount=amount,
            bank_name="BRI",
            bank_account="1234567",
            account_holder="X",
            reference=f"X-{amount}",
        )

    _refused(lambda: line(0))
    _refused(lambda: line(first.amount * 10))
    pending = line(first.amount)
    assert pending.status == PaymentLine.Status.PENDING
    _refused(lambda: CashInstalment.objects.filter(pk=first.pk).update(status="paid"))
    PaymentLine.objects.filter(pk=pending.pk).update(status="paid")
    CashInstalment.objects.filter(pk=first.pk).update(status="paid")


@pytest.mark.postgres
def test_the_database_refuses_to_truncate_case_events(running):
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jkp_app_probe')"
            " THEN CREATE ROLE jkp_app_probe NOLOGIN NOSUPERUSER; END IF; END $$"
        )
        cursor.execute("GRANT ALL ON claims_caseevent, claims_eventnotification TO jkp_app_probe")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE jkp_app_probe")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("TRUNCATE claims_caseevent CASCADE")
        cursor.execute("RESET ROLE")


def test_the_queue_marks_a_claim_whose_payments_are_held(client, shared_pair, supervisor):
    first, _second = shared_pair
    payment_details.raise_identity_flags(first)
    client.force_login(supervisor)
    page = client.get("/claims/").content.decode()
    row = page[page.index(f'data-claim="{first.number}"') :]
    assert "identity-flag" in row[: row.index("</tr>")]


def test_clearing_a_flag_on_the_case_page_asks_first(client, branch, supervisor):
    decided = dt.date(2025, 3, 10)
    claim = benefit_claim(branch=branch, decision_date=decided, bank_account="8880001112")
    other = ParticipantFactory(bank_account="8880001112")
    payment_details.raise_identity_flags(claim)
    [flag] = IdentityFlag.objects.filter(claim=claim)
    client.force_login(supervisor)
    url = reverse("claims:identity_flag_clear", args=[flag.pk])
    asked = client.post(url, {"reason": "Rekening bersama, dicek"})
    assert 'id="confirm-form"' in asked.text
    assert other.nik_masked in asked.text
    assert "Rekening bersama, dicek" in asked.text
    flag.refresh_from_db()
    assert flag.cleared_at is None
    client.post(url, {"reason": "Rekening bersama, dicek", "confirmed": "1"})
    flag.refresh_from_db()
    assert flag.cleared_by == supervisor
