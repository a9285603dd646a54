"""Terms of art linked to their one definition (portal/glossary.py): `{% term "lot" %}` writes "lot" as
a link to /glossary/#lot; `{% term "lot" "lots" %}` chooses the words shown."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from portal.glossary import BY_SLUG, Term, link_terms

register = template.Library()


def glossary_href(slug: str) -> str:
    if slug not in BY_SLUG:
        raise template.TemplateSyntaxError(f"No glossary term {slug!r}: add it to portal/glossary.py")
    return f"{reverse('portal:glossary')}#{slug}"


@register.simple_tag
def term(slug: str, text: str = "") -> str:
    """A link to the term's glossary entry, its text the term as the sentence says it."""
    href = glossary_href(slug)
    return format_html('<a class="govuk-link" href="{}">{}</a>', href, text or BY_SLUG[slug].name.lower())


@register.simple_tag(takes_context=True)
def definition(context: template.Context, entry: Term) -> str:
    """A term's definition, rendered with the page's context (its numbers come from the rules)."""
    return template.Template("{% load humanize %}" + entry.definition).render(context)


@register.filter(is_safe=True)
def glossary_links(html: SafeString) -> SafeString:
    """The first use of each term of art in a page's content linked to its glossary entry."""
    return mark_safe(link_terms(str(html), reverse("portal:glossary")))  # noqa: S308 - HTML already escaped
