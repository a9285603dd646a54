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
