"""Eligibility checks, one small function per rule, each citing its article.

Every check reads its figures from the ``RuleVersion`` it is given and returns a ``CheckResult``
whether it passed or not. ``CHECKS`` fixes the order in which they appear in a decision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .codes import EMPLOYER_SIZES, PROGRAMMES, TERMINATION_REASONS
from .periods import Period, add_months, age_on
from .scenario import Scenario
from .versions import RuleVersion


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One rule evaluated: the figure used (``value``), the threshold (``required``), the article.

    ``message`` is Indonesian (the interface language); ``message_en`` is for reviewers.
    ``verified`` is ``False`` when a parameter behind the check is not confirmed by an official
    text (see ``Param.verified``).
    """

    code: str
    passed: bool
    value: Any
    required: Any
    source: str
    message: str
    message_en: str
    verified: bool = True


@dataclass(frozen=True, slots=True)
class Facts:
    """What the checks share, computed once per scenario."""

    phk_month: Period
    # Paid contribution months up to and including the PHK month, with their wage. Months after
    # the PHK month belong to no rule (D3, D9) and are left out.
    paid: Mapping[Period, int]
    # The same months as plain month numbers (``Period.ordinal``), for fast counting.
    ordinals: frozenset[int]

    @classmethod
    def of(cls, scenario: Scenario) -> Facts:
        phk_month = Period.of(scenario.termination.date)
        paid = {c.period: c.wage for c in scenario.contributions if c.period <= phk_month}
        return cls(
            phk_month=phk_month,
            paid=paid,
            ordinals=frozenset(period.ordinal for period in paid),
        )


def _result(
    code: str,
    version: RuleVersion,
    params: tuple[str, ...],
    *,
    passed: bool,
    value: Any,
    required: Any,
    message: str,
    message_en: str,
    source: str | None = None,
) -> CheckResult:
    """A ``CheckResult`` citing the first parameter used, unverified if any of them is."""
    used = [version.param(name) for name in params]
    return CheckResult(
        code=code,
        passed=passed,
        value=value,
        required=required,
        source=source if source is not None else used[0].source,
        message=message,
        message_en=message_en,
        verified=all(param.verified for param in used),
    )


def check_citizenship(scenario: Scenario, version: RuleVersion, facts: Facts) -> CheckResult:
    """Only Indonesian citizens (WNI) can be JKP participants. PP 37/2021 Pasal 4(2)."""
    src = version.source("citizen_required")
    participant = scenario.participant
    if participant is None:
        return _result(
            "citizenship",
            version,
            ("citizen_required",),
            passed=True,
            value=None,
            required=True,
            message=f"Data peserta tidak diberikan; syarat WNI dianggap terpenuhi ({src})",
            message_en=f"No participant data; the citizenship condition is taken as met ({src})",
        )
    required = bool(version.value("citizen_required"))
    passed = participant.citizen or not required
    if participant.citizen:
        message = f"Peserta WNI ({src})"
        message_en = f"Participant is an Indonesian citizen ({src})"
    else:
        message = f"Peserta bukan WNI; JKP hanya untuk WNI ({src})"
        message_en = f"Participant is not an Indonesian citizen; JKP is for citizens only ({src})"
    return _result(
        "citizenship",
        version,
        ("citizen_required",),
        passed=passed,
        value=participant.citizen,
        required=required,
        message=message,
        message_en=message_en,
    )


def check_age_at_registration(
    scenario: Scenario, version: RuleVersion, facts: Facts
) -> CheckResult:
    """Under 54 years old on the date of registration (not at PHK or claim). Pasal 4(2)."""
    limit = version.value("max_age_at_registration")
    src = version.source("max_age_at_registration")
    participant = scenario.participant
    if participant is None:
        return _result(
            "age_at_registration",
            version,
            ("max_age_at_registration",),
            passed=True,
            value=None,
            required=limit,
            message=f"Data peserta tidak diberikan; syarat usia dianggap terpenuhi ({src})",
            message_en=f"No participant data; the age condition is taken as met ({src})",
        )
    age = age_on(participant.birth_date, participant.registered_on)
    passed = age < limit
    when = participant.registered_on.isoformat()
    if passed:
        message = f"Usia {age} tahun saat pendaftaran ({when}); di bawah {limit} tahun ({src})"
        message_en = f"Aged {age} at registration ({when}); under {limit} ({src})"
    else:
        message = (
            f"Usia {age} tahun saat pendaftaran ({when}); harus di bawah {limit} tahun ({src})"
        )
        message_en = f"Aged {age} at registration ({when}); must be under {limit} ({src})"
    return _result(
        "age_at_registration",
        version,
        ("max_age_at_registration",),
        passed=passed,
        value=age,
        required=limit,
        message=message,
        message_en=message_en,
    )


def _in_programme_order(codes: Any) -> list[str]:
    return [code for code in PROGRAMMES if code in codes]


def check_program_enrollment(scenario: Scenario, version: RuleVersion, facts: Facts) -> CheckResult:
    """Enrolled in the programmes the employer's size requires. Pasal 4(3).

    Large and medium: JKK, JHT, JP, JKM and registered in JKN. Micro and small: at least JKK,
    JHT, JKM and registered in JKN. With no size given, only what every size requires is checked.
    """
    by_size: Mapping[str, tuple[str, ...]] = version.value("required_enrollments")
    src = version.source("required_enrollments")
    if scenario.enrollments is None:
        return _result(
            "program_enrollment",
            version,
            ("required_enrollments",),
            passed=True,
            value=None,
            required=None,
            message=f"Data kepesertaan program tidak diberikan; dianggap terpenuhi ({src})",
            message_en=f"No programme enrollment data; taken as met ({src})",
        )
    size = scenario.employer_size
    if size is None:
        common = set.intersection(*(set(programmes) for programmes in by_size.values()))
        required = _in_programme_order(common)
        size_id, size_en = "ukuran usaha tidak diketahui", "employer size unknown"
    else:
        required = _in_programme_order(by_size[size])
        size_id, size_en = EMPLOYER_SIZES[size]
    missing = [code for code in required if code not in scenario.enrollments]
    value = _in_programme_order(scenario.enrollments)
    needed = ", ".join(required)
    if missing:
        message = f"Belum terdaftar di {', '.join(missing)}; {size_id} wajib {needed} ({src})"
        message_en = f"Not enrolled in {', '.join(missing)}; {size_en} requires {needed} ({src})"
    else:
        message = f"Terdaftar di {needed} sesuai syarat {size_id} ({src})"
        message_en = f"Enrolled in {needed} as required for {size_en} ({src})"
    return _result(
        "program_enrollment",
        version,
        ("required_enrollments",),
        passed=not missing,
        value=value,
        required=required,
        message=message,
        message_en=message_en,
    )


def check_termination_reason(scenario: Scenario, version: RuleVersion, facts: Facts) -> CheckResult:
    """The end of employment is a qualifying PHK. PP 37/2021 Pasal 20.

    Resignation, retirement, total permanent disability and death are excluded. A PKWT that runs
    to its end date is not a PHK, and neither is a "PHK" dated on or after the PKWT end date: a
    PKWT worker qualifies only when the PHK falls before the contract end date. A resignation
    driven by the employer's misconduct counts as a PHK (decision D11).
    """
    termination = scenario.termination
    reason = termination.reason
    label_id, label_en = TERMINATION_REASONS[reason]
    params: tuple[str, ...] = ("excluded_reasons",)
    src = version.source("excluded_reasons")
    end = termination.contract_end_date
    is_pkwt = termination.contract_type == "PKWT"

    if reason in version.value("excluded_reasons"):
        passed = False
        message = f"Alasan '{reason}' ({label_id}) dikecualikan dari JKP ({src})"
        message_en = f"Reason '{reason}' ({label_en}) is excluded from JKP ({src})"
    elif reason in version.value("not_phk_reasons"):
        params = ("not_phk_reasons",)
        src = version.source("not_phk_reasons")
        passed = False
        message = f"Alasan '{reason}' ({label_id}) bukan PHK ({src})"
        message_en = f"Reason '{reason}' ({label_en}) is not a PHK ({src})"
    elif reason == "resign_employer_fault" and not version.value(
        "employer_fault_resignation_is_phk"
    ):
        params = ("employer_fault_resignation_is_phk",)
        src = version.source("excluded_reasons")
        passed = False
        message = f"Alasan '{reason}' ({label_id}) diperlakukan sebagai pengunduran diri ({src})"
        message_en = f"Reason '{reason}' ({label_en}) is treated as a resignation ({src})"
    elif reason == "contract_early_end" and not is_pkwt:
        params = ("pkwt_requires_phk_before_end_date",)
        src = version.source("pkwt_requires_phk_before_end_date")
        passed = False
        message = f"Alasan '{reason}' hanya berlaku untuk PKWT, bukan {termination.contract_type}"
        message_en = f"Reason '{reason}' applies to PKWT only, not {termination.contract_type}"
    elif (
        is_pkwt
        and end is not None
        and version.value("pkwt_requires_phk_before_end_date")
        and termination.date >= end
    ):
        params = ("pkwt_requires_phk_before_end_date",)
        src = version.source("pkwt_requires_phk_before_end_date")
        passed = False
        message = (
            f"PHK {termination.date.isoformat()} tidak sebelum berakhirnya PKWT "
            f"({end.isoformat()}); kontrak yang habis bukan PHK ({src})"
        )
        message_en = (
            f"Termination on {termination.date.isoformat()} is not before the PKWT end date "
            f"({end.isoformat()}); a contract that runs out is not a PHK ({src})"
        )
    else:
        passed = True
        if reason == "resign_employer_fault":
            params = ("employer_fault_resignation_is_phk", "excluded_reasons")
            src = f"{version.source('employer_fault_resignation_is_phk')}; {src}"
            message = f"Alasan '{reason}' ({label_id}) diperlakukan sebagai PHK ({src})"
            message_en = f"Reason '{reason}' ({label_en}) is treated as a PHK ({src})"
        else:
            message = f"Alasan '{reason}' ({label_id}) adalah PHK yang memenuhi syarat ({src})"
            message_en = f"Reason '{reason}' ({label_en}) is a qualifying PHK ({src})"
        if is_pkwt and end is not None:
            params = (*params, "pkwt_requires_phk_before_end_date")
            message += f"; PHK sebelum berakhirnya PKWT ({end.isoformat()})"
            message_en += f"; PHK before the PKWT end date ({end.isoformat()})"
    return _result(
        "termination_reason",
        version,
        params,
        passed=passed,
        value=reason,
        required=None,
        message=message,
        message_en=message_en,
        source=src,
    )


def claim_deadline(termination_date: date, version: RuleVersion) -> date:
    """Last valid claim date: PHK date + N calendar months, clipped to month end (D4)."""
    return add_months(termination_date, version.value("claim_deadline_months"))


def check_claim_deadline(scenario: Scenario, version: RuleVersion, facts: Facts) -> CheckResult:
    """The claim is made within N months of the PHK, N = 3 (V1) or 6 (V2). Pasal 40.

    Counted in calendar months from the PHK date, inclusive; a missing day is clipped to the last
    day of the month (D4). The version is the one in force on the claim date (D5).
    """
    months = version.value("claim_deadline_months")
    src = version.source("claim_deadline_months")
    phk = scenario.termination.date
    last = claim_deadline(phk, version)
    claim = scenario.claim_date
    if claim < phk:
        passed = False
        message = f"Tanggal klaim {claim.isoformat()} sebelum tanggal PHK {phk.isoformat()}"
        message_en = f"Claim date {claim.isoformat()} is before the PHK date {phk.isoformat()}"
    elif claim <= last:
        passed = True
        message = (
            f"Klaim {claim.isoformat()} dalam {months} bulan sejak PHK "
            f"(paling lambat {last.isoformat()}; {src})"
        )
        message_en = (
            f"Claim on {claim.isoformat()} within {months} months of the PHK "
            f"(last day {last.isoformat()}; {src})"
        )
    else:
        passed = False
        message = (
            f"Klaim {claim.isoformat()} melewati batas {months} bulan sejak PHK "
            f"(paling lambat {last.isoformat()}); hak atas JKP hilang ({src})"
        )
        message_en = (
            f"Claim on {claim.isoformat()} is past the {months}-month limit after the PHK "
            f"(last day {last.isoformat()}); the right to JKP is lost ({src})"
        )
    return _result(
        "claim_deadline",
        version,
        ("claim_deadline_months",),
        passed=passed,
        value=claim,
        required=last,
        message=message,
        message_en=message_en,
    )


def check_contribution_months(
    scenario: Scenario, version: RuleVersion, facts: Facts
) -> CheckResult:
    """At least 12 paid months within the 24 calendar months ending with the PHK month.

    PP 37/2021 Pasal 19(3); window per D3; V2 keeps these figures until confirmed (D1).
    """
    window = version.value("window_months")
    minimum = version.value("min_paid_months")
    src = version.source("min_paid_months")
    first = facts.phk_month - (window - 1)
    count = sum(1 for month in facts.ordinals if first.ordinal <= month <= facts.phk_month.ordinal)
    passed = count >= minimum
    span = f"{first}..{facts.phk_month}"
    message = (
        f"{count} bulan iuran dalam {window} bulan terakhir ({span}); minimal {minimum} ({src})"
    )
    message_en = (
        f"{count} paid months in the last {window} months ({span}); at least {minimum} ({src})"
    )
    return _result(
        "contribution_months",
        version,
        ("min_paid_months", "window_months"),
        passed=passed,
        value=count,
        required=minimum,
        message=message,
        message_en=message_en,
    )


def consecutive_run(paid: Mapping[Period, int], phk_month: Period) -> tuple[int, Period]:
    """Length and last month of the run of paid months that counts under D2.

    The run must end in the PHK month or the month before it; a run ending earlier counts as 0.
    """
    months = {period.ordinal for period in paid}
    end = phk_month.ordinal if phk_month.ordinal in months else phk_month.ordinal - 1
    length = 0
    while end - length in months:
        length += 1
    return length, Period.from_ordinal(end)


def check_consecutive_months(scenario: Scenario, version: RuleVersion, facts: Facts) -> CheckResult:
    """At least 6 consecutive paid months before the PHK. PP 37/2021 Pasal 19(3).

    The run must end in the PHK month or the month before it (D2).
    """
    minimum = version.value("min_consecutive_months")
    src = version.source("min_consecutive_months")
    length, end = consecutive_run(facts.paid, facts.phk_month)
    passed = length >= minimum
    if length:
        start = end - (length - 1)
        message = (
            f"{length} bulan iuran berturut-turut ({start}..{end}); minimal {minimum}, "
            f"berakhir di bulan PHK atau sebelumnya ({src})"
        )
        message_en = (
            f"{length} consecutive paid months ({start}..{end}); at least {minimum}, ending in "
            f"the PHK month or the month before ({src})"
        )
    else:
        before = facts.phk_month - 1
        message = (
            f"Tidak ada iuran di bulan PHK ({facts.phk_month}) atau bulan sebelumnya ({before}); "
            f"minimal {minimum} bulan berturut-turut ({src})"
        )
        message_en = (
            f"No contribution paid in the PHK month ({facts.phk_month}) or the month before "
            f"({before}); at least {minimum} consecutive months needed ({src})"
        )
    return _result(
        "consecutive_months",
        version,
        ("min_consecutive_months",),
        passed=passed,
        value=length,
        required=minimum,
        message=message,
        message_en=message_en,
    )


def check_prior_claims(scenario: Scenario, version: RuleVersion, facts: Facts) -> CheckResult:
    """At most 3 approved JKP claims in a working life (decision D10, unverified).

    ``value`` is the number of earlier approved claims; ``required`` the most allowed before this
    one (``max_claims - 1``).
    """
    max_claims = version.value("max_claims")
    src = version.source("max_claims")
    count = len(scenario.prior_claims)
    allowed = max_claims - 1
    passed = count <= allowed
    if passed:
        message = (
            f"{count} klaim JKP sebelumnya; klaim ini ke-{count + 1} dari paling banyak "
            f"{max_claims} (D10; {src})"
        )
        message_en = (
            f"{count} earlier JKP claim(s); this is claim {count + 1} of at most {max_claims} (D10)"
        )
    else:
        message = (
            f"Sudah {count} klaim JKP sebelumnya; paling banyak {max_claims} klaim (D10; {src})"
        )
        message_en = f"Already {count} earlier JKP claim(s); at most {max_claims} (D10; {src})"
    return _result(
        "prior_claims",
        version,
        ("max_claims",),
        passed=passed,
        value=count,
        required=allowed,
        message=message,
        message_en=message_en,
    )


def check_months_since_prior_claim(
    scenario: Scenario, version: RuleVersion, facts: Facts
) -> CheckResult:
    """A 2nd or 3rd claim needs 60 paid months since the PHK of the previous approved claim.

    Decision D10 (unverified). Counted: paid months after the previous PHK month, up to and
    including the current PHK month.
    """
    minimum = version.value("min_paid_months_between_claims")
    src = version.source("min_paid_months_between_claims")
    params = ("min_paid_months_between_claims",)
    if not scenario.prior_claims:
        return _result(
            "months_since_prior_claim",
            version,
            params,
            passed=True,
            value=None,
            required=minimum,
            message="Tidak ada klaim JKP sebelumnya; syarat masa iur klaim ulang tidak berlaku",
            message_en="No earlier JKP claim; the repeat-claim condition does not apply",
        )
    previous = max(claim.termination_date for claim in scenario.prior_claims)
    since = Period.of(previous).ordinal
    count = sum(1 for month in facts.ordinals if month > since)
    passed = count >= minimum
    message = (
        f"{count} bulan iuran sejak PHK klaim sebelumnya ({previous.isoformat()}); "
        f"minimal {minimum} (D10; {src})"
    )
    message_en = (
        f"{count} paid months since the PHK of the previous claim ({previous.isoformat()}); "
        f"at least {minimum} (D10; {src})"
    )
    return _result(
        "months_since_prior_claim",
        version,
        params,
        passed=passed,
        value=count,
        required=minimum,
        message=message,
        message_en=message_en,
    )


Check = Callable[[Scenario, RuleVersion, Facts], CheckResult]

# The stable order of the checks in every decision.
CHECKS: tuple[Check, ...] = (
    check_citizenship,
    check_age_at_registration,
    check_program_enrollment,
    check_termination_reason,
    check_claim_deadline,
    check_contribution_months,
    check_consecutive_months,
    check_prior_claims,
    check_months_since_prior_claim,
)

CHECK_CODES: tuple[str, ...] = (
    "citizenship",
    "age_at_registration",
    "program_enrollment",
    "termination_reason",
    "claim_deadline",
    "contribution_months",
    "consecutive_months",
    "prior_claims",
    "months_since_prior_claim",
)
