"""``evaluate(scenario) -> Decision``: checks, wage basis, payer and cash schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .cash import (
    Instalment,
    capped_wage,
    cash_schedule,
    last_reported_wage,
    payer_for,
)
from .checks import CHECKS, CheckResult, Facts, claim_deadline
from .scenario import Scenario
from .versions import NoRuleVersionError, jsonable, version_on


@dataclass(frozen=True, slots=True)
class DecisionWarning:
    """A remark for the reader that changes nothing in the decision."""

    code: str
    message: str
    message_en: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's answer for one scenario.

    ``eligible`` is true exactly when every check passed; ``cash_schedule`` is empty otherwise.
    ``rule_version`` is the version that governed eligibility (the one in force on the claim
    date, D5); each instalment carries its own version (D6).
    """

    eligible: bool
    rule_version: str
    checks: tuple[CheckResult, ...]
    wage_basis: int
    payer: str
    cash_schedule: tuple[Instalment, ...]
    cash_total: int
    # Extras (not required by the simulate contract, but useful to staff and auditors).
    decision_date: date | None = None
    claim_deadline: date | None = None
    payer_rule_version: str = ""
    payer_source: str = ""
    payer_message: str = ""
    payer_message_en: str = ""
    last_reported_wage: int | None = None
    warnings: tuple[DecisionWarning, ...] = ()

    def check(self, code: str) -> CheckResult:
        for result in self.checks:
            if result.code == code:
                return result
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        """The simulate contract's JSON shape: ISO dates, integer Rupiah, plus extras."""
        return {
            "eligible": self.eligible,
            "rule_version": self.rule_version,
            "checks": [
                {
                    "code": check.code,
                    "passed": check.passed,
                    "value": jsonable(check.value),
                    "required": jsonable(check.required),
                    "source": check.source,
                    "message": check.message,
                    "message_en": check.message_en,
                    "verified": check.verified,
                }
                for check in self.checks
            ],
            "wage_basis": self.wage_basis,
            "payer": self.payer,
            "cash_schedule": [
                {
                    "month": instalment.month,
                    "due_date": instalment.due_date.isoformat(),
                    "percent": instalment.percent,
                    "amount": instalment.amount,
                    "rule_version": instalment.rule_version,
                    "wage_basis": instalment.wage_basis,
                    "source": instalment.source,
                }
                for instalment in self.cash_schedule
            ],
            "cash_total": self.cash_total,
            "decision_date": jsonable(self.decision_date),
            "claim_deadline": jsonable(self.claim_deadline),
            "last_reported_wage": self.last_reported_wage,
            "payer_rule_version": self.payer_rule_version,
            "payer_source": self.payer_source,
            "payer_message": self.payer_message,
            "payer_message_en": self.payer_message_en,
            "warnings": [
                {"code": w.code, "message": w.message, "message_en": w.message_en}
                for w in self.warnings
            ],
        }


def _warnings(scenario: Scenario, governing_code: str) -> tuple[DecisionWarning, ...]:
    warnings = [
        DecisionWarning(
            "ignored_field",
            f"Kolom tidak dikenal diabaikan: {path}",
            f"Unknown field ignored: {path}",
        )
        for path in scenario.ignored_fields
    ]
    phk = scenario.termination.date
    try:
        at_phk = version_on(phk)
    except NoRuleVersionError:
        at_phk = None
    if at_phk is not None and at_phk.code != governing_code:
        # D5 lets the claim date pick the version. Say so when the PHK fell under another one,
        # and whether the older deadline had already run out before the newer version began.
        message = (
            f"PHK terjadi saat {at_phk.code} berlaku; kelayakan dinilai dengan {governing_code}, "
            f"versi yang berlaku pada tanggal klaim (D5)"
        )
        message_en = (
            f"The PHK fell under {at_phk.code}; eligibility is judged under {governing_code}, "
            f"the version in force on the claim date (D5)"
        )
        old_deadline = claim_deadline(phk, at_phk)
        if old_deadline < version_on(scenario.claim_date).effective_from:
            message += (
                f". Menurut {at_phk.code} batas klaim sudah lewat pada {old_deadline.isoformat()}"
            )
            message_en += f". Under {at_phk.code} the claim deadline passed on {old_deadline}"
        warnings.append(DecisionWarning("version_changed_since_phk", message, message_en))
    return tuple(warnings)


def evaluate(scenario: Scenario) -> Decision:
    """Evaluate one claim scenario under the rule version in force on its claim date (D5)."""
    version = version_on(scenario.claim_date)
    facts = Facts.of(scenario)
    checks = tuple(check(scenario, version, facts) for check in CHECKS)
    eligible = all(result.passed for result in checks)

    raw_wage = last_reported_wage(facts.paid, facts.phk_month)
    decision_date = scenario.effective_decision_date
    payer_version = version_on(decision_date)
    payer = payer_for(scenario.employer, payer_version)
    schedule = cash_schedule(raw_wage or 0, decision_date, version) if eligible else ()

    return Decision(
        eligible=eligible,
        rule_version=version.code,
        checks=checks,
        wage_basis=capped_wage(raw_wage, version) if raw_wage is not None else 0,
        payer=payer.payer,
        cash_schedule=schedule,
        cash_total=sum(instalment.amount for instalment in schedule),
        decision_date=decision_date,
        claim_deadline=claim_deadline(scenario.termination.date, version),
        payer_rule_version=payer_version.code,
        payer_source=payer.source,
        payer_message=payer.message,
        payer_message_en=payer.message_en,
        last_reported_wage=raw_wage,
        warnings=_warnings(scenario, version.code),
    )
