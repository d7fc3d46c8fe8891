"""Nomor Induk Kependudukan (NIK): the 16-digit national identity number.

Layout: PP KK RR DDMMYY SSSS: province (2), regency/city (2), district (2), birth date
(women add 40 to the day), serial (4). Each fault has its own message so an officer can tell
the worker which part is wrong.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Province codes in use (Kemendagri), including the Papua provinces created in 2022.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip


@dataclass(frozen=True)
class NikInfo:
    province_code: str
    region_code: str
    birth_date: dt.date
    female: bool


def parse_nik(value: str, *, today: dt.date | None = None) -> NikInfo:
    """Validate a NIK and return what it encodes; raises ValidationError naming the fault."""
    nik = "".join(str(value).split())
    # isascii() too: str.isdigit() also takes Arabic-Indic and other scripts' digits.
    if not (nik.isascii() and nik.isdigit()):
        raise ValidationError(_("NIK may contain digits only."), code="nik_digits")
    if len(nik) != 16:
        raise ValidationError(
            _("NIK must have 16 digits (this one has %(count)d)."),
            code="nik_length",
            params={"count": len(nik)},
        )
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if province not in PROVINCE_CODES:
        raise ValidationError(
            _("NIK starts with %(code)s, which is not an Indonesian province code."),
            code="nik_province",
            params={"code": province},
        )
    if regency == "00" or district == "00":
        raise ValidationError(
            _("NIK digits 3 to 6 must be a regency and district code (not 00)."),
            code="nik_region",
        )
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    today = today or timezone.localdate()
    century = 2000 if 2000 + year2 <= today.year else 1900
    try:
        birth = dt.date(century + year2, month, day)
    except ValueError:
        raise ValidationError(
            _("NIK digits 7 to 12 are not a valid birth date (DDMMYY, day + 40 for women)."),
            code="nik_birth_date",
        ) from None
    if birth > today:
        raise ValidationError(
            _("The birth date in the NIK lies in the future."), code="nik_birth_future"
        )
    if nik[12:16] == "0000":
        raise ValidationError(
            _("NIK serial number (last 4 digits) cannot be 0000."), code="nik_serial"
        )
    return NikInfo(province, nik[0:6], birth, female)


def validate_nik(value: str) -> None:
    parse_nik(value)
