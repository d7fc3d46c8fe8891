"""Money is integer Rupiah everywhere; this is how it is shown."""

from decimal import Decimal


def format_rupiah(amount: int | Decimal | str) -> str:
    value = int(Decimal(str(amount)))
    sign = "-" if value < 0 else ""
    grouped = f"{abs(value):,}".replace(",", ".")
    return f"{sign}Rp {grouped}"
