"""System checks run when the portal starts (`manage.py check`, and before gunicorn serves a request).

- The virus scan's timeout is well below the web server's (issue 18 §4): a hung scanner must refuse the
  upload with a GOV.UK message ("could not be checked for viruses just now") while the request is still
  alive. gunicorn replaces a worker whose request runs past GUNICORN_TIMEOUT, and the person then gets a
  bare "Internal Server Error" and loses what they typed. The scan may take at most half of that time: the
  other half is for reading the body, judging the file and storing it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

SCANNER_TIMEOUT_TOO_LONG = "portal.E001"


def longest_scanner_timeout(web_timeout: int) -> float:
    """The longest scan timeout a request limited to `web_timeout` seconds can afford."""
    return web_timeout / 2


@register()
def scanner_timeout_below_web_timeout(app_configs=None, **kwargs) -> list[Error]:
    scanner, web = settings.CLAMD_TIMEOUT_SECONDS, settings.GUNICORN_TIMEOUT
    if 0 < scanner <= longest_scanner_timeout(web):
        return []
    return [
        Error(
            f"CLAMD_TIMEOUT_SECONDS ({scanner}) must be more than 0 and at most half of GUNICORN_TIMEOUT "
            f"({web}), so that a hung virus scanner refuses the upload with a message before the web "
            "server stops the request.",
            hint=f"Set CLAMD_TIMEOUT_SECONDS to {longest_scanner_timeout(web):g} or less, or raise "
            "GUNICORN_TIMEOUT.",
            id=SCANNER_TIMEOUT_TOO_LONG,
        )
    ]


TIMEOUT_WARNING_OUT_OF_RANGE = "portal.E002"
WCAG_LEAST_SECONDS_TO_RESPOND = 20  # WCAG 2.2.1, Timing Adjustable


@register()
def timeout_warning_gives_time_to_respond(app_configs=None, **kwargs) -> list[Error]:
    """The time-out warning opens SESSION_TIMEOUT_WARNING_SECONDS before the idle sign-out: at least 20
    seconds to answer it (WCAG 2.2.1), and within the idle time, so that it is not open from the start."""
    warning, idle = settings.SESSION_TIMEOUT_WARNING_SECONDS, settings.SESSION_COOKIE_AGE
    if WCAG_LEAST_SECONDS_TO_RESPOND <= warning < idle:
        return []
    return [
        Error(
            f"SESSION_TIMEOUT_WARNING_SECONDS ({warning}) must be at least {WCAG_LEAST_SECONDS_TO_RESPOND} "
            f"(WCAG 2.2.1) and less than SESSION_IDLE_SECONDS ({idle}).",
            id=TIMEOUT_WARNING_OUT_OF_RANGE,
        )
    ]
