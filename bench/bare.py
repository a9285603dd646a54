"""The limit the portal is compared with: a bare Django project, in one module, served by gunicorn beside
the portal on the same database. Each view makes one query and answers an HTML page of the size asked for:

- /static/<bytes>/: a ready-made string (what a page served from a cache costs at best);
- /template/<bytes>/: a Django template looping over rows (what a rendered page costs at best), for a
  signed-in person: the project keeps what `django-admin startproject` gives, Django's standard
  middleware (security, sessions in the database, common, CSRF, authentication, messages, clickjacking),
  its context processors and its user model, so that the portal's signed-in pages are compared with the
  same work Django itself does for every signed-in request, and the ratio measures our own cost.

Nothing of the portal is imported. The signed-in person is Django's own `auth.User` in its own table
(`auth_user`, which the portal's database lacks: the portal has its own user model), made by
`python -m bench.bare sign-in`, which prints the session cookie's value.

    DATABASE_URL=… gunicorn bench.bare:application
    DATABASE_URL=… python -m bench.bare sign-in
"""

from __future__ import annotations

import os
import sys

import dj_database_url
import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

ROW = "<li><h3>Organisation {n}</h3><p>Size: Small · VCSE: Yes · Regions: North East, London</p></li>\n"
USERNAME = "bench-bare"

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only"),
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[  # `django-admin startproject`'s, in its order
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
    ],
    DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)},
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ]
            },
        }
    ],
    USE_TZ=True,
)
django.setup()

# A page as a signed-in person sees it: their name and a sign-out form (with its CSRF token) in the
# header, messages if any, then the rows.
TEMPLATE = engines["django"].from_string(
    "<!DOCTYPE html><html lang=en><head><title>{{ title }}</title></head><body>"
    "<header><p>{{ user.get_username }}</p><form method=post action=/sign-out/>{% csrf_token %}"
    "<button>Sign out</button></form></header>"
    "{% for message in messages %}<p>{{ message }}</p>{% endfor %}<ul>\n"
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
    if not request.user.is_authenticated:
        return HttpResponse("Sign in first: python -m bench.bare sign-in", status=403)
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
        TEMPLATE.render({"title": title, "rows": rows}, request), content_type="text/html; charset=utf-8"
    )


def signed_in_session() -> str:
    """Django's user table (made if missing) with one person, signed in: their session key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    if User._meta.db_table not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(User)  # and its two many-to-many tables
    user = User.objects.filter(username=USERNAME).first() or User.objects.create_user(USERNAME)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


urlpatterns = [
    path("static/<int:size>/", static_page),
    path("template/<int:size>/", template_page),
]

application = get_wsgi_application()

if __name__ == "__main__" and sys.argv[1:] == ["sign-in"]:
    print(signed_in_session())
