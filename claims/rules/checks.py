"""Eligibility checks, one small function per rule, each citing its article.

Every check reads its figures from the ``RuleVersion`` it is given and returns a ``CheckResult``
whether it passed or not. ``CHECKS`` fixes the order in which they appear in a decision.
The sentence of each result is a ``Text`` (``texts.py``): made when it is read, in the active
language, with dates, months and amounts written for people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import versions as _versions
from .codes import EMPLOYER_SIZES, PROGRAMMES, TERMINATION_REASONS
from .periods import Period, add_months, age_on
from .scenario import Contribution, Scenario
from .texts import Label, Text, _, listing
from .versions import NoRuleVersionError, RuleVersion, version_on


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One rule evaluated: the figure used (``value``), the threshold (``required``), the article.

    ``text`` is the sentence for people; ``message`` renders it in the active language
    (Indonesian by default) and ``message_en`` in English. ``verified`` is ``False`` when a
    parameter behind the check is not confirmed by an official text (``params`` names the
    parameters used; the version's ``unverified_note`` says why, once). ``details`` holds the
    other figures of the check as ``(name, value)`` pairs.
    """

    code: str
    passed: bool
    value: Any
    required: Any
    source: str
    text: Text
    verified: bool = True
    params: tuple[str, ...] = ()
    details: tuple[tuple[str, Any], ...] = ()

    @property
    def message(self) -> str:
        return self.text.render()

    @property
    def message_en(self) -> str:
        return self.text.render("en")

    def detail(self, name: str) -> Any:
        for key, value in self.details:
            if key == name:
                return value
        raise KeyError(name)


# --- claim deadline across versions (Pasal 40; D4, D14) --------------------------------------


def claim_deadline(termination_date: date, version: RuleVersion) -> date:
    """Last valid claim date under one version: PHK date + N calendar months, clipped (D4)."""
    return add_months(termination_date, version.value("claim_deadline_months"))


@dataclass(frozen=True, slots=True)
class ClaimDeadline:
    """The claim deadline that applies to one PHK and claim date (ruling D14).

    ``version`` is the version whose window applied (the one the check cites). ``lost_before``
    is set when that window had already closed before the next version took effect: the right
    was lost then and a longer later window does not revive it. ``extended_from`` is set when an
    earlier version's window was still open when a later version began, and so was extended.
    """

    last_day: date
    version: RuleVersion
    at_claim: RuleVersion
    lost_before: RuleVersion | None = None
    extended_from: RuleVersion | None = None


def claim_deadline_for(termination_date: date, claim_date: date) -> ClaimDeadline:
    """The deadline for a claim filed on ``claim_date`` for a PHK on ``termination_date`` (D14).

    A claim is on time when ``claim_date`` <= PHK + the window (D4) of the version in force on
    the claim date, except that a right already lost stays lost: walking from the version in
    force at the PHK, a window that ended before the next version took effect is final (PP 37
    Pasal 40: the right "hilang"; no transitional clause revives it). A window still open when
    the next version begins is extended to that version's window.
    """
    at_claim = version_on(claim_date)
    order = _versions.VERSIONS
    try:
        current = version_on(termination_date)
    except NoRuleVersionError:
        current = order[0]
    if order.index(current) > order.index(at_claim):
        # A claim dated before the PHK: the check fails anyway; cite the claim date's version.
        current = at_claim
    extended_from: RuleVersion | None = None
    while current is not at_claim:
        following = order[order.index(current) + 1]
        last = claim_deadline(termination_date, current)
        if last < following.effective_from:
            return ClaimDeadline(last, current, at_claim, lost_before=following)
        if extended_from is None:
            extended_from = current
        current = following
    return ClaimDeadline(
        claim_deadline(termination_date, at_claim), at_claim, at_claim, None, extended_from
    )


# --- what the checks share --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    """What the checks share, computed once per scenario."""

    phk_month: Period
    # Paid contribution months up to and including the PHK month, as month numbers
    # (``Period.ordinal``). Months after the PHK month belong to no rule (D3, D9).
    ordinals: frozenset[int]
    # Months that count for eligibility (D13): the paid ones plus the ``arrears_months``
    # calendar months ending with the PHK month, which the employer owes.
    counted: frozenset[int]
    # The arrears months that are not in the paid history (what D13 adds).
    arrears_added: frozenset[int]
    deadline: ClaimDeadline
    # The latest month actually paid on or before the PHK month and its wage (D9).
    latest_paid: Period | None = None
    latest_wage: int | None = None

    @classmethod
    def of(cls, scenario: Scenario, deadline: ClaimDeadline | None = None) -> Facts:
        phk_month = Period.of(scenario.termination.date)
        last = phk_month.ordinal
        months: list[int] = []
        append = months.append
        latest: Contribution | None = None
        newest = -1
        # One pass: the months up to the PHK month, and the first contribution of the newest.
        for contribution in scenario.contributions:
            ordinal = contribution.period.ordinal
            if ordinal <= last:
                append(ordinal)
                if ordinal > newest:
                    newest, latest = ordinal, contribution
        ordinals = frozenset(months)
        arrears_months = scenario.employer.arrears_months
        if arrears_months:
            arrears = frozenset(range(last - arrears_months + 1, last + 1))
            counted = ordinals | arrears
            added = arrears - ordinals
        else:
            counted, added = ordinals, frozenset()
        if deadline is None:
            deadline = claim_deadline_for(scenario.termination.date, scenario.claim_date)
        return cls(
            phk_month=phk_month,
            ordinals=ordinals,
            counted=counted,
            arrears_added=added,
            deadline=deadline,
            latest_paid=latest.period if latest is not None else None,
            latest_wage=latest.wage if latest is not None else None,
        )


# (version, parameter names) -> (version, source of the first, all verified). Versions are few
# and long-lived; the version is kept in the value so a reused id() can never match.
_PARAM_INFO: dict[tuple[int, tuple[str, ...]], tuple[RuleVersion, str, bool]] = {}


def _param_info(version: RuleVersion, params: tuple[str, ...]) -> tuple[str, bool]:
    key = (id(version), params)
    found = _PARAM_INFO.get(key)
    if found is None or found[0] is not version:
        used = [version.param(name) for name in params]
        found = (version, used[0].source, all(param.verified for param in used))
        if len(_PARAM_INFO) > 1024:
            _PARAM_INFO.clear()
        _PARAM_INFO[key] = found
    return found[1], found[2]


def _result(
    code: str,
    version: RuleVersion,
    params: tuple[str, ...],
    *,
    passed: bool,
    value: Any,
    required: Any,
    text: Text,
    source: str | None = None,
    details: tuple[tuple[str, Any], ...] = (),
) -> CheckResult:
    """A ``CheckResult`` citing the first parameter used, unverified if any of them is."""
    first_source, verified = _param_info(version, params)
    return CheckResult(
        code=code,
        passed=passed,
        value=value,
        required=required,
        source=source if source is not None else first_source,
        text=text,
        verified=verified,
        params=params,
        details=details,
    )


# Results of checks that read only the version and a few codes or small figures (citizenship,
# programmes, the termination reason of a permanent contract, the month counts, no earlier
# claim), made once per key: a ``CheckResult`` and what it holds are immutable (the programme
# lists are copied for each result). The version is kept with the result so a reused id() never
# matches; the table is emptied when it grows past a bound.
_MEMO: dict[tuple[Any, ...], tuple[RuleVersion, CheckResult]] = {}
_MEMO_BOUND = 16_384
_ABSENT = object()


def _recalled(key: tuple[Any, ...], version: RuleVersion) -> CheckResult | None:
    found = _MEMO.get(key)
    return found[1] if found is not None and found[0] is version else None


def _remember(key: tuple[Any, ...], version: RuleVersion, result: CheckResult) -> CheckResult:
    if len(_MEMO) >= _MEMO_BOUND:
        _MEMO.clear()
    _MEMO[key] = (version, result)
    return result


# --- participation (Pasal 4) ------------------------------------------------------------------


def check_citizenship(scenario: Scenario, version: RuleVersion, facts: Facts) -> CheckResult:
    """Only Indonesian citizens (WNI) can be JKP participants. PP 37/2021 Pasal 4(2)."""
    participant = scenario.participant
    citizen = _ABSENT if participant is None else participant.citizen
    if citizen is not True and citizen is not False and citizen is not _ABSENT:
        return _citizenship(scenario, version)
    key = ("citizenship", id(version), citizen)
    return _recalled(key, version) or _remember(key, version, _citizenship(scenario, version))


def _citizenship(scenario: Scenario, version: RuleVersion) -> CheckResult:
    params = ("citizen_required",)
    src = version.source("citizen_required")
    participant = scenario.participant
    if participant is None:
        return _result(
            "citizenship",
            version,
            params,
            passed=True,
            value=None,
            required=True,
            text=_(
                "No participant data was given; the citizenship condition is taken as met "
                "(%(source)s)",
                source=src,
            ),
        )
    required = bool(version.value("citizen_required"))
    if participant.citizen:
        text = _("The participant is an Indonesian citizen (%(source)s)", source=src)
    else:
        text = _(
            "The participant is not an Indonesian citizen; JKP is for Indonesian citizens only "
            "(%(source)s)",
            source=src,
        )
    return _result(
        "citizenship",
        version,
        params,
        passed=participant.citizen or not required,
        value=participant.citizen,
        required=required,
        text=text,
    )


def check_age_at_registration(
    scenario: Scenario, version: RuleVersion, facts: Facts
) -> CheckResult:
    """Under 54 years old on the date of registration (not at PHK or claim). Pasal 4(2)."""
    params = ("max_age_at_registration",)
    limit = version.value("max_age_at_registration")
    src = version.source("max_age_at_registration")
    participant = scenario.participant
    if participant is None:
        return _result(
            "age_at_registration",
            version,
            params,
            passed=True,
            value=None,
            required=limit,
            text=_(
                "No participant data was given; the age condition is taken as met (%(source)s)",
                source=src,
            ),
        )
    age = age_on(participant.birth_date, participant.registered_on)
    passed = age < limit
    when = participant.registered_on
    if passed:
        text = _(
            "Aged %(age)s when registered on %(day)s; under %(limit)s (%(source)s)",
            age=age,
            day=when,
            limit=limit,
            source=src,
        )
    else:
        text = _(
            "Aged %(age)s when registered on %(day)s; must be under %(limit)s (%(source)s)",
            age=age,
            day=when,
            limit=limit,
            source=src,
        )
    return _result(
        "age_at_registration",
        version,
        params,
        passed=passed,
        value=age,
        required=limit,
        text=text,
        details=(("registered_on", when),),
    )


_REASON_LABELS = {code: Label(*labels) for code, labels in TERMINATION_REASONS.items()}
_SIZE_LABELS = {code: Label(*labels) for code, labels in EMPLOYER_SIZES.items()}


def _in_programme_order(codes: Any) -> list[str]:
    return [code for code in PROGRAMMES if code in codes]


def check_program_enrollment(scenario: Scenario, version: RuleVersion, facts: Facts) -> CheckResult:
    """Enrolled in the programmes the employer's size requires. Pasal 4(3).

    Large and medium: JKK, JHT, JP, JKM and registered in JKN. Micro and small: at least JKK,
    JHT, JKM and registered in JKN. With no size given, only what every size requires is checked.
    """
    enrollments, size = scenario.enrollments, scenario.employer_size
    if enrollments.__class__ is not frozenset or (size is not None and size.__class__ is not str):
        return _program_enrollment(scenario, version)
    key = ("program_enrollment", id(version), enrollments, size)
    made = _recalled(key, version) or _remember(
        key, version, _program_enrollment(scenario, version)
    )
    # The programme lists are lists (mutable): each result gets its own.
    return CheckResult(
        made.code,
        made.passed,
        list(made.value),
        list(made.required),
        made.source,
        made.text,
        made.verified,
        made.params,
        tuple((name, list(value)) for name, value in made.details),
    )


def _program_enrollment(scenario: Scenario, version: RuleVersion) -> CheckResult:
    params = ("required_enrollments",)
    by_size: Mapping[str, tuple[str, ...]] = version.value("required_enrollments")
    src = version.source("required_enrollments")
    if scenario.enrollments is None:
        return _result(
            "program_enrollment",
            version,
            params,
            passed=True,
            value=None,
            required=None,
            text=_("No programme enrollment data was given; taken as met (%(source)s)", source=src),
        )
    size = scenario.employer_size
    if size is None:
        common = set.intersection(*(set(programmes) for programmes in by_size.values()))
        required = _in_programme_order(common)
    else:
        required = _in_programme_order(by_size[size])
    missing = [code for code in required if code not in scenario.enrollments]
    needed = listing(required)
    if size is None:
        if missing:
            text = _(
                "Not enrolled in %(missing)s; every worker must be in %(required)s (%(source)s)",
                missing=listing(missing),
                required=needed,
                source=src,
            )
        else:
            text = _(
                "Enrolled in %(required)s, as every worker must be (%(source)s)",
                required=needed,
                source=src,
            )
    else:
        label = _SIZE_LABELS[size]
        if missing:
            text = _(
                "Not enrolled in %(missing)s; a worker of a %(size)s must be in %(required)s "
                "(%(source)s)",
                missing=listing(missing),
                size=label,
                required=needed,
                source=src,
            )
        else:
            text = _(
                "Enrolled in %(required)s, as required for a worker of a %(size)s (%(source)s)",
                required=needed,
                size=label,
                source=src,
            )
    return _result(
        "program_enrollment",
        version,
        params,
        passed=not missing,
        value=_in_programme_order(scenario.enrollments),
        required=required,
        text=text,
        details=(("missing", missing),) if missing else (),
    )


# --- termination (Pasal 20; D11) --------------------------------------------------------------


def check_termination_reason(scenario: Scenario, version: RuleVersion, facts: Facts) -> CheckResult:
    """The end of employment is a qualifying PHK. PP 37/2021 Pasal 20.

    Resignation, retirement, total permanent disability and death are excluded (Pasal 20). A
    PKWT that runs to its end date is not a PHK, and neither is a "PHK" dated on or after the
    PKWT end date: a PKWT worker qualifies only when the PHK falls before the contract end date
    (PP 37/2021 Pasal 20(2)). A resignation driven by the employer's misconduct counts as a PHK
    (ruling D11).
    """
    termination = scenario.termination
    reason, contract_type = termination.reason, termination.contract_type
    if (
        termination.contract_end_date is not None
        or reason.__class__ is not str
        or contract_type.__class__ is not str
    ):
        return _termination_reason(scenario, version)
    # Without an end date the result reads only the reason and the contract type.
    key = ("termination_reason", id(version), reason, contract_type)
    return _recalled(key, version) or _remember(
        key, version, _termination_reason(scenario, version)
    )


def _termination_reason(scenario: Scenario, version: RuleVersion) -> CheckResult:
    termination = scenario.termination
    reason = termination.reason
    label = _REASON_LABELS[reason]
    params: tuple[str, ...] = ("excluded_reasons",)
    src = version.source("excluded_reasons")
    end = termination.contract_end_date
    is_pkwt = termination.contract_type == "PKWT"
    pkwt_rule = "pkwt_requires_phk_before_end_date"

    if reason in version.value("excluded_reasons"):
        passed = False
        text = _("Reason: %(reason)s; excluded from JKP (%(source)s)", reason=label, source=src)
    elif reason in version.value("not_phk_reasons"):
        params = ("not_phk_reasons",)
        src = version.source("not_phk_reasons")
        passed = False
        text = _("Reason: %(reason)s; this is not a PHK (%(source)s)", reason=label, source=src)
    elif reason == "resign_employer_fault" and not version.value(
        "employer_fault_resignation_is_phk"
    ):
        params = ("employer_fault_resignation_is_phk", "excluded_reasons")
        passed = False
        text = _(
            "Reason: %(reason)s; treated as a resignation, which is excluded (%(source)s)",
            reason=label,
            source=src,
        )
    elif reason == "contract_early_end" and not is_pkwt:
        params = (pkwt_rule,)
        src = version.source(pkwt_rule)
        passed = False
        text = _(
            "Reason: %(reason)s; this applies to a fixed-term contract (PKWT) only, not to a "
            "permanent one (PKWTT) (%(source)s)",
            reason=label,
            source=src,
        )
    elif is_pkwt and end is not None and version.value(pkwt_rule) and termination.date >= end:
        params = (pkwt_rule,)
        src = version.source(pkwt_rule)
        passed = False
        text = _(
            "The PHK on %(phk)s is not before the end of the fixed-term contract (PKWT) on "
            "%(end)s; a contract that runs out is not a PHK (%(source)s)",
            phk=termination.date,
            end=end,
            source=src,
        )
    else:
        passed = True
        employer_fault = reason == "resign_employer_fault"
        # The sentence cites the articles; the ``source`` field also names ruling D11.
        cited = src
        if employer_fault:
            params = ("employer_fault_resignation_is_phk", "excluded_reasons")
            src = f"{version.source('employer_fault_resignation_is_phk')}; {src}"
        if is_pkwt and end is not None:
            params = (*params, pkwt_rule)
            src = f"{src}; {version.source(pkwt_rule)}"
            cited = f"{cited}; {version.source(pkwt_rule)}"
            if employer_fault:
                text = _(
                    "Reason: %(reason)s; treated as a PHK, because labour law treats it as a "
                    "termination for the employer's fault, and it came before the end of the "
                    "fixed-term contract (PKWT) on %(end)s (%(source)s)",
                    reason=label,
                    end=end,
                    source=cited,
                )
            else:
                text = _(
                    "Reason: %(reason)s; a qualifying PHK before the end of the fixed-term "
                    "contract (PKWT) on %(end)s (%(source)s)",
                    reason=label,
                    end=end,
                    source=cited,
                )
        elif employer_fault:
            text = _(
                "Reason: %(reason)s; treated as a PHK, because labour law treats it as a "
                "termination for the employer's fault (%(source)s)",
                reason=label,
                source=cited,
            )
        else:
            text = _(
                "Reason: %(reason)s; a qualifying PHK (%(source)s)", reason=label, source=cited
            )
    return _result(
        "termination_reason",
        version,
        params,
        passed=passed,
        value=reason,
        required=None,
        text=text,
        source=src,
    )


# --- claim deadline (Pasal 40; D4, D14) -------------------------------------------------------


def check_claim_deadline(scenario: Scenario, version: RuleVersion, facts: Facts) -> CheckResult:
    """The claim is made within N months of the PHK, N = 3 (V1) or 6 (V2). Pasal 40.

    Counted in calendar months from the PHK date, inclusive; a missing day is clipped to the last
    day of the month (D4). Across the change of version, ruling D14: the window of the version in
    force on the claim date, unless an earlier window had already closed before that version
    began. The check cites the version whose window applied, not necessarily ``version``.
    """
    deadline = facts.deadline
    applied = deadline.version
    months = applied.value("claim_deadline_months")
    src = applied.source("claim_deadline_months")
    phk = scenario.termination.date
    last = deadline.last_day
    claim = scenario.claim_date
    details: tuple[tuple[str, Any], ...] = (("deadline_rule_version", applied.code),)
    if claim < phk:
        passed = False
        text = _(
            "The claim date %(claim)s is before the PHK on %(phk)s (%(source)s)",
            claim=claim,
            phk=phk,
            source=src,
        )
    elif claim <= last:
        passed = True
        text = _(
            "Claimed on %(claim)s, within %(months)s months of the PHK on %(phk)s (last day "
            "%(last)s; %(source)s)",
            claim=claim,
            months=months,
            phk=phk,
            last=last,
            source=src,
        )
    elif deadline.lost_before is not None:
        passed = False
        text = _(
            "Claimed on %(claim)s, but the %(months)s-month period after the PHK on %(phk)s "
            "ended on %(last)s, before %(new)s took effect on %(start)s; the right to JKP was "
            "already lost and is not revived (%(source)s)",
            claim=claim,
            months=months,
            phk=phk,
            last=last,
            new=deadline.lost_before.display_name,
            start=deadline.lost_before.effective_from,
            source=src,
        )
    else:
        passed = False
        text = _(
            "Claimed on %(claim)s, after the %(months)s-month limit from the PHK on %(phk)s "
            "(last day %(last)s); the right to JKP is lost (%(source)s)",
            claim=claim,
            months=months,
            phk=phk,
            last=last,
            source=src,
        )
    if deadline.extended_from is not None:
        details = (*details, ("extended_from_rule_version", deadline.extended_from.code))
    return _result(
        "claim_deadline",
        applied,
        ("claim_deadline_months",),
        passed=passed,
        value=claim,
        required=last,
        text=text,
        details=details,
    )


# --- contribution period (Pasal 19(3); D1, D2, D3, D13) ---------------------------------------


def check_contribution_months(
    scenario: Scenario, version: RuleVersion, facts: Facts
) -> CheckResult:
    """At least 12 paid months within the 24 calendar months ending with the PHK month.

    PP 37/2021 Pasal 19(3), unchanged in substance by PP 6/2025 (ruling D1); window per D3. The
    months the employer owes (``employer.arrears_months``, ending with the PHK month) count as
    paid (ruling D13; Pasal 39: the employer, not the worker, failed to pay them).
    """
    window = version.value("window_months")
    end = facts.phk_month.ordinal
    start = end - (window - 1)
    counted = facts.counted  # all on or before the PHK month
    count = (
        len(counted)
        if not counted or min(counted) >= start
        else sum(1 for month in counted if month >= start)
    )
    added = sum(1 for month in facts.arrears_added if month >= start) if facts.arrears_added else 0
    # The result reads nothing but these figures.
    key = ("contribution_months", id(version), end, count, added)
    return _recalled(key, version) or _remember(
        key, version, _contribution_months(version, facts.phk_month, start, count, added)
    )


def _contribution_months(
    version: RuleVersion, phk_month: Period, start: int, count: int, added: int
) -> CheckResult:
    window = version.value("window_months")
    minimum = version.value("min_paid_months")
    src = version.source("min_paid_months")
    first = Period.from_ordinal(start)
    if added:
        text = _(
            "%(count)s paid months in the last %(window)s months (%(first)s to %(last)s), "
            "counting %(arrears)s months the employer owes; at least %(minimum)s (%(source)s)",
            count=count,
            window=window,
            first=first,
            last=phk_month,
            arrears=added,
            minimum=minimum,
            source=src,
        )
    else:
        text = _(
            "%(count)s paid months in the last %(window)s months (%(first)s to %(last)s); at "
            "least %(minimum)s (%(source)s)",
            count=count,
            window=window,
            first=first,
            last=phk_month,
            minimum=minimum,
            source=src,
        )
    return _result(
        "contribution_months",
        version,
        ("min_paid_months", "window_months"),
        passed=count >= minimum,
        value=count,
        required=minimum,
        text=text,
        details=(
            ("window_start", first),
            ("window_end", phk_month),
            ("arrears_months_counted", added),
        ),
    )


def consecutive_run(
    months: Mapping[Period, int] | frozenset[int], phk_month: Period
) -> tuple[int, Period]:
    """Length and last month of the run of months that counts under D2.

    ``months`` are ``Period`` keys or month ordinals. The run must end in the PHK month or the
    month before it; a run ending earlier counts as 0.
    """
    ordinals = (
        months if isinstance(months, frozenset) else frozenset(period.ordinal for period in months)
    )
    end = phk_month.ordinal if phk_month.ordinal in ordinals else phk_month.ordinal - 1
    length = 0
    while end - length in ordinals:
        length += 1
    return length, Period.from_ordinal(end)


def check_consecutive_months(scenario: Scenario, version: RuleVersion, facts: Facts) -> CheckResult:
    """At least 6 consecutive paid months before the PHK. PP 37/2021 Pasal 19(3).

    The run must end in the PHK month or the month before it (D2); months the employer owes
    count (D13). PP 6/2025 dropped the condition (ruling D1: ``min_consecutive_months`` = 0):
    the check stays in the list, passed, and says so.
    """
    length, end = consecutive_run(facts.counted, facts.phk_month)
    # The result reads nothing but these figures.
    key = ("consecutive_months", id(version), facts.phk_month.ordinal, length, end.ordinal)
    return _recalled(key, version) or _remember(
        key, version, _consecutive_months(version, facts.phk_month, length, end)
    )


def _consecutive_months(
    version: RuleVersion, phk_month: Period, length: int, end: Period
) -> CheckResult:
    minimum = version.value("min_consecutive_months")
    src = version.source("min_consecutive_months")
    details: tuple[tuple[str, Any], ...] = ()
    if minimum <= 0:
        text = _(
            "%(version)s no longer requires consecutive months of contributions (%(source)s)",
            version=version.display_name,
            source=src,
        )
    elif length:
        start = end - (length - 1)
        details = (("run_start", start), ("run_end", end))
        text = _(
            "%(length)s consecutive paid months (%(start)s to %(end)s); at least %(minimum)s, "
            "ending in the PHK month or the month before (%(source)s)",
            length=length,
            start=start,
            end=end,
            minimum=minimum,
            source=src,
        )
    else:
        text = _(
            "No contribution for the PHK month (%(phk_month)s) or the month before "
            "(%(before)s); at least %(minimum)s consecutive months are needed (%(source)s)",
            phk_month=phk_month,
            before=phk_month - 1,
            minimum=minimum,
            source=src,
        )
    return _result(
        "consecutive_months",
        version,
        ("min_consecutive_months",),
        passed=length >= minimum,
        value=length,
        required=minimum,
        text=text,
        details=details,
    )


# --- repeat claims (D10) ----------------------------------------------------------------------


def check_prior_claims(scenario: Scenario, version: RuleVersion, facts: Facts) -> CheckResult:
    """At most 3 approved JKP claims in a working life, and 60 paid months between claims.

    Ruling D10 (unverified). ``value`` is the number of earlier approved claims; ``required``
    the most allowed before this one (``max_claims - 1``). A 2nd or 3rd claim also needs 60
    paid months since the PHK of the previous approved claim: the paid months after the
    previous PHK month, up to and including the current PHK month. Either failure fails this
    check; ``details`` carries both figures.
    """
    if not scenario.prior_claims:
        key = ("prior_claims", id(version))
        return _recalled(key, version) or _remember(key, version, _first_claim(version))
    max_claims = version.value("max_claims")
    minimum = version.value("min_paid_months_between_claims")
    src = version.source("max_claims")
    params = ("max_claims", "min_paid_months_between_claims")
    count = len(scenario.prior_claims)
    allowed = max_claims - 1
    previous = max(claim.termination_date for claim in scenario.prior_claims)
    since = Period.of(previous).ordinal
    paid_since = sum(1 for month in facts.ordinals if month > since)
    details = (
        ("paid_months_since_previous", paid_since),
        ("min_paid_months_since", minimum),
        ("previous_termination_date", previous),
    )
    if count > allowed:
        passed = False
        text = _(
            "Earlier JKP claims: %(count)s; at most %(max)s claims are allowed in a working life "
            "(%(source)s)",
            count=count,
            max=max_claims,
            source=src,
        )
    elif paid_since < minimum:
        passed = False
        text = _(
            "Paid months since the PHK of the previous claim on %(previous)s: %(since)s; a "
            "further claim needs at least %(minimum)s (%(source)s)",
            previous=previous,
            since=paid_since,
            minimum=minimum,
            source=version.source("min_paid_months_between_claims"),
        )
    else:
        passed = True
        text = _(
            "Earlier JKP claims: %(count)s; this is claim %(number)s of at most %(max)s. Paid "
            "months since the PHK of the previous claim on %(previous)s: %(since)s, at least "
            "%(minimum)s (%(source)s)",
            count=count,
            number=count + 1,
            max=max_claims,
            previous=previous,
            since=paid_since,
            minimum=minimum,
            source=src,
        )
    return _result(
        "prior_claims",
        version,
        params,
        passed=passed,
        value=count,
        required=allowed,
        text=text,
        details=details,
    )


def _first_claim(version: RuleVersion) -> CheckResult:
    max_claims = version.value("max_claims")
    minimum = version.value("min_paid_months_between_claims")
    src = version.source("max_claims")
    params = ("max_claims", "min_paid_months_between_claims")
    allowed = max_claims - 1
    return _result(
        "prior_claims",
        version,
        params,
        passed=True,
        value=0,
        required=allowed,
        text=_(
            "No earlier JKP claim; this is the first of at most %(max)s (%(source)s)",
            max=max_claims,
            source=src,
        ),
        details=(("paid_months_since_previous", None), ("min_paid_months_since", minimum)),
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
)
