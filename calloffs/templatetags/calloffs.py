from django import template

from portal import clock, money, uploads

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """Pence as £1,234,567."""
    return "" if pence is None else money.pounds(pence)


@register.filter
def pounds_estimate(pence: int | None) -> str:
    """An estimate (a lot's yearly value) in whole pounds, rounded half up: £306,667."""
    return "" if pence is None else money.pounds(pence, whole=True)


@register.filter
def entry_conditions(lot) -> str:
    """Who may bid for a lot, in one plain line, the same wherever a lot is summarised: its size rule
    (any size, or the minimum yearly turnover) and the competition's lowest cyber security level."""
    size = (
        "Open to organisations of any size"
        if lot.open_to_any_size
        else f"Minimum yearly turnover: {money.pounds(lot.minimum_turnover_pence)}"
    )
    return (
        f"{size}. Cyber security certificate: {lot.competition.get_minimum_cyber_level_display()} or higher."
    )


@register.filter
def lookup(mapping: dict, key):
    return mapping.get(key) if mapping else None


@register.filter
def london(moment):
    return clock.london(moment) if moment else moment


@register.filter
def iso(moment) -> str:
    """A machine-readable time for <time datetime>, to the second."""
    return moment.replace(microsecond=0).isoformat() if moment else ""


@register.filter
def document_type(content_type: str) -> str:
    """A stored document's type as people read it, like "PDF"."""
    return uploads.ALLOWED_DOCUMENTS.get(content_type, "")


@register.filter
def standstill_end(moment) -> str:
    """When a standstill ends, without the ambiguity of "midnight on a day": "midnight at the end of
    11 March 2026"."""
    from calloffs.services.awards import standstill_end_words

    return standstill_end_words(moment) if moment else ""
