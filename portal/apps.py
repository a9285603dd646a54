from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Caches that every process of the portal (each gunicorn worker, each server) sees the same way.
SHARED_CACHE_BACKENDS = {
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.db.DatabaseCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}


def require_shared_cache() -> None:
    """Lock-outs, rate limits and used one-time codes live in the cache: a cache per process would let
    each worker count failures on its own and accept the same code again."""
    if not getattr(settings, "REQUIRE_SHARED_CACHE", False):
        return
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in SHARED_CACHE_BACKENDS:
        raise ImproperlyConfigured(
            "Production needs a cache that every process shares: set REDIS_URL, or set "
            "CACHE_BACKEND=database and run `manage.py createcachetable`."
        )


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal core"

    def ready(self) -> None:
        require_shared_cache()
        from django.contrib.auth.signals import user_logged_in

        import portal.checks  # noqa: F401 - registers the portal's system checks
        from portal.middleware import SessionRefreshMiddleware

        user_logged_in.connect(SessionRefreshMiddleware.stamp_at_sign_in, dispatch_uid="session-refresh")
        from portal.kept_forms import note_at_sign_in

        user_logged_in.connect(note_at_sign_in, dispatch_uid="kept-forms")
