"""``manage.py jkp_simulate``, held to shared/contract/simulate.md.

Subprocess tests run the real ``manage.py`` (exit codes, stdout/stderr, no traceback, no
database); in-process tests (``call_command``) cover the long list of malformed inputs quickly.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.rules.builders import months, scenario_data

ROOT = Path(__file__).resolve().parents[1]
MANAGE = ROOT / "manage.py"


def run_cli(*args: str, stdin: str | bytes | None = None, env: dict | None = None):
    """Run ``manage.py jkp_simulate`` in a child process; return (code, stdout, stderr)."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    completed = subprocess.run(
        [sys.executable, str(MANAGE), "jkp_simulate", *args],
        cwd=ROOT,
        input=data if data is not None else b"",
        capture_output=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return completed.returncode, completed.stdout.decode(), completed.stderr.decode()


def run_inline(*args: str, stdin: str | None = None, monkeypatch=None):
    """Run the command in this process; return (code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    try:
        call_command("jkp_simulate", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    return code, out.getvalue(), err.getvalue()


def assert_malformed(code: int, out: str, err: str, field: str | None = None) -> dict[str, Any]:
    assert code == 2, (out, err)
    assert "Traceback" not in out
    assert "Traceback" not in err
    assert "CommandError" not in err
    payload = json.loads(out)
    assert set(payload) == {"error"}
    error = payload["error"]
    assert set(error) == {"field", "message"}
    assert error["message"]
    assert error["message"] in err
    if field is not None:
        assert error["field"] == field
    return error


@pytest.fixture
def scenario_file(tmp_path):
    def write(content: Any, name: str = "scenario.json") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content), encoding="utf-8")
        return path

    return write


# --- through manage.py ----------------------------------------------------------------------


def test_file_scenario_eligible(scenario_file, tmp_path):
    # A database URL that must not be touched: the command needs no database at all.
    db = tmp_path / "untouched.sqlite3"
    code, out, err = run_cli(
        str(scenario_file(scenario_data())), env={"DATABASE_URL": f"sqlite:///{db}"}
    )
    assert code == 0, err
    assert "Traceback" not in err
    result = json.loads(out)
    assert result["eligible"] is True
    assert result["rule_version"] == "PP6-2025"
    assert result["wage_basis"] == 5_000_000
    assert result["payer"] == "bpjs"
    assert result["cash_total"] == 18_000_000
    assert [i["amount"] for i in result["cash_schedule"]] == [3_000_000] * 6
    assert result["cash_schedule"][0]["due_date"] == "2025-03-12"
    assert [c["code"] for c in result["checks"]][:8] == [
        "citizenship",
        "age_at_registration",
        "program_enrollment",
        "termination_reason",
        "claim_deadline",
        "contribution_months",
        "consecutive_months",
        "prior_claims",
    ]
    contribution = result["checks"][5]
    assert contribution["value"] == 24
    assert contribution["required"] == 12
    assert contribution["source"] == "PP 37/2021 Pasal 19(3)"
    assert contribution["message"].startswith("24 bulan iuran dalam 24 bulan terakhir")
    assert contribution["message_en"].startswith("24 paid months in the last 24 months")
    assert result["checks"][6]["required"] == 0  # D1: PP 6/2025 asks no consecutive run
    assert result["unverified"]["rule_version"] == "PP6-2025"
    assert not db.exists()


def test_stdin_scenario_matches_file(scenario_file):
    data = scenario_data(
        contributions=months("2024-11", 24, 4_000_000),
        termination={"date": "2024-11-20", "reason": "efficiency"},
        claim_date="2024-12-02",
        decision_date="2024-12-16",
    )
    code, out, err = run_cli("-", stdin=json.dumps(data))
    assert code == 0, err
    result = json.loads(out)
    assert result["rule_version"] == "PP37-2021"
    assert [i["amount"] for i in result["cash_schedule"]] == [1_800_000] * 2 + [2_400_000] * 4
    assert [i["rule_version"] for i in result["cash_schedule"]] == ["PP37-2021"] * 2 + [
        "PP6-2025"
    ] * 4
    assert result["cash_total"] == 13_200_000
    code_file, out_file, _ = run_cli(str(scenario_file(data)))
    assert code_file == 0
    assert json.loads(out_file) == result


def test_ineligible_scenario_exits_zero():
    data = scenario_data(termination={"date": "2025-02-28", "reason": "resign_voluntary"})
    code, out, err = run_cli("-", stdin=json.dumps(data))
    assert code == 0, err
    result = json.loads(out)
    assert result["eligible"] is False
    assert result["cash_schedule"] == []
    assert result["cash_total"] == 0


def test_version_table():
    code, out, err = run_cli("--version-table")
    assert code == 0, err
    table = json.loads(out)
    versions = table["versions"]
    assert [v["code"] for v in versions] == ["PP37-2021", "PP6-2025"]
    assert versions[1]["effective_from"] == "2025-02-07"
    assert versions[0]["params"]["claim_deadline_months"]["value"] == 3
    assert versions[1]["params"]["claim_deadline_months"]["value"] == 6
    assert versions[1]["params"]["min_consecutive_months"]["verified"] is False
    assert versions[1]["params"]["min_consecutive_months"]["value"] == 0  # D1
    assert versions[1]["params"]["contribution_rate_percent"]["value"] == "0.36"
    assert versions[1]["params"]["min_job_applications_per_month"]["value"] == 5
    assert "min_consecutive_months" in versions[1]["unverified_params"]
    assert versions[1]["unverified_note"].startswith("Belum dikonfirmasi")
    caps = table["dated_params"]["training_cost_cap"]
    assert [(c["effective_from"], c["value"]) for c in caps] == [
        ("2021-02-02", 1_000_000),
        ("2025-04-14", 2_400_000),
    ]


@pytest.mark.parametrize(
    ("stdin", "field", "fragment"),
    [
        ('{"claim_date": ', "scenario", "JSON tidak valid"),  # bad JSON
        ("", "scenario", "JSON tidak valid"),  # empty input
        ("[1, 2]", "scenario", "objek JSON"),  # not an object
        (json.dumps(scenario_data(claim_date=None)), "claim_date", "wajib"),  # missing field
        (json.dumps(scenario_data(claim_date="2025-02-30")), "claim_date", "tanggal"),
        (
            json.dumps(scenario_data(termination={"date": "2025-02-28", "reason": "layoff"})),
            "termination.reason",
            "kode tidak dikenal",
        ),
        (
            json.dumps(scenario_data(contributions=[{"period": "2025-01", "wage": -5}])),
            "contributions[0].wage",
            "negatif",
        ),
        (
            json.dumps(scenario_data(contributions=[{"period": "2025-1", "wage": 5}])),
            "contributions[0].period",
            "YYYY-MM",
        ),
        (
            json.dumps(scenario_data(contributions=[{"period": "2025-01", "wage": 1.5}])),
            "contributions[0].wage",
            "bilangan bulat",
        ),
    ],
)
def test_malformed_scenarios_via_manage_py(stdin, field, fragment):
    error = assert_malformed(*run_cli("-", stdin=stdin), field=field)
    assert fragment in error["message"]


def test_unreadable_file_and_directory(tmp_path):
    error = assert_malformed(*run_cli(str(tmp_path / "missing.json")), field="scenario")
    assert "tidak dapat dibaca" in error["message"]
    assert_malformed(*run_cli(str(tmp_path)), field="scenario")


def test_non_utf8_file(scenario_file):
    error = assert_malformed(*run_cli(str(scenario_file(b"\xff\xfe{\x00"))), field="scenario")
    assert "UTF-8" in error["message"]


def test_usage_errors_keep_the_json_contract():
    assert_malformed(*run_cli(), field="scenario")
    assert_malformed(*run_cli("--no-such-option", "-"), field="arguments")


# --- in process (fast), the long list of malformed inputs -----------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contributions": [{"period": "2025-01", "wage": "abc"}]}, "contributions[0].wage"),
        ({"contributions": [{"period": "2025-01", "wage": True}]}, "contributions[0].wage"),
        (
            {"contributions": [{"period": "2025-01", "wage": 1}, {"period": "2025-01", "wage": 1}]},
            "contributions[1].period",
        ),
        ({"contributions": [{"period": "2025-01-01", "wage": 1}]}, "contributions[0].period"),
        ({"contract": {"type": "PKWT"}}, "contract.end_date"),
        ({"contract": {"type": "permanent"}}, "contract.type"),
        ({"employer_size": "giant"}, "employer_size"),
        ({"enrollments": ["JKN", "XYZ"]}, "enrollments[1]"),
        ({"employer": {"arrears_months": -2}}, "employer.arrears_months"),
        ({"employer": {"arrears_months": "3"}}, "employer.arrears_months"),
        ({"employer": {"bankrupt_or_closed": "yes"}}, "employer.bankrupt_or_closed"),
        ({"participant": {"citizen": "ya"}}, "participant.citizen"),
        ({"prior_claims": [{"termination_date": "kemarin"}]}, "prior_claims[0].termination_date"),
        ({"decision_date": "2025-03-01"}, "decision_date"),
        ({"termination": {"date": "2025-02-28"}}, "termination.reason"),
    ],
)
def test_malformed_inputs_in_process(overrides, field, scenario_file):
    path = scenario_file(scenario_data(**overrides))
    assert_malformed(*run_inline(str(path)), field=field)


def test_duplicate_keys_and_nan_are_bad_json(monkeypatch):
    error = assert_malformed(*run_inline("-", stdin='{"a": 1, "a": 2}', monkeypatch=monkeypatch))
    assert "kunci ganda" in error["message"]
    bad = json.dumps(scenario_data()).replace('"wage": 5000000', '"wage": NaN', 1)
    assert_malformed(*run_inline("-", stdin=bad, monkeypatch=monkeypatch), field="scenario")


def test_deeply_nested_json_is_malformed_not_a_crash(monkeypatch):
    stdin = "[" * 100_000 + "]" * 100_000
    assert_malformed(*run_inline("-", stdin=stdin, monkeypatch=monkeypatch), field="scenario")


def test_inline_stdin_and_version_table_together_is_an_error(monkeypatch):
    assert_malformed(*run_inline("-", "--version-table"), field="scenario")


def test_inline_eligible_from_stdin(monkeypatch):
    code, out, err = run_inline("-", stdin=json.dumps(scenario_data()), monkeypatch=monkeypatch)
    assert code == 0
    assert err == ""
    assert json.loads(out)["cash_total"] == 18_000_000


def test_utf8_bom_is_accepted(scenario_file):
    path = scenario_file(b"\xef\xbb\xbf" + json.dumps(scenario_data()).encode())
    code, out, _ = run_inline(str(path))
    assert code == 0
    assert json.loads(out)["eligible"] is True


def test_messages_are_indonesian_whatever_the_active_language(scenario_file):
    from django.utils import translation

    path = scenario_file(scenario_data())
    with translation.override("en"):
        code, out, _ = run_inline(str(path))
        assert code == 0
        result = json.loads(out)
        assert result["checks"][4]["message"].startswith("Diklaim pada 10 Maret 2025")
        assert result["checks"][4]["message_en"].startswith("Claimed on 10 March 2025")
        assert translation.get_language() == "en"  # left as it was


def test_language_option_gives_english_messages(scenario_file):
    code, out, _ = run_inline(str(scenario_file(scenario_data())), "--language", "en")
    assert code == 0
    check = json.loads(out)["checks"][4]
    assert check["message"] == check["message_en"]


def test_d5_and_d14_through_the_command(scenario_file):
    """Filed before 7 Feb 2025, decided after: PP 6/2025. A V1 deadline lost stays lost."""
    decided_later = scenario_data(
        contributions=months("2025-01", 24, 4_000_000),
        termination={"date": "2025-01-15", "reason": "efficiency"},
        claim_date="2025-02-03",
        decision_date="2025-02-10",
    )
    code, out, _ = run_inline(str(scenario_file(decided_later)))
    assert code == 0
    result = json.loads(out)
    assert result["rule_version"] == "PP6-2025"
    assert {i["percent"] for i in result["cash_schedule"]} == {60}

    lost = scenario_data(
        contributions=months("2024-09", 24),
        termination={"date": "2024-09-03", "reason": "efficiency"},
        claim_date="2025-03-01",
        decision_date=None,
    )
    code, out, _ = run_inline(str(scenario_file(lost, "lost.json")))
    assert code == 0
    result = json.loads(out)
    assert result["eligible"] is False
    deadline = result["checks"][4]
    assert (deadline["code"], deadline["passed"]) == ("claim_deadline", False)
    assert deadline["required"] == "2024-12-03"
    assert deadline["source"] == "PP 37/2021 Pasal 40"
    assert result["cash_schedule"] == []
