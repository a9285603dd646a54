"""Tags for the page frame (templates/base.html)."""

from django import template
from django.forms import BaseForm, BaseFormSet

register = template.Library()

# A refusal shown with components/problem.html is passed as `error`; a page whose errors are not a form's
# passes them as `problems`. Any bound form or formset with errors counts too, whatever its name.
ERROR_NAMES = ("error", "problems")


@register.simple_tag(takes_context=True)
def page_has_errors(context: template.Context) -> bool:
    """Whether the page shows an error, so that its title starts with "Error: " (GOV.UK), once."""
    for name, value in context.flatten().items():
        if name in ERROR_NAMES and value:
            return True
        if isinstance(value, BaseForm | BaseFormSet) and value.is_bound and not value.is_valid():
            return True
    return False
