"""Cash benefit: wage basis, instalment amounts and the payment schedule.

All money is whole Rupiah in ``int``; percentages are applied with ``Decimal`` and rounded half
up (D8). No float anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .codes import PAYER_BPJS, PAYER_EMPLOYER_FIRST
from .periods import Period, add_months
from .scenario import EmployerStatus
from .versions import RuleVersion, previous_version, version_on


@dataclass(frozen=True, slots=True)
class Instalment:
    month: int
    due_date: date
    percent: int
    amount: int
    rule_version: str
    wage_basis: int = 0
    source: str = ""


def last_reported_wage(paid: Mapping[Period, int], phk_month: Period) -> int | None:
    """Wage of the latest paid month on or before the PHK month (D9), before the ceiling."""
    eligible_months = [period for period in paid if period <= phk_month]
    if not eligible_months:
        return None
    return paid[max(eligible_months)]


def capped_wage(wage: int, version: RuleVersion) -> int:
    """The benefit wage: the reported wage, but not above the ceiling. Pasal 21(2)-(3)."""
    return min(wage, version.value("wage_ceiling"))


def percent_of(amount: int, percent: int | Decimal) -> int:
    """``amount`` x ``percent`` / 100 in whole Rupiah, half up (D8)."""
    exact = Decimal(amount) * Decimal(percent) / Decimal(100)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def instalment_version(due: date, decision_date: date) -> RuleVersion:
    """The version that pays an instalment due on ``due`` (D6, Permenaker 2/2025 Pasal II).

    The version in force on the due date, when that version applies to benefits already running;
    otherwise the most recent earlier version that does, but never earlier than the version in
    force on the decision date. With the two versions we have this is exactly D6: decided on or
    after 7 Feb 2025 -> all PP 6/2025; decided earlier -> each instalment by its due date.
    """
    at_decision = version_on(decision_date)
    version: RuleVersion | None = version_on(due)
    while version is not None and version is not at_decision:
        if version.value("applies_to_running_benefits"):
            return version
        version = previous_version(version)
    return at_decision


def cash_schedule(
    raw_wage: int, decision_date: date, governing: RuleVersion
) -> tuple[Instalment, ...]:
    """The monthly instalments for an eligible claim.

    Instalment k is due on the decision date + (k-1) calendar months, clipped to the month's last
    day (D7). Each instalment takes its percent and ceiling from its own version (D6). The number
    of instalments comes from the version that governed eligibility (Pasal 21: up to 6 months).
    """
    instalments = []
    for month in range(1, governing.value("max_instalments") + 1):
        due = add_months(decision_date, month - 1)
        version = instalment_version(due, decision_date)
        percent = version.value("cash_percents")[month - 1]
        basis = capped_wage(raw_wage, version)
        instalments.append(
            Instalment(
                month=month,
                due_date=due,
                percent=percent,
                amount=percent_of(basis, percent),
                rule_version=version.code,
                wage_basis=basis,
                source=version.source("cash_percents"),
            )
        )
    return tuple(instalments)


@dataclass(frozen=True, slots=True)
class PayerDecision:
    payer: str
    source: str
    threshold: int
    message: str
    message_en: str


def payer_for(employer: EmployerStatus, version: RuleVersion) -> PayerDecision:
    """Who pays the cash first when the employer is in arrears (D13). Never a refusal.

    Pasal 39: arrears of up to 3 consecutive months -> BPJS pays; more -> the employer pays first
    and is reimbursed after clearing the arrears (Pasal 39(3)). Pasal 39A (V2 only): a bankrupt
    or closed employer with arrears of at most 6 months -> BPJS still pays.
    """
    if employer.bankrupt_or_closed:
        param = version.param("arrears_months_bpjs_pays_bankrupt")
        who_id, who_en = "pengusaha pailit/tutup", "bankrupt/closed employer"
    else:
        param = version.param("arrears_months_bpjs_pays")
        who_id, who_en = "pengusaha", "employer"
    threshold = param.value
    arrears = employer.arrears_months
    if arrears <= threshold:
        return PayerDecision(
            payer=PAYER_BPJS,
            source=param.source,
            threshold=threshold,
            message=(
                f"Tunggakan {who_id} {arrears} bulan (paling banyak {threshold}); BPJS "
                f"Ketenagakerjaan membayar manfaat ({param.source})"
            ),
            message_en=(
                f"{who_en.capitalize()} arrears {arrears} months (at most {threshold}); "
                f"BPJS Ketenagakerjaan pays ({param.source})"
            ),
        )
    first = version.param("employer_pays_first_source")
    return PayerDecision(
        payer=PAYER_EMPLOYER_FIRST,
        source=first.source,
        threshold=threshold,
        message=(
            f"Tunggakan {who_id} {arrears} bulan (lebih dari {threshold}); pengusaha membayar "
            f"manfaat lebih dulu lalu meminta penggantian ({first.source}); hak pekerja tetap"
        ),
        message_en=(
            f"{who_en.capitalize()} arrears {arrears} months (more than {threshold}); the "
            f"employer pays first and is reimbursed later ({first.source}); the worker's "
            f"entitlement is unchanged"
        ),
    )
