from django import template

from portal import clock, money, uploads

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """Pence as £1,234,567."""
    return "" if pence is None else money.pounds(pence)


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
