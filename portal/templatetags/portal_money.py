"""Money in templates, through the one formatter (`portal.money`)."""

from django import template

from portal import money

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """£1,234,567 (or £1,234.50 when there are pence); nothing for no amount."""
    return "" if pence is None else money.pounds(pence)
