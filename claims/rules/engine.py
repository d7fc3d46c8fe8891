"""``evaluate(scenario) -> Decision``: checks, wage basis, payer and cash schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .cash import (
    Instalment,
    capped_wage,
    cash_schedule,
    payer_for,
    wage_basis_text,
)
from .checks import CHECKS, CheckResult, ClaimDeadline, Facts, claim_deadline_for
from .scenario import Scenario
from .texts import ENGLISH, Text, _, active_language, renderer_for, rendering_in
from .versions import NoRuleVersionError, RuleVersion, jsonable, version_on


@dataclass(frozen=True, slots=True)
class DecisionWarning:
    """A remark for the reader that changes nothing in the decision."""

    code: str
    text: Text

    @property
    def message(self) -> str:
        return self.text.render()

    @property
    def message_en(self) -> str:
        return self.text.render("en")


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's answer for one scenario.

    ``eligible`` is true exactly when every check passed; ``cash_schedule`` is empty otherwise.
    ``rule_version`` is the version that governed eligibility: the one in force on the decision
    date (D5, Permenaker 2/2025 Pasal II(4)); each instalment carries its own version (D6). The
    claim deadline follows D14 and names its own version (``claim_deadline_rule_version``).

    Sentences (``Text``) are rendered when read: ``payer_message``, ``wage_message``, the
    checks' ``message`` and ``to_dict()`` use the active language unless one is given.
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
    claim_deadline_rule_version: str = ""
    payer_rule_version: str = ""
    payer_source: str = ""
    payer_text: Text | None = None
    wage_text: Text | None = None
    last_reported_wage: int | None = None
    warnings: tuple[DecisionWarning, ...] = ()
    # The governing version's figures not yet confirmed by an official text, said once.
    unverified_params: tuple[str, ...] = ()
    unverified_text: Text | None = None

    def check(self, code: str) -> CheckResult:
        for result in self.checks:
            if result.code == code:
                return result
        raise KeyError(code)

    @property
    def payer_message(self) -> str:
        return self.payer_text.render() if self.payer_text is not None else ""

    @property
    def payer_message_en(self) -> str:
        return self.payer_text.render("en") if self.payer_text is not None else ""

    @property
    def wage_message(self) -> str:
        return self.wage_text.render() if self.wage_text is not None else ""

    @property
    def unverified_note(self) -> str:
        return self.unverified_text.render() if self.unverified_text is not None else ""

    def to_dict(self, language: str | None = None) -> dict[str, Any]:
        """The simulate contract's JSON shape: ISO dates, integer Rupiah, plus extras.

        ``message`` fields are in ``language`` (default: the active language); ``message_en``
        fields are always English.
        """
        lang = language or active_language()
        with rendering_in(lang):
            return self._as_dict(lang)

    def _as_dict(self, lang: str) -> dict[str, Any]:
        local, english_words = renderer_for(lang), renderer_for(ENGLISH)

        def say(text: Text | None) -> str:
            return text.render_with(local) if text is not None else ""

        def english(text: Text | None) -> str:
            return text.render_with(english_words) if text is not None else ""

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
                    "message": say(check.text),
                    "message_en": english(check.text),
                    "verified": check.verified,
                    "params": list(check.params),
                    "details": {name: jsonable(value) for name, value in check.details},
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
            "claim_deadline_rule_version": self.claim_deadline_rule_version,
            "last_reported_wage": self.last_reported_wage,
            "wage_message": say(self.wage_text),
            "payer_rule_version": self.payer_rule_version,
            "payer_source": self.payer_source,
            "payer_message": say(self.payer_text),
            "payer_message_en": english(self.payer_text),
            "unverified": {
                "rule_version": self.rule_version,
                "params": list(self.unverified_params),
                "note": say(self.unverified_text),
            },
            "warnings": [
                {"code": w.code, "message": say(w.text), "message_en": english(w.text)}
                for w in self.warnings
            ],
        }


def _warnings(
    scenario: Scenario, governing: RuleVersion, deadline: ClaimDeadline
) -> tuple[DecisionWarning, ...]:
    warnings = [
        DecisionWarning("ignored_field", _("Unknown field ignored: %(path)s", path=path))
        for path in scenario.ignored_fields
    ]
    phk = scenario.termination.date
    try:
        at_phk: RuleVersion | None = version_on(phk)
    except NoRuleVersionError:
        at_phk = None
    if at_phk is not None and at_phk is not governing:
        # D5: the decision date picks the version. Say so when the PHK fell under another one.
        warnings.append(
            DecisionWarning(
                "version_changed_since_phk",
                _(
                    "The PHK fell under %(old)s; eligibility is judged under %(new)s, the rules "
                    "in force on the decision date, %(day)s",
                    old=at_phk.display_name,
                    new=governing.display_name,
                    day=scenario.effective_decision_date,
                ),
            )
        )
    if deadline.extended_from is not None and scenario.claim_date >= phk:
        old = deadline.extended_from
        warnings.append(
            DecisionWarning(
                "claim_deadline_extended",
                _(
                    "The %(months)s-month claim period of %(old)s was still open when %(new)s "
                    "took effect, so it runs to %(last)s",
                    months=old.value("claim_deadline_months"),
                    old=old.display_name,
                    new=deadline.version.display_name,
                    last=deadline.last_day,
                ),
            )
        )
    return tuple(warnings)


def evaluate(scenario: Scenario) -> Decision:
    """Evaluate one claim scenario under the rule version in force on its decision date (D5).

    The decision date is ``decision_date``, or the claim date when none is given. The claim
    deadline is judged on the claim date across versions (D14); the cash follows D6.
    """
    decision_date = scenario.effective_decision_date
    version = version_on(decision_date)
    deadline = claim_deadline_for(scenario.termination.date, scenario.claim_date)
    facts = Facts.of(scenario, deadline)
    checks = tuple(check(scenario, version, facts) for check in CHECKS)
    eligible = all(result.passed for result in checks)

    raw_wage = facts.latest_wage  # D9: the latest month actually paid, not the arrears
    payer = payer_for(scenario.employer, version)
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
        claim_deadline=deadline.last_day,
        claim_deadline_rule_version=deadline.version.code,
        payer_rule_version=version.code,
        payer_source=payer.source,
        payer_text=payer.text,
        wage_text=wage_basis_text(raw_wage, facts.latest_paid, facts.phk_month, version),
        last_reported_wage=raw_wage,
        warnings=_warnings(scenario, version, deadline),
        unverified_params=version.unverified_params,
        unverified_text=version.unverified_text(),
    )
