"""Paginated, filtered lists (the provider list, the opportunity finder)."""

from django.http import HttpRequest


def query_without_page(request: HttpRequest) -> str:
    """The list's filters as a query string, without the page number: for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
