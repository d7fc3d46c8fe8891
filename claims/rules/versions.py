"""Rule versions as data.

A ``RuleVersion`` is a set of named parameters, each with the article it comes from and whether
that article was read in its official text (``verified``). The checks read parameters only from
here, so publishing a corrected version (or a third one) is a data change, not a code change.

``verified`` is ``False`` where jkp-rules.md marks the fact UNVERIFIED or where the value is a
project decision standing in for a text nobody has read yet (D1, D10, D11).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class Param:
    value: Any
    source: str
    verified: bool = True
    note: str = ""


@dataclass(frozen=True, slots=True)
class RuleVersion:
    code: str
    effective_from: date
    params: dict[str, Param] = field(hash=False)
    title: str = ""

    def param(self, name: str) -> Param:
        try:
            return self.params[name]
        except KeyError:
            raise KeyError(f"rule version {self.code} has no parameter {name!r}") from None

    def value(self, name: str) -> Any:
        return self.param(name).value

    def source(self, name: str) -> str:
        return self.param(name).source


class NoRuleVersionError(LookupError):
    """No rule version was in force on the date asked for (before JKP existed)."""


_BIG_ENTERPRISE = ("JKK", "JHT", "JP", "JKM", "JKN")
_SMALL_ENTERPRISE = ("JKK", "JHT", "JKM", "JKN")
_EXCLUDED_REASONS = ("resign_voluntary", "retirement", "total_permanent_disability", "death")

_D1_NOTE = (
    "D1: PP 6/2025 mengubah Pasal 19 tetapi teksnya belum diperoleh; sementara memakai "
    "parameter PP 37/2021. / D1: PP 6/2025 amended Pasal 19 but the text was not obtained; "
    "V1's parameter is kept until confirmed."
)
_D10_NOTE = (
    "D10: hanya dari parafrase berita atas situs BPJS; pasalnya belum ditemukan. / D10: only a "
    "news paraphrase of the BPJS website; the article was not found."
)

PP37_2021 = RuleVersion(
    code="PP37-2021",
    effective_from=date(2021, 2, 2),
    title="PP 37/2021 jo. Permenaker 15/2021",
    params={
        # --- participation (kepesertaan) -------------------------------------------------------
        "citizen_required": Param(True, "PP 37/2021 Pasal 4(2)"),
        "max_age_at_registration": Param(
            54,
            "PP 37/2021 Pasal 4(2)",
            note="Usia saat pendaftaran harus di bawah 54 tahun (batas eksklusif). / "
            "Age at registration must be under 54 (exclusive).",
        ),
        "required_enrollments": Param(
            {
                "large": _BIG_ENTERPRISE,
                "medium": _BIG_ENTERPRISE,
                "small": _SMALL_ENTERPRISE,
                "micro": _SMALL_ENTERPRISE,
            },
            "PP 37/2021 Pasal 4(3)",
            note="Materi BPJS membaca JKN sebagai segmen PPU; segmen tidak diperiksa di sini. / "
            "BPJS material reads JKN as the PPU segment; the segment is not checked here.",
        ),
        # --- termination (Pasal 20) ----------------------------------------------------------
        "excluded_reasons": Param(_EXCLUDED_REASONS, "PP 37/2021 Pasal 20"),
        "not_phk_reasons": Param(
            ("contract_expired",),
            "PP 37/2021 Pasal 20(1)",
            note="PKWT yang berakhir sesuai jangka waktunya bukan PHK.",
        ),
        "pkwt_requires_phk_before_end_date": Param(True, "PP 37/2021 Pasal 20(1)"),
        "employer_fault_resignation_is_phk": Param(
            True,
            "D11 (tafsiran UU Ketenagakerjaan: PHK atas permohonan pekerja)",
            verified=False,
            note="D11: resign_employer_fault diperlakukan sebagai PHK.",
        ),
        # --- claim deadline (Pasal 40) -------------------------------------------------------
        "claim_deadline_months": Param(3, "PP 37/2021 Pasal 40"),
        # --- contribution period (Pasal 19) --------------------------------------------------
        "min_paid_months": Param(12, "PP 37/2021 Pasal 19(3)"),
        "window_months": Param(24, "PP 37/2021 Pasal 19(3)"),
        "min_consecutive_months": Param(
            6,
            "PP 37/2021 Pasal 19(3)",
            note="D2: deret harus berakhir di bulan PHK atau bulan sebelumnya.",
        ),
        # --- repeat claims (D10) -------------------------------------------------------------
        "max_claims": Param(3, "Permenaker 15/2021 (menurut situs BPJS)", False, _D10_NOTE),
        "min_paid_months_between_claims": Param(
            60, "Permenaker 15/2021 (menurut situs BPJS)", False, _D10_NOTE
        ),
        # --- cash benefit (Pasal 21) ---------------------------------------------------------
        "cash_percents": Param((45, 45, 45, 25, 25, 25), "PP 37/2021 Pasal 21"),
        "wage_ceiling": Param(5_000_000, "PP 37/2021 Pasal 21"),
        "max_instalments": Param(6, "PP 37/2021 Pasal 21"),
        "applies_to_running_benefits": Param(
            True, "PP 37/2021", note="Versi pertama; tidak ada manfaat berjalan sebelumnya."
        ),
        # --- employer arrears (Pasal 39) -----------------------------------------------------
        "arrears_months_bpjs_pays": Param(3, "PP 37/2021 Pasal 39"),
        "employer_pays_first_source": Param(
            "PP 37/2021 Pasal 39(3)",
            "PP 37/2021 Pasal 39(3)",
            note="Tunggakan di atas batas: pengusaha membayar dulu, lalu diganti BPJS.",
        ),
        "arrears_months_bpjs_pays_bankrupt": Param(
            3,
            "PP 37/2021 Pasal 39",
            note="V1 tidak punya aturan khusus pailit/tutup; berlaku batas Pasal 39.",
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
            note="Batas biaya pelatihan per peserta, dibayar ke lembaga pelatihan.",
        ),
    },
)

PP6_2025 = RuleVersion(
    code="PP6-2025",
    effective_from=date(2025, 2, 7),
    title="PP 37/2021 jo. PP 6/2025, Permenaker 15/2021 jo. Permenaker 2/2025",
    params={
        **PP37_2021.params,
        "citizen_required": Param(True, "PP 37/2021 Pasal 4(2) jo. PP 6/2025"),
        "max_age_at_registration": Param(
            54,
            "PP 37/2021 Pasal 4(2) jo. PP 6/2025",
            note="Usia saat pendaftaran harus di bawah 54 tahun (batas eksklusif). / "
            "Age at registration must be under 54 (exclusive).",
        ),
        "required_enrollments": Param(
            PP37_2021.value("required_enrollments"),
            "PP 6/2025 Pasal 4(3)",
            note="Cukup terdaftar di JKN (PPU, PBI atau PBPU). / Registered in JKN in any segment.",
        ),
        "excluded_reasons": Param(
            _EXCLUDED_REASONS,
            "PP 37/2021 Pasal 20 jo. PP 6/2025",
            verified=False,
            note="Pasal 20 diubah PP 6/2025 (syarat pengunduran diri); teks belum dibaca. D11.",
        ),
        "claim_deadline_months": Param(6, "PP 6/2025 Pasal 40"),
        "min_paid_months": Param(12, "PP 37/2021 Pasal 19(3)", False, _D1_NOTE),
        "window_months": Param(24, "PP 37/2021 Pasal 19(3)", False, _D1_NOTE),
        "min_consecutive_months": Param(6, "PP 37/2021 Pasal 19(3)", False, _D1_NOTE),
        "cash_percents": Param((60, 60, 60, 60, 60, 60), "PP 6/2025 Pasal 21(1)"),
        "wage_ceiling": Param(5_000_000, "PP 6/2025 Pasal 21(2)-(3)"),
        "max_instalments": Param(6, "PP 6/2025 Pasal 21(1)"),
        "applies_to_running_benefits": Param(
            True,
            "Permenaker 2/2025 Pasal II",
            note="Angsuran yang jatuh tempo sejak 7 Feb 2025 memakai PP 6/2025 (D6).",
        ),
        "arrears_months_bpjs_pays": Param(3, "PP 37/2021 Pasal 39 jo. PP 6/2025"),
        "employer_pays_first_source": Param(
            "PP 37/2021 Pasal 39(3) jo. PP 6/2025",
            "PP 37/2021 Pasal 39(3) jo. PP 6/2025",
            note="Tunggakan di atas batas: pengusaha membayar dulu, lalu diganti BPJS.",
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
            note="PMK 26/2025 berlaku April 2025, bukan 7 Feb 2025; dicatat pada versi ini "
            "agar sederhana. / PMK 26/2025 took effect in April 2025, not on 7 Feb 2025.",
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
        f"Belum ada aturan JKP yang berlaku pada {day.isoformat()} "
        f"(JKP berlaku sejak {VERSIONS[0].effective_from.isoformat()})."
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
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
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
                "params": {
                    name: {
                        "value": jsonable(param.value),
                        "source": param.source,
                        "verified": param.verified,
                        "note": param.note,
                    }
                    for name, param in version.params.items()
                },
            }
        )
    return table
