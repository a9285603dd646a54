"""Filters for text people chose (an organisation's or a person's name) shown in e-mails."""

import re
import unicodedata

from django import template

register = template.Library()

# A dot with no space on either side ("evil.example"), a scheme ("https://") or an "@" is what makes
# e-mail clients turn text into a link.
_LINK_DOT = re.compile(r"(?<=\S)\.(?=\S)")


@register.filter
def unlinked(value: object) -> str:
    """The name as text no e-mail client turns into a link: "evil.example" becomes "evil[.]example".
    Look-alike dots are first made plain dots (NFKC), so that they are broken too."""
    text = unicodedata.normalize("NFKC", str(value))
    text = text.replace("://", "[:]//").replace("@", "[at]")
    return _LINK_DOT.sub("[.]", text)
