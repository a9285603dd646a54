"""The embedded default, crawled, in a process of its own whose environment is `make run`'s: run by
tests/test_embedded_default.py as `python -m tests.embedded_default DATABASE_FILE FILES_FOLDER REPORT_FILE`.

It migrates the SQLite file, loads the demo with the real `load_demo_data` command, signs in as each demo
person through the sign-in pages (staff with a code from the demo's authenticator secret), and as each of
them opens every GET route the access matrix knows, once for every demo record its URL can name. It
writes one JSON object to REPORT_FILE: how many pages each person opened, every answer of 500 or more,
and any route whose records it does not know how to find.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from itertools import islice

# Each person of the demo (fixtures/demo.json, grants/demo.py), by the role the crawl names them for.
DEMO_PEOPLE = {
    "visitor": None,
    "supplier admin": "priya@northern-lights.example",
    "supplier member": "dan@northern-lights.example",
    "commissioner": "commissioner@justice.example",
    "MoJ admin": "admin@justice.example",
    "grants-only organisation": "alex@fresh-start.example",
}
# At most this many records of one kind per route: the demo is small, and each route's code is the same
# for every record of a kind.
RECORDS_PER_ROUTE = 3


# `make run`'s environment (Makefile, RUN_ENV), with the database in the file given.
RUN_ENVIRONMENT = {"DEBUG": "true", "VIRUS_SCAN": "false", "SITE_URL": "http://127.0.0.1:8000"}
NOT_SET_BY_MAKE_RUN = ("REDIS_URL", "OBJECT_STORE_BUCKET", "CELERY_TASK_ALWAYS_EAGER", "CACHE_BACKEND")


def main(database_file: str, files_folder: str, report_file: str) -> None:
    for variable in NOT_SET_BY_MAKE_RUN:
        os.environ.pop(variable, None)
    os.environ.update(RUN_ENVIRONMENT)
    os.environ["DATABASE_URL"] = f"sqlite:///{database_file}"
    os.environ["PRIVATE_FILES_ROOT"] = files_folder
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115 - its notes are not wanted
    with open(report_file, "w") as report:  # not stdout: the console e-mail backend prints there
        json.dump(crawl(), report)


def crawl() -> dict:
    from django.test import Client

    report: dict = {"pages": {}, "errors": [], "unresolved": []}
    routes = list(get_routes(report["errors"]))
    for role, email in DEMO_PEOPLE.items():
        client = Client(raise_request_exception=False, SERVER_NAME="127.0.0.1")
        if email:
            sign_in(client, email)
        opened = 0
        for name, urls in routes:
            if urls is None:
                report["unresolved"].append(name)
                continue
            for url in urls:
                opened += 1
                try:
                    response = client.get(url)
                except Exception:
                    report["errors"].append(f"{role}: GET {url} raised {traceback.format_exc(limit=-3)}")
                    continue
                if response.status_code >= 500:
                    report["errors"].append(f"{role}: GET {url} answered {response.status_code} ({name})")
        report["pages"][role] = opened
    report["unresolved"] = sorted(set(report["unresolved"]))
    return report


def sign_in(client, email: str) -> None:
    """Through the sign-in page, and the authenticator page for staff, as a person trying the demo does."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
    from django.urls import reverse

    from portal.management.commands.load_demo_data import DEMO_PASSWORD, DEMO_TOTP_SECRET

    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise AssertionError(f"{email} could not sign in: {response.status_code}")
    if response["Location"] == reverse("mfa_authenticate"):
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, next(yield_hotp_counters_from_time())))
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        if response.status_code != 302:
            raise AssertionError(f"{email}'s authenticator code was refused")
    if "_auth_user_id" not in client.session:
        raise AssertionError(f"{email} is not signed in after the sign-in pages")


def get_routes(errors: list[str]) -> Iterable[tuple[str, list[str] | None]]:
    """(URL name, its URLs with the demo's records) for every GET route of the access matrix and every
    admin page without arguments; None for a route whose arguments nobody has said how to find. A route
    whose records cannot be found is left out, with the reason in `errors`."""
    from django.urls import reverse

    from tests.test_access_matrix import DECLARED, EXPECTED, admin_urls_without_arguments

    names = sorted(name for name, (method, _) in EXPECTED.items() if method == "GET" and name in DECLARED)
    for name in [*names, *admin_urls_without_arguments()]:
        wanted = tuple(sorted(DECLARED[name].pattern.regex.groupindex))
        try:
            records = demo_records(name, wanted)
        except Exception:
            errors.append(f"finding the demo's records for {name} raised {traceback.format_exc(limit=-3)}")
            continue
        if records is None:
            yield name, None
            continue
        yield name, [reverse(name, kwargs=kwargs) for kwargs in islice(records, RECORDS_PER_ROUTE)]


def demo_records(name: str, wanted: tuple[str, ...]) -> Iterable[dict] | None:
    """The URL arguments `wanted` by route `name`, one dict per demo record; None when unknown."""
    if not wanted:
        return [{}]
    app = name.split(":")[0] if ":" in name else ""
    finder = FINDERS.get((app, wanted)) or FINDERS.get(("", wanted))
    return finder() if finder else None


def _each(model_path: str, **fields: str) -> Callable[[], list[dict]]:
    """Every row of a model, as URL arguments: {argument: the row's field}."""

    def find() -> list[dict]:
        from django.apps import apps

        model = apps.get_model(model_path)
        rows = model.objects.order_by("pk").values(*fields.values())
        return [{argument: row[field] for argument, field in fields.items()} for row in rows]

    return find


def _tender_with(model_path: str, argument: str, tender_field: str) -> Callable[[], list[dict]]:
    """Each tender with each row of a model of its competition (its criteria, its checklist)."""

    def find() -> list[dict]:
        from django.apps import apps

        from calloffs.models import Tender

        model = apps.get_model(model_path)
        return [
            {"tender_pk": tender.pk, argument: row.pk}
            for tender in Tender.objects.order_by("pk")
            for row in model.objects.filter(**{tender_field: tender.competition_id}).order_by("pk")[:2]
        ]

    return find


def _statistics_slugs() -> list[dict]:
    from portal import statistics

    period = statistics.default_period()
    return [{"slug": f.slug} for section in statistics.sections(period) for f in section.figures]


def _unsubscribe_tokens() -> list[dict]:
    from portal.alerts import unsubscribe_token
    from portal.models import User

    return [{"unsubscribe_token": unsubscribe_token(pk)} for pk in User.objects.values_list("pk", flat=True)]


def _questionnaire_sections() -> list[dict]:
    from suppliers.models import Application
    from suppliers.sections import SECTIONS

    return [
        {"application_pk": pk, "section": section.slug}
        for pk in Application.objects.order_by("pk").values_list("pk", flat=True)[:1]
        for section in SECTIONS
    ]


def _category_fields() -> list[dict]:
    """Demo category choices with each of their long-text fields (the earlier-answers page of each)."""
    from portal.answer_library import long_text_fields
    from suppliers.models import CategoryChoice
    from suppliers.sections import CATEGORY_CHOICE

    return [
        {"application_pk": choice.application_id, "choice_pk": choice.pk, "key": field.key}
        for choice in CategoryChoice.objects.order_by("pk")[:2]
        for field in long_text_fields(CATEGORY_CHOICE)
    ]


def _round_questions() -> list[dict]:
    from grants.models import GrantRound

    return [
        {"round_pk": grant_round.pk, "key": question["key"]}
        for grant_round in GrantRound.objects.order_by("pk")
        for question in grant_round.questions
    ]


def _application_questions() -> list[dict]:
    """Each demo application with each question of its round (the earlier-answers page of that question)."""
    from grants.models import GrantApplication

    return [
        {"application_pk": application.pk, "key": question["key"]}
        for application in GrantApplication.objects.select_related("grant_round").order_by("pk")
        for question in application.grant_round.questions
    ]


FINDERS: dict[tuple[str, tuple[str, ...]], Callable[[], list[dict]]] = {
    # allauth's links carry secrets the demo never e-mailed: a made-up one must be refused, not fail.
    ("", ("key",)): lambda: [{"key": "not-a-real-key"}],
    ("", ("key", "uidb36")): lambda: [{"uidb36": "1", "key": "not-a-real-key"}],
    ("portal", ("token",)): lambda: [{"token": "not-a-real-token"}],
    ("portal", ("organisation_pk",)): _each("portal.Organisation", organisation_pk="pk"),
    ("portal", ("membership_pk", "organisation_pk")): _each(
        "portal.Membership", organisation_pk="organisation_id", membership_pk="pk"
    ),
    ("portal", ("message_pk",)): _each("portal.Message", message_pk="pk"),
    ("suppliers", ("version",)): _each("suppliers.FrameworkAgreement", version="version"),
    ("suppliers", ("application_pk",)): _each("suppliers.Application", application_pk="pk"),
    ("suppliers", ("application_pk", "choice_pk")): _each(
        "suppliers.CategoryChoice", application_pk="application_id", choice_pk="pk"
    ),
    ("suppliers", ("application_pk", "section")): _questionnaire_sections,
    ("suppliers", ("application_pk", "choice_pk", "key")): _category_fields,
    ("suppliers", ("document_pk",)): _each("suppliers.SupportingDocument", document_pk="pk"),
    ("calloffs", ("unsubscribe_token",)): _unsubscribe_tokens,
    ("calloffs", ("slug",)): _statistics_slugs,
    ("calloffs", ("competition_pk",)): _each("calloffs.Competition", competition_pk="pk"),
    ("calloffs", ("competition_pk", "lot_pk")): _each(
        "calloffs.Lot", competition_pk="competition_id", lot_pk="pk"
    ),
    ("calloffs", ("competition_pk", "tender_pk")): _each(
        "calloffs.Tender", competition_pk="competition_id", tender_pk="pk"
    ),
    ("calloffs", ("competition_pk", "file_pk", "tender_pk")): _each(
        "calloffs.TenderFile", competition_pk="tender__competition_id", tender_pk="tender_id", file_pk="pk"
    ),
    ("calloffs", ("notice_pk",)): _each("calloffs.MarketWarmingNotice", notice_pk="pk"),
    ("calloffs", ("question_pk",)): _each("calloffs.ClarificationQuestion", question_pk="pk"),
    ("calloffs", ("document_pk",)): _each("calloffs.OpportunityDocument", document_pk="pk"),
    ("calloffs", ("contract_pk",)): _each("calloffs.Contract", contract_pk="pk"),
    ("calloffs", ("change_pk", "contract_pk")): _each(
        "calloffs.SubcontractorChange", contract_pk="contract_id", change_pk="pk"
    ),
    ("calloffs", ("contract_pk", "report_pk")): _each(
        "calloffs.SupplyChainReport", contract_pk="contract_id", report_pk="pk"
    ),
    ("calloffs", ("tender_pk",)): _each("calloffs.Tender", tender_pk="pk"),
    ("calloffs", ("letter_pk", "tender_pk")): _each(
        "calloffs.OutcomeLetter", tender_pk="tender_id", letter_pk="pk"
    ),
    ("calloffs", ("tender_pk", "version")): _each(
        "calloffs.TenderVersion", tender_pk="tender_id", version="number"
    ),
    ("calloffs", ("criterion_pk", "tender_pk")): _tender_with(
        "calloffs.EvaluationCriterion", "criterion_pk", "competition_id"
    ),
    ("calloffs", ("item_pk", "tender_pk")): _tender_with(
        "calloffs.ChecklistItem", "item_pk", "competition_id"
    ),
    ("calloffs", ("file_pk", "tender_pk")): _each("calloffs.TenderFile", tender_pk="tender_id", file_pk="pk"),
    ("grants", ("round_pk",)): _each("grants.GrantRound", round_pk="pk"),
    ("grants", ("key", "round_pk")): _round_questions,
    ("grants", ("application_pk",)): _each("grants.GrantApplication", application_pk="pk"),
    ("grants", ("application_pk", "round_pk")): _each(
        "grants.GrantApplication", round_pk="grant_round_id", application_pk="pk"
    ),
    ("grants", ("application_pk", "key")): _application_questions,
    ("grants", ("registration_pk",)): _each("grants.Registration", registration_pk="pk"),
}


if __name__ == "__main__":
    main(*sys.argv[1:])
