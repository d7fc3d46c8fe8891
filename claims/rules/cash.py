"""Cash benefit: wage basis, instalment amounts and the payment schedule.

All money is whole Rupiah in ``int``; percentages are applied with ``Decimal`` and rounded half
up (D8). No float anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from . import versions as _versions
from .codes import PAYER_BPJS, PAYER_EMPLOYER_FIRST
from .periods import Period, add_months
from .scenario import EmployerStatus
from .texts import Money, Text, _
from .versions import Param, RuleVersion, previous_version, version_on


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
    last = phk_month.ordinal
    latest: Period | None = None
    for period in paid:
        if period.ordinal <= last and (latest is None or period.ordinal > latest.ordinal):
            latest = period
    return None if latest is None else paid[latest]


def capped_wage(wage: int, version: RuleVersion) -> int:
    """The benefit wage: the reported wage, but not above the ceiling. Pasal 21(2)-(3)."""
    ceiling: int = version.value("wage_ceiling")
    return min(wage, ceiling)


def wage_basis_text(
    raw_wage: int | None, latest_paid: Period | None, phk_month: Period, version: RuleVersion
) -> Text:
    """How the wage basis was found (D9), for people."""
    src = version.source("wage_ceiling")
    if raw_wage is None or latest_paid is None:
        return _(
            "No contribution was paid up to the PHK month (%(month)s); there is no wage basis",
            month=phk_month,
        )
    basis = capped_wage(raw_wage, version)
    if basis < raw_wage:
        return _(
            "Wage basis %(basis)s: the wage reported for %(month)s, %(wage)s, capped at "
            "%(ceiling)s (%(source)s)",
            basis=Money(basis),
            month=latest_paid,
            wage=Money(raw_wage),
            ceiling=Money(version.value("wage_ceiling")),
            source=src,
        )
    return _(
        "Wage basis %(basis)s: the wage reported for %(month)s, the latest month paid up to the "
        "PHK (%(source)s)",
        basis=Money(basis),
        month=latest_paid,
        source=src,
    )


def percent_of(amount: int, percent: int | Decimal) -> int:
    """``amount`` x ``percent`` / 100 in whole Rupiah, half up (D8)."""
    if type(percent) is int and amount >= 0:
        # Exact integer form of the same rounding: floor((a * p / 100) + 1/2).
        return (amount * percent * 2 + 100) // 200
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


# (decision date, count) -> (the version table, due dates, the version paying each): the
# calendar of a benefit depends on nothing else (D6, D7). An entry made under another version
# table never matches; the cache is emptied when it grows past a bound.
_DUES: dict[
    tuple[date, int],
    tuple[tuple[RuleVersion, ...], tuple[date, ...], tuple[RuleVersion, ...]],
] = {}
_DUES_BOUND = 20_000


def _due_dates(decision_date: date, count: int) -> tuple[tuple[date, ...], tuple[RuleVersion, ...]]:
    key = (decision_date, count)
    table = _versions.VERSIONS
    found = _DUES.get(key) if decision_date.__class__ is date else None
    if found is not None and found[0] is table:
        return found[1], found[2]
    dues = tuple(add_months(decision_date, month) for month in range(count))
    at_decision = version_on(decision_date)
    if dues and version_on(dues[-1]) is at_decision:
        # The usual case: no other version begins during the benefit; all instalments alike.
        versions = (at_decision,) * count
    else:
        versions = tuple(instalment_version(due, decision_date) for due in dues)
    if decision_date.__class__ is date:
        if len(_DUES) >= _DUES_BOUND:
            _DUES.clear()
        _DUES[key] = (table, dues, versions)
    return dues, versions


def cash_schedule(
    raw_wage: int, decision_date: date, governing: RuleVersion
) -> tuple[Instalment, ...]:
    """The monthly instalments for an eligible claim.

    Instalment k is due on the decision date + (k-1) calendar months, clipped to the month's last
    day (D7). Each instalment takes its percent and ceiling from its own version (D6). The number
    of instalments comes from the version that governed eligibility (Pasal 21: up to 6 months).
    """
    count: int = governing.value("max_instalments")
    dues, versions = _due_dates(decision_date, count)
    # Per version: its percents, the capped basis and the source, looked up once.
    terms: dict[int, tuple[tuple[int, ...], int, str, str]] = {}
    instalments = []
    for index, due in enumerate(dues):
        version = versions[index]
        found = terms.get(id(version))
        if found is None:
            found = (
                version.value("cash_percents"),
                capped_wage(raw_wage, version),
                version.source("cash_percents"),
                version.code,
            )
            terms[id(version)] = found
        percents, basis, source, code = found
        percent = percents[index]
        instalments.append(
            Instalment(index + 1, due, percent, percent_of(basis, percent), code, basis, source)
        )
    return tuple(instalments)


@dataclass(frozen=True, slots=True)
class PayerDecision:
    payer: str
    source: str
    threshold: int
    text: Text

    @property
    def message(self) -> str:
        return self.text.render()

    @property
    def message_en(self) -> str:
        return self.text.render("en")


def arrears_threshold(employer: EmployerStatus, version: RuleVersion) -> Param:
    """The most months of arrears for which BPJS still pays (D13).

    Pasal 39(1): up to 3 consecutive months. Pasal 39A(1) (V2 only): a bankrupt or closed
    employer, at most 6 months. V1 has no 39A, so its "bankrupt" figure is the Pasal 39 one.
    """
    if employer.bankrupt_or_closed:
        return version.param("arrears_months_bpjs_pays_bankrupt")
    return version.param("arrears_months_bpjs_pays")


# (id(version), arrears, bankrupt) -> (version, decision): a payer decision reads nothing else
# and is immutable. The version is kept so a reused id() never matches; emptied past a bound.
_PAYERS: dict[tuple[int, int, bool], tuple[RuleVersion, PayerDecision]] = {}
_PAYERS_BOUND = 4096


def payer_for(employer: EmployerStatus, version: RuleVersion) -> PayerDecision:
    """Who pays the cash first when the employer is in arrears (D13). Never a refusal.

    Pasal 39: arrears of up to 3 consecutive months -> BPJS pays; more -> the employer pays first
    and is reimbursed after clearing the arrears (Pasal 39(3)). Pasal 39A (V2 only): a bankrupt
    or closed employer with arrears of at most 6 months -> BPJS still pays.
    """
    arrears, bankrupt = employer.arrears_months, employer.bankrupt_or_closed
    if arrears.__class__ is not int or bankrupt.__class__ is not bool:
        return _payer(employer, version)
    key = (id(version), arrears, bankrupt)
    found = _PAYERS.get(key)
    if found is None or found[0] is not version:
        if len(_PAYERS) >= _PAYERS_BOUND:
            _PAYERS.clear()
        found = _PAYERS[key] = (version, _payer(employer, version))
    return found[1]


def _payer(employer: EmployerStatus, version: RuleVersion) -> PayerDecision:
    param = arrears_threshold(employer, version)
    threshold = int(param.value)
    arrears = employer.arrears_months
    bankrupt = employer.bankrupt_or_closed
    if arrears <= threshold:
        if bankrupt:
            text = _(
                "Arrears of the bankrupt or closed employer: %(arrears)s months (at most "
                "%(threshold)s); BPJS Ketenagakerjaan pays the benefit (%(source)s)",
                arrears=arrears,
                threshold=threshold,
                source=param.source,
            )
        else:
            text = _(
                "Employer arrears: %(arrears)s months (at most %(threshold)s); BPJS "
                "Ketenagakerjaan pays the benefit (%(source)s)",
                arrears=arrears,
                threshold=threshold,
                source=param.source,
            )
        return PayerDecision(PAYER_BPJS, param.source, threshold, text)
    first = version.param("employer_pays_first_source")
    if bankrupt:
        text = _(
            "Arrears of the bankrupt or closed employer: %(arrears)s months (more than "
            "%(threshold)s); the employer pays the benefit first and BPJS reimburses it later "
            "(%(source)s); the worker's entitlement is unchanged",
            arrears=arrears,
            threshold=threshold,
            source=first.source,
        )
    else:
        text = _(
            "Employer arrears: %(arrears)s months (more than %(threshold)s); the employer pays "
            "the benefit first and BPJS reimburses it later (%(source)s); the worker's "
            "entitlement is unchanged",
            arrears=arrears,
            threshold=threshold,
            source=first.source,
        )
    return PayerDecision(PAYER_EMPLOYER_FIRST, first.source, threshold, text)
