"""PDFs: one pure function renders a template to bytes with WeasyPrint.

Templates are Django templates, so user text is escaped. WeasyPrint fetches nothing but the portal's
own static files: any other address (remote, `file:`, `data:` of user origin) is refused.
"""

from __future__ import annotations

import mimetypes
from typing import Any, cast

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_BASE = "https://portal.invalid/assets/"


class StaticFilesOnlyFetcher(URLFetcher):
    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if not url.startswith(STATIC_BASE) or ".." in url:
            raise ValueError(f"PDFs may only use the portal's static files, not {url}")
        path = finders.find(url.removeprefix(STATIC_BASE).split("?", 1)[0])
        if not path:
            raise ValueError(f"No static file at {url}")
        with open(path, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def pdf_document(template: str, context: dict[str, Any]) -> Document:
    """The laid-out document (its `pages`, `write_pdf()`): what `pdf_render` makes its bytes from."""
    html = render_to_string(template, {**context, "static_base": STATIC_BASE})
    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticFilesOnlyFetcher()).render()


def pdf_render(template: str, context: dict[str, Any]) -> bytes:
    return pdf_document(template, context).write_pdf()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF offered as a download (never shown inline), under a safely quoted file name."""
    response = HttpResponse(content, content_type="application/pdf")
    header = content_disposition_header(as_attachment=True, filename=filename)
    response["Content-Disposition"] = cast(str, header)  # never None for an attachment
    return response
