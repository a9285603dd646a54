"""The limit the portal is compared with: a bare Django project, in one module, served by gunicorn beside
the portal. Each view makes one query and answers an HTML page of the size asked for:

- /static/<bytes>/: a ready-made string (what a page served from a cache costs at best);
- /template/<bytes>/: a Django template looping over rows (what a rendered page costs at best).

No middleware, no sessions, no apps: only Django's request handling, the query and the page.

    DATABASE_URL=… gunicorn bench.bare:application
"""

from __future__ import annotations

import os

import dj_database_url
import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

ROW = "<li><h3>Organisation {n}</h3><p>Size: Small · VCSE: Yes · Regions: North East, London</p></li>\n"

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",  # noqa: S106 - signs nothing: no sessions, no forms
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)},
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
    USE_TZ=True,
)
django.setup()

TEMPLATE = engines["django"].from_string(
    "<!DOCTYPE html><html lang=en><head><title>{{ title }}</title></head><body><ul>\n"
    "{% for row in rows %}<li><h3>{{ row.name }}</h3><p>Size: {{ row.size }}"
    " · VCSE: {{ row.vcse|yesno:'Yes,No' }} · Regions: {{ row.regions|join:', ' }}</p></li>\n"
    "{% endfor %}</ul></body></html>"
)
_static_pages: dict[int, bytes] = {}


def _one_query() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM portal_region ORDER BY sort_order LIMIT 1")
        return cursor.fetchone()[0]


def static_page(request: HttpRequest, size: int) -> HttpResponse:
    title = _one_query()
    if size not in _static_pages:
        body = "".join(ROW.format(n=n) for n in range(size // len(ROW) + 1))
        _static_pages[size] = f"<!DOCTYPE html><html><title>{title}</title><ul>{body}</ul></html>".encode()[
            :size
        ]
    return HttpResponse(_static_pages[size], content_type="text/html; charset=utf-8")


def template_page(request: HttpRequest, size: int) -> HttpResponse:
    title = _one_query()
    rows = [
        {
            "name": f"Organisation {n}",
            "size": "Small",
            "vcse": n % 2 == 0,
            "regions": ["North East", "London"],
        }
        for n in range(max(1, size // len(ROW.encode())))
    ]
    return HttpResponse(
        TEMPLATE.render({"title": title, "rows": rows}), content_type="text/html; charset=utf-8"
    )


urlpatterns = [
    path("static/<int:size>/", static_page),
    path("template/<int:size>/", template_page),
]

application = get_wsgi_application()
