"""Inputs of the engine as value objects, and ``parse_scenario`` for the simulate contract's JSON.

``parse_scenario`` reports the first problem it finds as ``ScenarioError(field, message)``, where
``field`` is a dotted path into the JSON (``contributions[3].period``) and the message is in
Indonesian. Keys the contract does not define are ignored and listed in
``Scenario.ignored_fields`` so a typo in an optional key does not pass silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import versions
from .codes import CONTRACT_TYPES, EMPLOYER_SIZES, PROGRAMMES, TERMINATION_REASONS
from .periods import Period, parse_iso_date

ROOT_FIELD = "scenario"
MIN_YEAR = 1900
MAX_YEAR = 2999


class ScenarioError(ValueError):
    """A malformed scenario: ``field`` is the dotted JSON path, ``message`` is in Indonesian."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Contribution:
    period: Period
    wage: int


@dataclass(frozen=True, slots=True)
class ParticipantInfo:
    citizen: bool
    registered_on: date
    birth_date: date


# The field ``Termination.date`` shadows the type inside the class body; annotate with this.
_Date = date


@dataclass(frozen=True, slots=True)
class Termination:
    date: _Date
    reason: str
    contract_type: str = "PKWTT"
    contract_end_date: _Date | None = None


@dataclass(frozen=True, slots=True)
class PriorClaim:
    termination_date: date


@dataclass(frozen=True, slots=True)
class EmployerStatus:
    arrears_months: int = 0
    bankrupt_or_closed: bool = False


@dataclass(frozen=True, slots=True)
class Scenario:
    """One claim to evaluate.

    ``participant``, ``employer_size`` and ``enrollments`` are optional: when absent the
    participation checks pass (the scenario is about the claim alone).
    ``decision_date`` defaults to ``claim_date``.
    """

    contributions: tuple[Contribution, ...]
    termination: Termination
    claim_date: date
    decision_date: date | None = None
    participant: ParticipantInfo | None = None
    employer_size: str | None = None
    enrollments: frozenset[str] | None = None
    prior_claims: tuple[PriorClaim, ...] = ()
    employer: EmployerStatus = field(default_factory=EmployerStatus)
    ignored_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # parse_scenario has already checked its own tuple (same object): do not walk it again.
        ordinals = (
            ()
            if self.contributions is _checked_contributions[0]
            else {contribution.period.ordinal for contribution in self.contributions}
        )
        if ordinals and (
            len(ordinals) != len(self.contributions)
            or any(contribution.wage < 0 for contribution in self.contributions)
        ):
            seen: set[int] = set()
            for index, contribution in enumerate(self.contributions):
                if contribution.period.ordinal in seen:
                    raise ScenarioError(
                        f"contributions[{index}].period",
                        f"periode {contribution.period} muncul lebih dari sekali",
                    )
                seen.add(contribution.period.ordinal)
                if contribution.wage < 0:
                    raise ScenarioError(f"contributions[{index}].wage", "upah tidak boleh negatif")
        if self.termination.reason not in TERMINATION_REASONS:
            raise ScenarioError("termination.reason", _unknown(self.termination.reason))
        if self.termination.contract_type == "PKWT" and self.termination.contract_end_date is None:
            raise ScenarioError("contract.end_date", "wajib diisi untuk kontrak PKWT")
        start = versions.VERSIONS[0].effective_from
        if self.claim_date < start:
            raise ScenarioError("claim_date", f"sebelum program JKP berlaku ({start.isoformat()})")
        if self.decision_date is not None and self.decision_date < self.claim_date:
            raise ScenarioError("decision_date", "tanggal keputusan tidak boleh sebelum klaim")
        if self.employer.arrears_months < 0:
            raise ScenarioError("employer.arrears_months", "tidak boleh negatif")

    @property
    def effective_decision_date(self) -> date:
        return self.decision_date if self.decision_date is not None else self.claim_date


# The contributions tuple parse_scenario built and checked most recently. A Scenario holding
# that very object skips the repeated duplicate/negative check; any other tuple is checked.
# (Identity, not equality: another thread can only replace it, never make a check unsafe.)
_checked_contributions: list[tuple[Contribution, ...] | None] = [None]


# --------------------------------------------------------------------------------------------
# JSON -> Scenario
# --------------------------------------------------------------------------------------------

_MISSING = object()
_TOP_LEVEL = (
    "participant",
    "employer_size",
    "enrollments",
    "contract",
    "contributions",
    "termination",
    "claim_date",
    "decision_date",
    "prior_claims",
    "employer",
)


def _unknown(code: object) -> str:
    return f"kode tidak dikenal: {code!r}"


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bilangan bulat"
    if isinstance(value, float):
        return "bilangan pecahan"
    if isinstance(value, str):
        return "teks"
    if isinstance(value, list):
        return "daftar"
    if isinstance(value, dict):
        return "objek"
    return type(value).__name__


class _Reader:
    """Walks one JSON object, remembering its path, and collects unknown keys."""

    def __init__(self, data: object, path: str, known: tuple[str, ...]) -> None:
        # ``type() is dict`` first: the ABC check of Mapping is slow and JSON gives dicts.
        if type(data) is not dict and not isinstance(data, Mapping):
            raise ScenarioError(path or ROOT_FIELD, f"harus objek JSON, bukan {_type_name(data)}")
        self.data = data
        self.path = path
        self.ignored = [self._sub(key) for key in data if key not in known]

    def _sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else str(key)

    def get(self, key: str, *, required: bool) -> tuple[object, str]:
        path = self._sub(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            # null means "not given": fine for optional fields, an error for required ones.
            if required:
                raise ScenarioError(
                    path, "wajib diisi" if value is _MISSING else "wajib diisi, bukan null"
                )
            return _MISSING, path
        return value, path


def _expect_str(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise ScenarioError(path, f"harus teks, bukan {_type_name(value)}")
    return value


def _expect_bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise ScenarioError(path, f"harus true atau false, bukan {_type_name(value)}")
    return value


def _expect_nonneg_int(value: object, path: str, what: str) -> int:
    # bool is a subclass of int in Python; JSON true/false is not a number here.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(
            path, f"{what} harus bilangan bulat (Rupiah utuh), bukan {_type_name(value)}"
        )
    if value < 0:
        raise ScenarioError(path, f"{what} tidak boleh negatif")
    return value


def _expect_list(value: object, path: str) -> list[object]:
    if not isinstance(value, list):
        raise ScenarioError(path, f"harus daftar (array) JSON, bukan {_type_name(value)}")
    return value


def _check_year(year: int, path: str) -> None:
    # Far-off years are typing mistakes, and month arithmetic near year 9999 would overflow.
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ScenarioError(path, f"tahun {year} di luar rentang {MIN_YEAR}-{MAX_YEAR}")


def _expect_date(value: object, path: str) -> date:
    text = _expect_str(value, path)
    try:
        parsed = parse_iso_date(text)
    except ValueError:
        raise ScenarioError(path, f"tanggal tidak valid {text!r}; format YYYY-MM-DD") from None
    _check_year(parsed.year, path)
    return parsed


def _expect_period(value: object, path: str) -> Period:
    text = _expect_str(value, path)
    try:
        parsed = Period.parse(text)
    except ValueError:
        raise ScenarioError(path, f"periode tidak valid {text!r}; format YYYY-MM") from None
    _check_year(parsed.year, path)
    return parsed


def _expect_code(value: object, path: str, codes: Mapping[str, object] | tuple[str, ...]) -> str:
    text = _expect_str(value, path)
    if text not in codes:
        allowed = ", ".join(codes)
        raise ScenarioError(path, f"{_unknown(text)}; pilihan: {allowed}")
    return text


def _parse_participant(value: object, path: str, ignored: list[str]) -> ParticipantInfo:
    reader = _Reader(value, path, ("citizen", "registered_on", "birth_date"))
    ignored.extend(reader.ignored)
    citizen = _expect_bool(*reader.get("citizen", required=True))
    registered_on = _expect_date(*reader.get("registered_on", required=True))
    birth_date = _expect_date(*reader.get("birth_date", required=True))
    if registered_on < birth_date:
        raise ScenarioError(f"{path}.registered_on", "tanggal registrasi sebelum tanggal lahir")
    return ParticipantInfo(citizen=citizen, registered_on=registered_on, birth_date=birth_date)


# Well-formed contribution periods within the accepted years, by their text. Periods are
# immutable and at most (MAX_YEAR - MIN_YEAR + 1) x 12 texts qualify.
_CONTRACT_PERIODS: dict[str, Period] = {}


def _contract_period(text: str) -> Period | None:
    """A well-formed contribution period within the accepted years, or None (slow path)."""
    found = _CONTRACT_PERIODS.get(text)
    if found is not None:
        return found
    try:
        period = Period.parse(text)
    except ValueError:
        return None
    if not MIN_YEAR <= period.year <= MAX_YEAR:
        return None
    _CONTRACT_PERIODS[text] = period
    return period


_NEW_CONTRIBUTION: tuple[Callable[[type[Contribution]], Contribution], Any, Any] = (
    object.__new__,
    Contribution.__dict__["period"].__set__,
    Contribution.__dict__["wage"].__set__,
)


def _parse_contribution_slowly(item: object, item_path: str, ignored: list[str]) -> Contribution:
    reader = _Reader(item, item_path, ("period", "wage"))
    ignored.extend(reader.ignored)
    period = _expect_period(*reader.get("period", required=True))
    wage = _expect_nonneg_int(*reader.get("wage", required=True), "upah")
    return Contribution(period=period, wage=wage)


def _parse_contributions(value: object, path: str, ignored: list[str]) -> tuple[Contribution, ...]:
    items = _expect_list(value, path)
    contributions: list[Contribution] = []
    append = contributions.append
    periods = _CONTRACT_PERIODS
    new, set_period, set_wage = _NEW_CONTRIBUTION
    for item in items:
        # Fast path for the usual shape {"period": "YYYY-MM", "wage": n} (attribute tests, no
        # calls); anything else goes through the reader, which reports the exact problem.
        if type(item) is dict and len(item) == 2:
            text = item.get("period")
            wage = item.get("wage")
            # A missing key gives None, whose class is neither int nor str.
            if type(wage) is int and type(text) is str and wage >= 0:
                period = periods.get(text) or _contract_period(text)
                if period is not None:
                    # Contribution(period, wage) without the frozen-dataclass __init__ overhead:
                    # the slot descriptors set the two (already validated) fields directly.
                    contribution = new(Contribution)
                    set_period(contribution, period)
                    set_wage(contribution, wage)
                    append(contribution)
                    continue
        # One contribution per item so far: the item's index is the count.
        append(_parse_contribution_slowly(item, f"{path}[{len(contributions)}]", ignored))
    if len({contribution.period.ordinal for contribution in contributions}) != len(contributions):
        seen: dict[int, int] = {}
        for index, contribution in enumerate(contributions):
            ordinal = contribution.period.ordinal
            if ordinal in seen:
                raise ScenarioError(
                    f"{path}[{index}].period",
                    f"periode {contribution.period} ganda (sudah ada di {path}[{seen[ordinal]}])",
                )
            seen[ordinal] = index
    return tuple(contributions)


def _parse_prior_claims(value: object, path: str, ignored: list[str]) -> tuple[PriorClaim, ...]:
    items = _expect_list(value, path)
    claims = []
    for index, item in enumerate(items):
        reader = _Reader(item, f"{path}[{index}]", ("termination_date",))
        ignored.extend(reader.ignored)
        claims.append(PriorClaim(_expect_date(*reader.get("termination_date", required=True))))
    return tuple(claims)


def _parse_enrollments(value: object, path: str) -> frozenset[str]:
    items = _expect_list(value, path)
    return frozenset(
        _expect_code(item, f"{path}[{index}]", PROGRAMMES) for index, item in enumerate(items)
    )


def _parse_employer(value: object, path: str, ignored: list[str]) -> EmployerStatus:
    reader = _Reader(value, path, ("arrears_months", "bankrupt_or_closed"))
    ignored.extend(reader.ignored)
    arrears, arrears_path = reader.get("arrears_months", required=False)
    bankrupt, bankrupt_path = reader.get("bankrupt_or_closed", required=False)
    return EmployerStatus(
        arrears_months=(
            0
            if arrears is _MISSING
            else _expect_nonneg_int(arrears, arrears_path, "jumlah bulan tunggakan")
        ),
        bankrupt_or_closed=False if bankrupt is _MISSING else _expect_bool(bankrupt, bankrupt_path),
    )


def parse_scenario(data: object) -> Scenario:
    """Build a ``Scenario`` from the simulate contract's JSON object (already decoded).

    Raises ``ScenarioError`` for the first malformed input: a missing or mistyped field, a bad
    date or period, an unknown code, a negative or non-integer wage, a duplicate period, a PKWT
    without ``end_date``.

    A well-formed scenario of the usual shape (plain dicts and lists, no unknown key) is read
    by ``_parse_usual``; anything else, and every error, by the field-by-field reader, which
    is the reference: the two give equal scenarios (tests/rules/test_rules_properties.py).
    """
    usual = _parse_usual(data)
    if usual is not None:
        return usual
    return _parse_by_field(data)


# Well-formed dates within the accepted years, by their text, as the field-by-field reader
# accepted them (so both readers accept exactly the same texts). Dates are immutable; the cache
# is emptied when it grows past a bound.
_USUAL_DATES: dict[str, date] = {}
_USUAL_DATES_BOUND = 100_000
_TOP_LEVEL_KEYS = frozenset(_TOP_LEVEL)
_PARTICIPANT_KEYS = frozenset(("citizen", "registered_on", "birth_date"))
_CONTRACT_KEYS = frozenset(("type", "end_date"))
_TERMINATION_KEYS = frozenset(("date", "reason"))
_EMPLOYER_KEYS = frozenset(("arrears_months", "bankrupt_or_closed"))
_NO_EMPLOYER_STATUS = EmployerStatus()


def _usual_date(value: object) -> date | None:
    """The date ``_expect_date`` would read from ``value``, or None where it would not."""
    if type(value) is not str:
        return None
    found = _USUAL_DATES.get(value)
    if found is not None:
        return found
    try:
        found = _expect_date(value, ROOT_FIELD)
    except ScenarioError:
        return None
    if len(_USUAL_DATES) >= _USUAL_DATES_BOUND:
        _USUAL_DATES.clear()
    _USUAL_DATES[value] = found
    return found


def _parse_usual(data: object) -> Scenario | None:
    """The scenario of a well-formed input of the usual shape, or None to read it field by
    field. Every test here is one the field-by-field reader makes; on any doubt, None."""
    if data.__class__ is not dict or not _TOP_LEVEL_KEYS.issuperset(data):  # type: ignore[arg-type]
        return None
    get = data.get  # type: ignore[attr-defined]
    participant = None
    raw = get("participant")
    if raw is not None:
        if raw.__class__ is not dict or raw.keys() != _PARTICIPANT_KEYS:
            return None
        citizen = raw["citizen"]
        registered_on = _usual_date(raw["registered_on"])
        birth_date = _usual_date(raw["birth_date"])
        if (
            citizen.__class__ is not bool
            or registered_on is None
            or birth_date is None
            or registered_on < birth_date
        ):
            return None
        participant = ParticipantInfo(citizen, registered_on, birth_date)
    employer_size = get("employer_size")
    if employer_size is not None and (
        employer_size.__class__ is not str or employer_size not in EMPLOYER_SIZES
    ):
        return None
    enrollments = None
    raw = get("enrollments")
    if raw is not None:
        if raw.__class__ is not list:
            return None
        for item in raw:
            if item.__class__ is not str or item not in PROGRAMMES:
                return None
        enrollments = frozenset(raw)
    raw = get("contract")
    if raw.__class__ is not dict or not _CONTRACT_KEYS.issuperset(raw):
        return None
    contract_type = raw.get("type")
    if contract_type.__class__ is not str or contract_type not in CONTRACT_TYPES:
        return None
    end_date = raw.get("end_date")
    if end_date is not None:
        end_date = _usual_date(end_date)
        if end_date is None:
            return None
    if contract_type != "PKWT":
        end_date = None
    elif end_date is None:
        return None
    raw = get("contributions")
    if raw.__class__ is not list:
        return None
    ignored: list[str] = []
    try:
        contributions = _parse_contributions(raw, "contributions", ignored)
    except ScenarioError:
        return None
    if ignored:
        return None
    raw = get("termination")
    if raw.__class__ is not dict or raw.keys() != _TERMINATION_KEYS:
        return None
    termination_date = _usual_date(raw["date"])
    reason = raw["reason"]
    if termination_date is None or reason.__class__ is not str or reason not in TERMINATION_REASONS:
        return None
    claim_date = _usual_date(get("claim_date"))
    if claim_date is None:
        return None
    decision_date = get("decision_date")
    if decision_date is not None:
        decision_date = _usual_date(decision_date)
        if decision_date is None:
            return None
    prior_claims: tuple[PriorClaim, ...] = ()
    raw = get("prior_claims")
    if raw is not None:
        if raw.__class__ is not list:
            return None
        priors = []
        for item in raw:
            if item.__class__ is not dict or len(item) != 1:
                return None
            day = _usual_date(item.get("termination_date"))
            if day is None:
                return None
            priors.append(PriorClaim(day))
        prior_claims = tuple(priors)
    employer = _NO_EMPLOYER_STATUS
    raw = get("employer")
    if raw is not None:
        if raw.__class__ is not dict or not _EMPLOYER_KEYS.issuperset(raw):
            return None
        arrears = raw.get("arrears_months")
        bankrupt = raw.get("bankrupt_or_closed")
        if arrears is None:
            arrears = 0
        elif arrears.__class__ is not int or arrears < 0:
            return None
        if bankrupt is None:
            bankrupt = False
        elif bankrupt.__class__ is not bool:
            return None
        employer = EmployerStatus(arrears, bankrupt)
    _checked_contributions[0] = contributions
    return Scenario(
        contributions=contributions,
        termination=Termination(termination_date, reason, contract_type, end_date),
        claim_date=claim_date,
        decision_date=decision_date,
        participant=participant,
        employer_size=employer_size,
        enrollments=enrollments,
        prior_claims=prior_claims,
        employer=employer,
    )


def _parse_by_field(data: object) -> Scenario:
    """``parse_scenario`` one field at a time, reporting the first problem in field order."""
    reader = _Reader(data, "", _TOP_LEVEL)
    ignored = list(reader.ignored)

    participant_raw, path = reader.get("participant", required=False)
    participant = (
        None if participant_raw is _MISSING else _parse_participant(participant_raw, path, ignored)
    )

    size_raw, path = reader.get("employer_size", required=False)
    employer_size = None if size_raw is _MISSING else _expect_code(size_raw, path, EMPLOYER_SIZES)

    enrollments_raw, path = reader.get("enrollments", required=False)
    enrollments = None if enrollments_raw is _MISSING else _parse_enrollments(enrollments_raw, path)

    contract_raw, contract_path = reader.get("contract", required=True)
    contract = _Reader(contract_raw, contract_path, ("type", "end_date"))
    ignored.extend(contract.ignored)
    contract_type = _expect_code(*contract.get("type", required=True), CONTRACT_TYPES)
    end_raw, end_path = contract.get("end_date", required=contract_type == "PKWT")
    # An end date on a PKWTT is read (so a bad one is still reported) but has no meaning.
    end_date = None if end_raw is _MISSING else _expect_date(end_raw, end_path)
    if contract_type != "PKWT":
        end_date = None

    contributions = _parse_contributions(*reader.get("contributions", required=True), ignored)

    termination_raw, termination_path = reader.get("termination", required=True)
    termination_reader = _Reader(termination_raw, termination_path, ("date", "reason"))
    ignored.extend(termination_reader.ignored)
    termination_date = _expect_date(*termination_reader.get("date", required=True))
    reason = _expect_code(*termination_reader.get("reason", required=True), TERMINATION_REASONS)

    claim_date = _expect_date(*reader.get("claim_date", required=True))
    decision_raw, path = reader.get("decision_date", required=False)
    decision_date = None if decision_raw is _MISSING else _expect_date(decision_raw, path)

    prior_raw, path = reader.get("prior_claims", required=False)
    prior_claims = () if prior_raw is _MISSING else _parse_prior_claims(prior_raw, path, ignored)

    employer_raw, path = reader.get("employer", required=False)
    employer = (
        EmployerStatus()
        if employer_raw is _MISSING
        else _parse_employer(employer_raw, path, ignored)
    )

    _checked_contributions[0] = contributions
    return Scenario(
        contributions=contributions,
        termination=Termination(
            date=termination_date,
            reason=reason,
            contract_type=contract_type,
            contract_end_date=end_date,
        ),
        claim_date=claim_date,
        decision_date=decision_date,
        participant=participant,
        employer_size=employer_size,
        enrollments=enrollments,
        prior_claims=prior_claims,
        employer=employer,
        ignored_fields=tuple(ignored),
    )
