"""Rule versions as data.

A ``RuleVersion`` is a set of named parameters, each with the article it comes from and whether
that article was read in its official text (``verified``). The checks read parameters only from
here, so publishing a corrected version (or a third one) is a data change, not a code change.

``verified`` is ``False`` where jkp-rules.md marks the fact UNVERIFIED or where the value is a
project decision standing in for a text nobody has read yet (D1, D10, D11, D15). Each version
says so once, in ``unverified_note``, rather than every check repeating it.

Dated parameters that do not follow the PP versions (the training cost cap, D15) have their
own table, ``TRAINING_COST_CAPS``, read with ``training_cost_cap_on(day)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .periods import Period
from .texts import Text, _, gettext_noop, translate


@dataclass(frozen=True, slots=True)
class Param:
    """One figure of a rule version, the article it comes from, and whether that was read.

    ``note`` is an English msgid (translated when shown, see ``texts.py``).
    """

    value: Any
    source: str
    verified: bool = True
    note: str = ""


@dataclass(frozen=True, slots=True)
class RuleVersion:
    """A set of parameters in force from ``effective_from`` until the next version begins.

    ``name`` is what people read ("PP 6/2025"); ``code`` is the stable identifier
    ("PP6-2025"). ``unverified_note`` says once, for the whole version, which of its figures
    are not yet confirmed by an official text; ``unverified_params`` lists their names.
    """

    code: str
    effective_from: date
    params: dict[str, Param] = field(hash=False)
    title: str = ""
    name: str = ""
    unverified_note: str = ""

    def param(self, name: str) -> Param:
        try:
            return self.params[name]
        except KeyError:
            raise KeyError(f"rule version {self.code} has no parameter {name!r}") from None

    def value(self, name: str) -> Any:
        try:
            return self.params[name].value
        except KeyError:
            raise KeyError(f"rule version {self.code} has no parameter {name!r}") from None

    def source(self, name: str) -> str:
        try:
            return self.params[name].source
        except KeyError:
            raise KeyError(f"rule version {self.code} has no parameter {name!r}") from None

    @property
    def display_name(self) -> str:
        """The version's name for a sentence: never the code when a name or title exists."""
        return self.name or self.title or self.code

    @property
    def unverified_params(self) -> tuple[str, ...]:
        """Names of the parameters not yet confirmed by an official text, in table order."""
        key = id(self)
        found = _UNVERIFIED.get(key)
        if found is None or found[0] is not self:
            found = (self, tuple(name for name, p in self.params.items() if not p.verified))
            _UNVERIFIED[key] = found
        return found[1]

    def unverified_text(self) -> Text | None:
        """``unverified_note`` as a ``Text`` (rendered in the active language), if any."""
        return Text(self.unverified_note, ()) if self.unverified_note else None


# id(version) -> (version, unverified names); the version is kept so a reused id never matches.
_UNVERIFIED: dict[int, tuple[RuleVersion, tuple[str, ...]]] = {}


class NoRuleVersionError(LookupError):
    """No rule version was in force on the date asked for (before JKP existed)."""


_BIG_ENTERPRISE = ("JKK", "JHT", "JP", "JKM", "JKN")
_SMALL_ENTERPRISE = ("JKK", "JHT", "JKM", "JKN")
_EXCLUDED_REASONS = ("resign_voluntary", "retirement", "total_permanent_disability", "death")

_D10_SOURCE = "Permenaker 15/2021 (menurut situs BPJS)"
_D10_NOTE = gettext_noop(
    "Ruling D10: taken from a news paraphrase of the BPJS website; the article was not found."
)
# Permenaker 15/2021 Pasal 13 as amended by Permenaker 2/2025 (read on pasal.id). The monthly
# cash conditions before the amendment were not read; V1 carries the same figures, unverified.
_PASAL13_V1 = "Permenaker 15/2021 Pasal 13"
_PASAL13_V2 = "Permenaker 15/2021 Pasal 13 jo. Permenaker 2/2025"
_PASAL13_V1_NOTE = gettext_noop(
    "The original wording of Pasal 13 was not read; the figures of the 2025 amended text are used."
)

PP37_2021 = RuleVersion(
    code="PP37-2021",
    effective_from=date(2021, 2, 2),
    title="PP 37/2021 jo. Permenaker 15/2021",
    name="PP 37/2021",
    unverified_note=gettext_noop(
        "Not yet confirmed by an official text for PP 37/2021: the limits on repeat claims "
        "(only a news paraphrase of the BPJS website), the treatment of a resignation caused "
        "by the employer's misconduct (the project's reading of labour law) and the monthly "
        "cash conditions (only the 2025 amended text was read)."
    ),
    params={
        # --- participation (kepesertaan) -------------------------------------------------------
        "citizen_required": Param(True, "PP 37/2021 Pasal 4(2)"),
        "max_age_at_registration": Param(
            54,
            "PP 37/2021 Pasal 4(2)",
            note=gettext_noop("Age at registration must be under 54 (the limit is exclusive)."),
        ),
        "required_enrollments": Param(
            {
                "large": _BIG_ENTERPRISE,
                "medium": _BIG_ENTERPRISE,
                "small": _SMALL_ENTERPRISE,
                "micro": _SMALL_ENTERPRISE,
            },
            "PP 37/2021 Pasal 4(3)",
            note=gettext_noop(
                "BPJS material reads JKN as the wage-earner (PPU) segment; the segment is not "
                "checked here."
            ),
        ),
        # --- termination (Pasal 20) ----------------------------------------------------------
        "excluded_reasons": Param(_EXCLUDED_REASONS, "PP 37/2021 Pasal 20"),
        "not_phk_reasons": Param(
            ("contract_expired",),
            "PP 37/2021 Pasal 20(1)",
            note=gettext_noop("A fixed-term contract (PKWT) that runs to its end is not a PHK."),
        ),
        "pkwt_requires_phk_before_end_date": Param(True, "PP 37/2021 Pasal 20(2)"),
        "employer_fault_resignation_is_phk": Param(
            True,
            "D11 (tafsiran UU Ketenagakerjaan: PHK atas permohonan pekerja)",
            verified=False,
            note=gettext_noop(
                "Ruling D11: a resignation caused by the employer's misconduct is treated as a PHK."
            ),
        ),
        # --- claim deadline (Pasal 40; D4, D14) ----------------------------------------------
        "claim_deadline_months": Param(3, "PP 37/2021 Pasal 40"),
        # --- contribution period (Pasal 19) --------------------------------------------------
        "min_paid_months": Param(12, "PP 37/2021 Pasal 19(3)"),
        "window_months": Param(24, "PP 37/2021 Pasal 19(3)"),
        "min_consecutive_months": Param(
            6,
            "PP 37/2021 Pasal 19(3)",
            note=gettext_noop(
                "Ruling D2: the run must end in the PHK month or the month before it."
            ),
        ),
        # --- repeat claims (D10) -------------------------------------------------------------
        "max_claims": Param(3, _D10_SOURCE, False, _D10_NOTE),
        "min_paid_months_between_claims": Param(60, _D10_SOURCE, False, _D10_NOTE),
        # --- cash benefit (Pasal 21) ---------------------------------------------------------
        "cash_percents": Param((45, 45, 45, 25, 25, 25), "PP 37/2021 Pasal 21"),
        "wage_ceiling": Param(5_000_000, "PP 37/2021 Pasal 21"),
        "max_instalments": Param(6, "PP 37/2021 Pasal 21"),
        "applies_to_running_benefits": Param(
            True,
            "PP 37/2021",
            note=gettext_noop("The first version; no benefit was running before it."),
        ),
        # --- monthly cash conditions (Permenaker 15/2021 Pasal 13) ---------------------------
        "min_job_applications_per_month": Param(5, _PASAL13_V1, False, _PASAL13_V1_NOTE),
        "min_tests_or_interviews_per_month": Param(1, _PASAL13_V1, False, _PASAL13_V1_NOTE),
        "min_training_attendance_percent": Param(80, _PASAL13_V1, False, _PASAL13_V1_NOTE),
        "month6_employment_status_form_required": Param(True, _PASAL13_V1, False, _PASAL13_V1_NOTE),
        # --- employer arrears (Pasal 39; D13) ------------------------------------------------
        "arrears_months_bpjs_pays": Param(3, "PP 37/2021 Pasal 39"),
        "employer_pays_first_source": Param(
            "PP 37/2021 Pasal 39(3)",
            "PP 37/2021 Pasal 39(3)",
            note=gettext_noop(
                "Arrears above the limit: the employer pays first and BPJS reimburses it."
            ),
        ),
        "arrears_months_bpjs_pays_bankrupt": Param(
            3,
            "PP 37/2021 Pasal 39",
            note=gettext_noop(
                "No special rule for a bankrupt or closed employer; the Pasal 39 limit applies."
            ),
        ),
        # --- funding and training (informative) ----------------------------------------------
        "contribution_rate_percent": Param(Decimal("0.46"), "PP 37/2021 Pasal 11"),
        "contribution_funding_percent": Param(
            {"government": Decimal("0.22"), "jkk": Decimal("0.14"), "jkm": Decimal("0.10")},
            "PP 37/2021 Pasal 11",
        ),
        "training_cost_cap": Param(
            1_000_000,
            "PMK 148/2021 Pasal 31",
            note=gettext_noop(
                "Per participant, paid to the training provider. Kept for older callers: the "
                "cap has its own dates (ruling D15), use training_cost_cap_on(day)."
            ),
        ),
    },
)

PP6_2025 = RuleVersion(
    code="PP6-2025",
    effective_from=date(2025, 2, 7),
    title="PP 37/2021 jo. PP 6/2025, Permenaker 15/2021 jo. Permenaker 2/2025",
    name="PP 6/2025",
    unverified_note=gettext_noop(
        "Not yet confirmed by the official text of PP 6/2025: the contribution period of the "
        "amended Pasal 19 (12 months in 24, no consecutive run; read only in news paraphrases "
        "and a law-firm note), the amended exclusions of Pasal 20, the treatment of a "
        "resignation caused by the employer's misconduct, the limits on repeat claims (only a "
        "news paraphrase of the BPJS website) and the training cost cap of PMK 26/2025 (a news "
        "report)."
    ),
    params={
        **PP37_2021.params,
        "citizen_required": Param(True, "PP 37/2021 Pasal 4(2) jo. PP 6/2025"),
        "max_age_at_registration": Param(
            54,
            "PP 37/2021 Pasal 4(2) jo. PP 6/2025",
            note=gettext_noop("Age at registration must be under 54 (the limit is exclusive)."),
        ),
        "required_enrollments": Param(
            PP37_2021.value("required_enrollments"),
            "PP 6/2025 Pasal 4(3)",
            note=gettext_noop("Registered in JKN in any segment (PPU, PBI or PBPU) is enough."),
        ),
        "excluded_reasons": Param(
            _EXCLUDED_REASONS,
            "PP 37/2021 Pasal 20 jo. PP 6/2025",
            verified=False,
            note=gettext_noop(
                "PP 6/2025 amended Pasal 20 (resignation); the new wording was not read. "
                "Ruling D11."
            ),
        ),
        "claim_deadline_months": Param(6, "PP 6/2025 Pasal 40"),
        # Ruling D1: the amended Pasal 19(3) asks 12 paid months within the 24 calendar months
        # before the PHK and no consecutive run. Official text not read.
        "min_paid_months": Param(
            12,
            "PP 37/2021 Pasal 19(3)",
            False,
            gettext_noop("Ruling D1: 12 paid months within 24, as amended by PP 6/2025."),
        ),
        "window_months": Param(
            24,
            "PP 37/2021 Pasal 19(3)",
            False,
            gettext_noop("Ruling D1: the 24 calendar months ending with the PHK month (D3)."),
        ),
        "min_consecutive_months": Param(
            0,
            "PP 37/2021 Pasal 19(3) jo. PP 6/2025",
            False,
            gettext_noop(
                "Ruling D1: PP 6/2025 removed the condition of 6 consecutive paid months."
            ),
        ),
        "cash_percents": Param((60, 60, 60, 60, 60, 60), "PP 6/2025 Pasal 21(1)"),
        "wage_ceiling": Param(5_000_000, "PP 6/2025 Pasal 21(2)-(3)"),
        "max_instalments": Param(6, "PP 6/2025 Pasal 21(1)"),
        "applies_to_running_benefits": Param(
            True,
            "Permenaker 2/2025 Pasal II",
            note=gettext_noop("Instalments due from 7 February 2025 follow PP 6/2025 (D6)."),
        ),
        "min_job_applications_per_month": Param(5, _PASAL13_V2),
        "min_tests_or_interviews_per_month": Param(1, _PASAL13_V2),
        "min_training_attendance_percent": Param(
            80,
            _PASAL13_V2,
            note=gettext_noop("Attendance in the training sessions of the previous month."),
        ),
        "month6_employment_status_form_required": Param(True, _PASAL13_V2),
        "arrears_months_bpjs_pays": Param(3, "PP 37/2021 Pasal 39 jo. PP 6/2025"),
        "employer_pays_first_source": Param(
            "PP 37/2021 Pasal 39(3) jo. PP 6/2025",
            "PP 37/2021 Pasal 39(3) jo. PP 6/2025",
            note=gettext_noop(
                "Arrears above the limit: the employer pays first and BPJS reimburses it."
            ),
        ),
        "arrears_months_bpjs_pays_bankrupt": Param(6, "PP 6/2025 Pasal 39A(1)"),
        "contribution_rate_percent": Param(Decimal("0.36"), "PP 6/2025 Pasal 11(1)-(2)"),
        "contribution_funding_percent": Param(
            {"government": Decimal("0.22"), "jkk": Decimal("0.14")},
            "PP 6/2025 Pasal 11(3)-(5)",
        ),
        "training_cost_cap": Param(
            2_400_000,
            "PMK 26/2025 (mengubah PMK 148/2021)",
            verified=False,
            note=gettext_noop(
                "PMK 26/2025 applies from 14 April 2025, not from 7 February 2025. Kept for "
                "older callers: use training_cost_cap_on(day) (ruling D15)."
            ),
        ),
    },
)

# Oldest first. A new version is appended here and nothing else changes.
VERSIONS: tuple[RuleVersion, ...] = (PP37_2021, PP6_2025)


def version_on(day: date) -> RuleVersion:
    """The rule version in force on ``day``: the latest one whose ``effective_from`` <= ``day``."""
    for version in reversed(VERSIONS):
        if version.effective_from <= day:
            return version
    raise NoRuleVersionError(
        _(
            "No JKP rules were in force on %(day)s (JKP applies from %(start)s).",
            day=day,
            start=VERSIONS[0].effective_from,
        ).render()
    )


def version_by_code(code: str) -> RuleVersion:
    for version in VERSIONS:
        if version.code == code:
            return version
    raise KeyError(code)


def previous_version(version: RuleVersion) -> RuleVersion | None:
    index = VERSIONS.index(version)
    return VERSIONS[index - 1] if index > 0 else None


def jsonable(value: Any) -> Any:
    """Parameter values as JSON: Decimal as a string, tuples as lists, dates in ISO form."""
    kind = type(value)
    if kind is int or kind is str or kind is bool or value is None:
        return value
    if kind is date:
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        items = sorted(value) if isinstance(value, frozenset | set) else value
        return [jsonable(item) for item in items]
    return value


def version_table() -> list[dict[str, Any]]:
    """Every rule version with all its parameters, as JSON (``jkp_simulate --version-table``)."""
    table = []
    for index, version in enumerate(VERSIONS):
        following = VERSIONS[index + 1] if index + 1 < len(VERSIONS) else None
        table.append(
            {
                "code": version.code,
                "title": version.title,
                "effective_from": version.effective_from.isoformat(),
                "superseded_on": (
                    following.effective_from.isoformat() if following is not None else None
                ),
                "name": version.display_name,
                "unverified_params": list(version.unverified_params),
                "unverified_note": translate(version.unverified_note)
                if version.unverified_note
                else "",
                "params": {
                    name: {
                        "value": jsonable(param.value),
                        "source": param.source,
                        "verified": param.verified,
                        "note": translate(param.note) if param.note else "",
                    }
                    for name, param in version.params.items()
                },
            }
        )
    return table


# --- monthly cash conditions (Permenaker 15/2021 Pasal 13 jo. Permenaker 2/2025) ---------------


@dataclass(frozen=True, slots=True)
class MonthlyCashConditions:
    """What a beneficiary must do in a month for that month's cash (Pasal 13(3)-(4)).

    Months 2-6: not working again and actively job-seeking (at least ``min_job_applications``
    applications, or at least ``min_tests_or_interviews`` invitations to a selection test or
    interview, in the month), and/or at least ``min_training_attendance_percent`` attendance in
    the training of the previous month. Month 6 also needs the employment-status form.
    """

    min_job_applications: int
    min_tests_or_interviews: int
    min_training_attendance_percent: int
    month6_employment_status_form_required: bool
    source: str
    verified: bool


MONTHLY_CONDITION_PARAMS: tuple[str, ...] = (
    "min_job_applications_per_month",
    "min_tests_or_interviews_per_month",
    "min_training_attendance_percent",
    "month6_employment_status_form_required",
)


def monthly_cash_conditions(version: RuleVersion) -> MonthlyCashConditions:
    """The monthly cash conditions of ``version``, typed."""
    params = [version.param(name) for name in MONTHLY_CONDITION_PARAMS]
    return MonthlyCashConditions(
        min_job_applications=int(params[0].value),
        min_tests_or_interviews=int(params[1].value),
        min_training_attendance_percent=int(params[2].value),
        month6_employment_status_form_required=bool(params[3].value),
        source=params[0].source,
        verified=all(param.verified for param in params),
    )


# --- dated parameters outside the PP versions (D15) -------------------------------------------


@dataclass(frozen=True, slots=True)
class DatedAmount:
    """An amount in force from ``effective_from`` until the next entry of its table.

    Reads like a ``Param`` (``value``, ``source``, ``verified``, ``note``) plus its date.
    """

    effective_from: date
    amount: int
    source: str
    verified: bool = True
    note: str = ""

    @property
    def value(self) -> int:
        return self.amount


# Ruling D15: the training cost cap per participant follows the PMK, not the PP versions.
# PMK 148/2021 Pasal 31; raised by PMK 26/2025, signed 14 April 2025 (Kontan; text not read).
TRAINING_COST_CAPS: tuple[DatedAmount, ...] = (
    DatedAmount(
        date(2021, 2, 2),
        1_000_000,
        "PMK 148/2021 Pasal 31",
        note=gettext_noop("Per participant, paid by BPJS to the training provider."),
    ),
    DatedAmount(
        date(2025, 4, 14),
        2_400_000,
        "PMK 148/2021 Pasal 31 jo. PMK 26/2025",
        verified=False,
        note=gettext_noop(
            "For referrals made from 14 April 2025, the day PMK 26/2025 was signed (news report; "
            "the text was not read)."
        ),
    ),
)


def training_cost_cap_on(day: date) -> DatedAmount:
    """The per-participant training cost cap for a referral made on ``day`` (ruling D15).

    Rp 1,000,000 before 14 April 2025, Rp 2,400,000 from that day (PMK 26/2025).
    """
    for entry in reversed(TRAINING_COST_CAPS):
        if entry.effective_from <= day:
            return entry
    raise NoRuleVersionError(
        _(
            "No JKP rules were in force on %(day)s (JKP applies from %(start)s).",
            day=day,
            start=TRAINING_COST_CAPS[0].effective_from,
        ).render()
    )


def dated_param_table() -> dict[str, list[dict[str, Any]]]:
    """The dated parameters as JSON (``jkp_simulate --version-table``, key ``dated_params``)."""
    return {
        "training_cost_cap": [
            {
                "effective_from": entry.effective_from.isoformat(),
                "value": entry.amount,
                "source": entry.source,
                "verified": entry.verified,
                "note": translate(entry.note) if entry.note else "",
            }
            for entry in TRAINING_COST_CAPS
        ]
    }
