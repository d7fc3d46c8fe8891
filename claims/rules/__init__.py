"""The versioned JKP eligibility and benefit engine: plain Python, no Django, no database.

Typical use::

    from claims.rules import evaluate, parse_scenario

    decision = evaluate(parse_scenario(json.loads(text)))
    decision.eligible, decision.cash_total, decision.to_dict()

Rule versions are data (``versions.py``); each check is a small function citing its article
(``checks.py``); the decisions D1-D13 of ``shared/domain/jkp-rules.md`` are implemented as
written and referenced where they apply.
"""

from .cash import Instalment, instalment_version, percent_of
from .checks import CHECK_CODES, CHECKS, CheckResult, claim_deadline
from .codes import EMPLOYER_SIZES, PAYER_BPJS, PAYER_EMPLOYER_FIRST, PROGRAMMES, TERMINATION_REASONS
from .engine import Decision, evaluate
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
from .versions import (
    VERSIONS,
    NoRuleVersionError,
    Param,
    RuleVersion,
    version_by_code,
    version_on,
    version_table,
)

__all__ = [
    "CHECKS",
    "CHECK_CODES",
    "EMPLOYER_SIZES",
    "PAYER_BPJS",
    "PAYER_EMPLOYER_FIRST",
    "PROGRAMMES",
    "TERMINATION_REASONS",
    "VERSIONS",
    "CheckResult",
    "Contribution",
    "Decision",
    "EmployerStatus",
    "Instalment",
    "NoRuleVersionError",
    "Param",
    "ParticipantInfo",
    "Period",
    "PriorClaim",
    "RuleVersion",
    "Scenario",
    "ScenarioError",
    "Termination",
    "add_months",
    "age_on",
    "claim_deadline",
    "evaluate",
    "instalment_version",
    "parse_scenario",
    "percent_of",
    "version_by_code",
    "version_on",
    "version_table",
]
