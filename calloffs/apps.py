from django.apps import AppConfig


class CalloffsConfig(AppConfig):
    name = "calloffs"
    verbose_name = "Call-off competitions"
