"""Generated claims for the page benchmarks, written with set-based SQL (INSERT ... SELECT
generate_series), never the ORM row by row.

The world grows in place: `grow_to(n)` adds claims (each with its participant, termination and
case events) until there are `n`, so the small and the large figures of one run read the same
rows plus more. Ten branch offices each with two sub-offices (KCP) under five regions; claim `i`
walks the usual path (draft, submitted, verifying, eligibility checked, awaiting approval,
approved, benefit active, completed) for `i % 8` steps, and one in ten ends rejected instead;
its clock starts on a day spread over the two years before now, one step every three days.
Every participant has a name of three parts drawn from a large vocabulary, so a search for one
full name finds a handful of people whatever the size (as a search for one person does).
"""

from __future__ import annotations

from typing import Any

from django.db import connection

REGIONS = 5
BRANCH_GROUPS = 10
SUB_OFFICES = 2
EMPLOYERS = 300
# The signed-in users and the API client of the page benchmarks.
BENCH_USER_PREFIX = "bench-"
PATH = [
    "draft",
    "submitted",
    "verifying",
    "eligibility_checked",
    "awaiting_approval",
    "approved",
    "benefit_active",
    "completed",
]
# The searched person: five participants (ids 1, 3, 5, 7, 9) carry this name at every size.
SEARCHED_NAME = "Kartika Wulandari Sasmita"

FIRST = [
    "Adi", "Agus", "Ahmad", "Andi", "Ani", "Arif", "Ayu", "Bambang", "Budi", "Dewi", "Dian",
    "Eko", "Fajar", "Fitri", "Gita", "Hadi", "Hendra", "Indah", "Joko", "Kurnia", "Lestari",
    "Made", "Maya", "Nur", "Putri", "Rahmat", "Rina", "Rudi", "Sari", "Siti", "Sri", "Taufik",
    "Teguh", "Tri", "Wahyu", "Wati", "Yanti", "Yudi", "Yusuf", "Zainal",
]  # fmt: skip
# A syllable-built family name: 24^3 = 13,824 distinct, so a full name is rare.
SYLLABLES = [
    "ba", "da", "ga", "ha", "ja", "ka", "la", "ma", "na", "pa", "ra", "sa", "ta", "wa", "ya",
    "bi", "di", "gi", "ki", "li", "mi", "ni", "ri", "si",
]  # fmt: skip


def _sql(statement: str, params: list | dict | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def _scalar(statement: str, params: list | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchone()[0]


def _drop_month_partitions() -> None:
    """The contribution table back to its DEFAULT partition alone, as the migrations made it,
    so no benchmark reads the partitions an earlier one left."""
    from participants.partitions import partition_months, partition_name

    for month in partition_months():
        _sql(f"DROP TABLE {partition_name(month)}")


def reset() -> None:
    """Remove every generated row and the month partitions (case events refuse TRUNCATE and
    DELETE by trigger: the replication role skips the triggers for this maintenance only)."""
    from claims.models import CaseEvent, Claim, Termination
    from participants.models import Employer, Participant
    from reports.models import MonthlyFigures, ReportMonth

    tables = [
        CaseEvent._meta.db_table,
        Claim._meta.db_table,
        Termination._meta.db_table,
        Participant._meta.db_table,
        Employer._meta.db_table,
        MonthlyFigures._meta.db_table,
        ReportMonth._meta.db_table,
        "claims_claimstatecount",
    ]
    _sql("SET session_replication_role = replica")
    try:
        _sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    finally:
        _sql("SET session_replication_role = DEFAULT")
    _drop_month_partitions()
    from api.models import IntegrationClient, NikLookup
    from jkp_site.core.models import User

    # The look-ups of the benchmarks' own clients (their record protects the client).
    NikLookup.objects.filter(client__name__startswith=BENCH_USER_PREFIX).delete()
    IntegrationClient.objects.filter(name__startswith=BENCH_USER_PREFIX).delete()
    User.objects.filter(username__startswith=BENCH_USER_PREFIX).delete()
    User.objects.filter(username__startswith=f"api-{BENCH_USER_PREFIX}").delete()
    _sql("DELETE FROM core_kantorcabang WHERE code LIKE %s AND parent_id IS NOT NULL", ["PG%"])
    _sql("DELETE FROM core_kantorcabang WHERE code LIKE %s", ["PG%"])
    _sql("DELETE FROM core_kanwil WHERE code LIKE %s", ["PG%"])


def ensure_offices() -> None:
    """Regions, branches with their sub-offices and employers (once)."""
    if _scalar("SELECT count(*) FROM core_kanwil WHERE code LIKE 'PG%%'"):
        return
    _sql(
        "INSERT INTO core_kanwil (created_at, updated_at, code, name) "
        "SELECT now(), now(), 'PGR' || r, 'Bench region ' || r FROM generate_series(1, %s) r",
        [REGIONS],
    )
    _sql(
        "INSERT INTO core_kantorcabang (created_at, updated_at, code, name, city, address, "
        "kanwil_id) SELECT now(), now(), 'PGB' || b, 'Bench branch ' || b, 'Kota', '', "
        "(SELECT id FROM core_kanwil WHERE code = 'PGR' || (1 + b %% %s)) "
        "FROM generate_series(1, %s) b",
        [REGIONS, BRANCH_GROUPS],
    )
    _sql(
        "INSERT INTO core_kantorcabang (created_at, updated_at, code, name, city, address, "
        "kanwil_id, parent_id) SELECT now(), now(), 'PGB' || b || 'K' || k, "
        "'Bench KCP ' || b || '-' || k, 'Kota', '', p.kanwil_id, p.id "
        "FROM generate_series(1, %s) b CROSS JOIN generate_series(1, %s) k "
        "JOIN core_kantorcabang p ON p.code = 'PGB' || b",
        [BRANCH_GROUPS, SUB_OFFICES],
    )
    _sql(
        "INSERT INTO participants_employer (created_at, updated_at, npp, name, size_class, "
        "address, arrears_months, bankrupt_or_closed, branch_id) "
        "SELECT now(), now(), '9' || lpad(e::text, 7, '0'), 'PT Bench ' || e, 'large', '', 0, "
        "false, "
        "(SELECT id FROM core_kantorcabang WHERE code LIKE 'PG%%' ORDER BY id "
        " OFFSET (e %% (%s)) LIMIT 1) FROM generate_series(1, %s) e",
        [BRANCH_GROUPS * (1 + SUB_OFFICES), EMPLOYERS],
    )


def claim_count() -> int:
    return int(_scalar("SELECT count(*) FROM claims_claim"))


def grow_to(total: int) -> None:
    """Add claims with ids after the last one until there are `total`."""
    ensure_offices()
    # Generated rows are consistent by construction: the replication role skips the per-row
    # foreign-key and count triggers, and the counts are recomputed in one statement after.
    _sql("SET session_replication_role = replica")
    try:
        _grow(total)
    finally:
        _sql("SET session_replication_role = DEFAULT")
    _sql("DELETE FROM claims_claimstatecount")
    _sql(
        "INSERT INTO claims_claimstatecount (branch_id, state, total) "
        "SELECT branch_id, state, count(*) FROM claims_claim GROUP BY branch_id, state"
    )
    _sql("ANALYZE")


def _grow(total: int) -> None:
    from participants.models import Participant

    start = int(_scalar("SELECT coalesce(max(id), 0) FROM claims_claim")) + 1
    end = total
    if end < start:
        return
    nik = (
        Participant(nik="3174010101900001")
        ._meta.get_field("nik")
        .get_prep_value("3174010101900001")
    )
    n_syl = len(SYLLABLES)
    # A full name from the id through a multiplicative hash (so neighbours differ); five
    # participants are the searched person.
    _sql(
        "INSERT INTO participants_participant (id, created_at, updated_at, nik, nik_index, "
        "kpj_number, name, birth_date, gender, citizen, registered_on, email, phone, address, "
        "bank_name, bank_account, bank_account_holder, bank_account_index) "
        "SELECT i, now(), now(), %(nik)s, 'bench-' || i, lpad(i::text, 11, '0'), "
        "CASE WHEN i <= 10 AND i %% 2 = 1 THEN %(searched)s ELSE "
        "(%(first)s::text[])[1 + (h %% %(n_first)s)] || ' ' || "
        "(%(first)s::text[])[1 + (h / 7 %% %(n_first)s)] || ' ' || initcap("
        "(%(syl)s::text[])[1 + (h %% %(n_syl)s)] || "
        "(%(syl)s::text[])[1 + (h / %(n_syl)s %% %(n_syl)s)] || "
        "(%(syl)s::text[])[1 + (h / %(n_syl2)s %% %(n_syl)s)]) END, "
        "date '1985-01-01' + (i %% 7000)::int, CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END, "
        "true, date '2015-01-01', '', '', '', '', '', '', '' "
        "FROM (SELECT i, (i * 2654435761) %% 4294967296 AS h "
        "      FROM generate_series(%(start)s::int, %(end)s::int) i) s",
        {
            "nik": nik,
            "searched": SEARCHED_NAME,
            "first": FIRST,
            "n_first": len(FIRST),
            "syl": SYLLABLES,
            "n_syl": n_syl,
            "n_syl2": n_syl * n_syl,
            "start": start,
            "end": end,
        },
    )
    _sql(
        "INSERT INTO claims_termination (id, created_at, updated_at, phk_date, reason, "
        "contract_type, proof_number, reported_by_employer, employer_id, participant_id) "
        "SELECT i, now(), now(), (now() - interval '740 days' + (h %% 700) * interval '1 day')"
        "::date, 'efficiency', 'PKWTT', '', false, "
        "(SELECT min(id) FROM participants_employer) + (h / 13 %% %s), i "
        "FROM (SELECT i, (i * 2654435761) %% 4294967296 AS h "
        "      FROM generate_series(%s::int, %s::int) i) s",
        [EMPLOYERS, start, end],
    )
    # The claim's path: k steps along PATH; one in ten rejected after awaiting approval.
    _sql(
        "CREATE TEMP TABLE bench_path AS "
        "SELECT i, t0, k, CASE WHEN h / 1009 %% 10 = 9 THEN 'rejected' "
        "ELSE (%s::text[])[k + 1] END AS final "
        "FROM (SELECT i, h, now() - interval '750 days' + (h %% 700) * interval '1 day' "
        "+ (h %% 86400) * interval '1 second' AS t0, "
        "CASE WHEN h / 1009 %% 10 = 9 THEN 5 ELSE h / 101 %% 8 END AS k "
        "FROM (SELECT i, (i * 2654435761) %% 4294967296 AS h "
        "      FROM generate_series(%s::int, %s::int) i) s) p",
        [PATH, start, end],
    )
    _sql(
        "INSERT INTO claims_claim (id, created_at, updated_at, number, state, state_changed_at, "
        "channel, claim_date, rule_version, payer, bank_name, bank_account, "
        "bank_account_holder, recommendation, recommendation_note, appeal_count, branch_id, "
        "participant_id, termination_id, bank_account_index) "
        "SELECT p.i, p.t0, p.t0, 'JKP-' || to_char(p.t0, 'YYYY') || '-' || lpad(p.i::text, 7, "
        "'0'), p.final, p.t0 + p.k * interval '3 days', 'counter', "
        "CASE WHEN p.k > 0 THEN (p.t0 + interval '3 days')::date END, '', '', '', '', '', '', "
        "'', 0, e.branch_id, p.i, p.i, '' FROM bench_path p "
        "JOIN claims_termination t ON t.id = p.i JOIN participants_employer e "
        "ON e.id = t.employer_id",
    )
    _sql(
        "INSERT INTO claims_caseevent (action, from_state, to_state, reason_code, note, data, "
        "created_at, claim_id) "
        "SELECT CASE WHEN s = 0 THEN 'open' ELSE 'transition' END, "
        "CASE WHEN s = 0 THEN '' ELSE (%s::text[])[s] END, "
        "CASE WHEN s = p.k THEN p.final ELSE (%s::text[])[s + 1] END, "
        "CASE WHEN s = p.k AND p.final = 'rejected' THEN 'not_eligible' ELSE '' END, "
        "'', '{}'::jsonb, p.t0 + s * interval '3 days', p.i "
        "FROM bench_path p CROSS JOIN LATERAL generate_series(0, p.k) s ORDER BY p.t0, p.i, s",
        [PATH, PATH],
    )
    _sql("DROP TABLE bench_path")
    for table in ("participants_participant", "claims_termination", "claims_claim"):
        _sql(
            # The table names are this module's own constants.
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
        )
