"""The versioned JKP eligibility and benefit engine: plain Python, no database.

Typical use::

    from claims.rules import evaluate, parse_scenario

    decision = evaluate(parse_scenario(json.loads(text)))
    decision.eligible, decision.cash_total, decision.to_dict()

Rule versions are data (``versions.py``); each check is a small function citing its article
(``checks.py``); the rulings D1-D15 (``docs/rules.md``, taken from the table "Decisions this
system takes" of ``shared/domain/jkp-rules.md``) are implemented as written and referenced
where they apply. Sentences for people are ``Text`` objects rendered in the active language
when read (``texts.py``); Django's translation machinery is used when Django is set up, and the
engine needs no Django (nor a database) otherwise.
"""

from .cash import Instalment, PayerDecision, instalment_version, payer_for, percent_of
from .checks import (
    CHECK_CODES,
    CHECKS,
    CheckResult,
    ClaimDeadline,
    claim_deadline,
    claim_deadline_for,
)
from .codes import EMPLOYER_SIZES, PAYER_BPJS, PAYER_EMPLOYER_FIRST, PROGRAMMES, TERMINATION_REASONS
from .engine import Decision, DecisionWarning, evaluate
from .periods import Period, add_months, age_on
from .scenario import (
    Contribution,
    EmployerStatus,
    ParticipantInfo,
    PriorClaim,
    Scenario,
    ScenarioError,
    Termination,
    parse_scenario,
)
from .texts import Label, Listing, Money, Text, format_date, format_rupiah
from .versions import (
    MONTHLY_CONDITION_PARAMS,
    TRAINING_COST_CAPS,
    VERSIONS,
    DatedAmount,
    MonthlyCashConditions,
    NoRuleVersionError,
    Param,
    RuleVersion,
    dated_param_table,
    monthly_cash_conditions,
    training_cost_cap_on,
    version_by_code,
    version_on,
    version_table,
)

__all__ = [
    "CHECKS",
    "CHECK_CODES",
    "EMPLOYER_SIZES",
    "MONTHLY_CONDITION_PARAMS",
    "PAYER_BPJS",
    "PAYER_EMPLOYER_FIRST",
    "PROGRAMMES",
    "TERMINATION_REASONS",
    "TRAINING_COST_CAPS",
    "VERSIONS",
    "CheckResult",
    "ClaimDeadline",
    "Contribution",
    "DatedAmount",
    "Decision",
    "DecisionWarning",
    "EmployerStatus",
    "Instalment",
    "Label",
    "Listing",
    "Money",
    "MonthlyCashConditions",
    "NoRuleVersionError",
    "Param",
    "ParticipantInfo",
    "PayerDecision",
    "Period",
    "PriorClaim",
    "RuleVersion",
    "Scenario",
    "ScenarioError",
    "Termination",
    "Text",
    "add_months",
    "age_on",
    "claim_deadline",
    "claim_deadline_for",
    "dated_param_table",
    "evaluate",
    "format_date",
    "format_rupiah",
    "instalment_version",
    "monthly_cash_conditions",
    "parse_scenario",
    "payer_for",
    "percent_of",
    "training_cost_cap_on",
    "version_by_code",
    "version_on",
    "version_table",
]
