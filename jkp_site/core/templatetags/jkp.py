"""Template filters for Indonesian presentation: Rupiah, masked identifiers."""

from django import template

from jkp_site.core.crypto import mask
from jkp_site.core.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """5000000 -> 'Rp 5.000.000'."""
    if value is None or value == "":
        return ""
    return format_rupiah(value)


@register.filter
def masked(value) -> str:
    """3201234567890001 -> '3201••••••••0001'."""
    return mask(str(value) if value is not None else "")
