from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal.middleware import SessionRefreshMiddleware

        user_logged_in.connect(SessionRefreshMiddleware.stamp_at_sign_in, dispatch_uid="session-refresh")
