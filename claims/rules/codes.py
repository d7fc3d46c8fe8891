"""Stable codes shared by the database, the API and the simulate command.

These are vocabularies, not rules: which reasons qualify, and which programmes each employer
size needs, are parameters of a rule version (``versions.py``).
"""

from __future__ import annotations

# code -> (Indonesian label, English label); see "Termination reason codes" in jkp-rules.md.
TERMINATION_REASONS: dict[str, tuple[str, str]] = {
    "efficiency": ("efisiensi / restrukturisasi", "efficiency / restructuring"),
    "merger": (
        "penggabungan, peleburan, pemisahan atau perubahan kepemilikan",
        "merger, consolidation, separation or change of ownership",
    ),
    "closure_loss": ("perusahaan tutup karena merugi", "closure because of losses"),
    "closure_force_majeure": ("perusahaan tutup karena keadaan memaksa", "closure, force majeure"),
    "bankruptcy": ("pailit", "bankruptcy"),
    "postponement_of_debts": ("PKPU", "suspension of debt payments (PKPU)"),
    "employer_fault": (
        "PHK atas permohonan pekerja karena pelanggaran pengusaha",
        "PHK at the worker's request for the employer's misconduct",
    ),
    "resign_employer_fault": (
        "mengundurkan diri karena pelanggaran pengusaha",
        "resignation driven by the employer's misconduct",
    ),
    "misconduct": ("PHK karena pelanggaran tata tertib oleh pekerja", "PHK for worker misconduct"),
    "long_illness": (
        "sakit berkepanjangan lebih dari 12 bulan (bukan cacat total tetap)",
        "prolonged illness beyond 12 months (not total permanent disability)",
    ),
    "contract_early_end": (
        "PKWT diakhiri pengusaha sebelum tanggal berakhirnya",
        "fixed-term contract ended by the employer before its end date",
    ),
    "other_phk": ("PHK lain dengan bukti yang sah", "another PHK with valid proof"),
    "resign_voluntary": ("mengundurkan diri", "voluntary resignation"),
    "contract_expired": ("PKWT berakhir sesuai jangka waktunya", "fixed-term contract ran out"),
    "retirement": ("pensiun", "retirement"),
    "total_permanent_disability": ("cacat total tetap", "total permanent disability"),
    "death": ("meninggal dunia", "death"),
}

EMPLOYER_SIZES: dict[str, tuple[str, str]] = {
    "micro": ("usaha mikro", "micro enterprise"),
    "small": ("usaha kecil", "small enterprise"),
    "medium": ("usaha menengah", "medium enterprise"),
    "large": ("usaha besar", "large enterprise"),
}

# Social-security programmes a worker can be enrolled in. JKP itself is accepted (harmless) but
# never required: it is the programme being claimed.
PROGRAMMES: tuple[str, ...] = ("JKN", "JKK", "JKM", "JHT", "JP", "JKP")

CONTRACT_TYPES: tuple[str, ...] = ("PKWTT", "PKWT")

PAYER_BPJS = "bpjs"
PAYER_EMPLOYER_FIRST = "employer_first"
