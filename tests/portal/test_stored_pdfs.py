"""Stored PDFs (portal.stored_pdfs): every PDF a person can download is rendered once by a task and
stored; a view only serves the file, or says it is being prepared. The recheck queues what is missing.

These run with in-process Celery (any database). The real broker, worker and PostgreSQL's claim are in
tests/portal/test_stored_pdf_worker.py.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from calloffs import pdfs as calloff_pdfs
from calloffs import tender_receipts
from calloffs.models import TenderVersion
from calloffs.services import awards
from calloffs.services import tenders as tender_services
from grants import pdfs as grants_pdfs
from grants.services import assessment as grants_assessment
from portal import pdf as portal_pdf
from portal import stored_pdfs
from portal.models import StoredPdfJob
from suppliers import pdfs as sq_pdfs
from suppliers import services as sq_services
from suppliers.models import FrameworkAgreement
from tests.calloffs import tender_helpers
from tests.calloffs.award_factories import decidable_lot
from tests.factories import AdminFactory
from tests.grants import factories as grants_factories
from tests.suppliers import factories as sq_factories
from tests.suppliers.factories import FrameworkAgreementFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "suppliers", "calloffs", "grants")
RENDERER = {"pdf_render", "pdf_document", "HTML"}


def no_rendering(*args, **kwargs):
    raise AssertionError("a PDF was rendered inside a web request")


@pytest.fixture
def renderer_refuses(monkeypatch):
    """Any rendering at all (portal.pdf's functions, WeasyPrint itself) fails the test."""
    monkeypatch.setattr(portal_pdf, "pdf_document", no_rendering)
    monkeypatch.setattr(portal_pdf, "HTML", no_rendering)
    monkeypatch.setattr(stored_pdfs, "pdf_render", no_rendering)


@pytest.fixture
def queued(monkeypatch) -> list[tuple[str, int]]:
    """The broker as a list: what is queued is recorded, not run."""
    recorded: list[tuple[str, int]] = []
    monkeypatch.setattr(stored_pdfs.stored_pdf_make, "delay", lambda *task: recorded.append(task))
    return recorded


# No view renders -------------------------------------------------------------------------------------


def view_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if any(part.startswith("views") for part in path.relative_to(ROOT).parts)
    )


def test_no_view_module_imports_the_renderer():
    modules = view_modules()
    assert len(modules) >= 8  # the apps' views modules and packages were found
    offenders = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module in {"portal.pdf", "weasyprint"}
                and (node.module == "weasyprint" or {alias.name for alias in node.names} & RENDERER)
            ):
                offenders.append(f"{path.relative_to(ROOT)}: from {node.module} import …")
            if isinstance(node, ast.Import) and any(
                alias.name in {"portal.pdf", "weasyprint"} or alias.name.startswith("weasyprint.")
                for alias in node.names
            ):
                offenders.append(f"{path.relative_to(ROOT)}: import …")
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "portal"
                and "pdf" in {alias.name for alias in node.names}
            ):
                offenders.append(f"{path.relative_to(ROOT)}: from portal import pdf")
    assert offenders == []


@dataclass
class Download:
    kind: str
    address: str
    owner: object  # None: public
    filename: str


@pytest.fixture
def every_download(organisation_a, organisation_b, alice, carol, ada, queued) -> list[Download]:
    """One of each kind of stored PDF, each asked for by the services that make it (and only queued)."""
    application = sq_factories.submitted_application(organisation_a, alice)
    sq_factories.decide(application, AdminFactory())
    decidable = decidable_lot(carol, organisation_a, organisation_b)
    award = awards.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    letter = award.letters.get(tender=decidable.best)
    # The lot's tenders come from a factory whose versions hold no full snapshot: no receipt to make.
    TenderVersion.objects.update(receipt_pdf="tender-files/not-made-here.pdf")
    competition = tender_helpers.biddable_competition(carol)
    tender = tender_helpers.complete(
        tender_services.tender_start(lot=competition.lots.get(), user=alice), alice
    )
    receipt = tender_services.tender_submit(tender=tender, user=alice)
    grants_factories.registered(alice, ada)
    grant_round = grants_factories.open_round(carol, title="Assessed round")
    grant_application = grants_factories.submitted_application(alice, grant_round)
    grants_factories.closed_now(grant_round)
    grant_application.refresh_from_db()
    grants_factories.moderated(carol, grant_application)
    grants_assessment.decide(user=carol, application=grant_application, award=False, feedback="Not enough.")
    return [
        Download(
            sq_pdfs.APPLICATION,
            reverse("suppliers:application_pdf", args=[application.pk]),
            alice,
            "selection-questionnaire-1.pdf",
        ),
        Download(
            sq_pdfs.OUTCOME_LETTER,
            reverse("suppliers:outcome_letter_pdf", args=[application.pk]),
            alice,
            "outcome-letter-1.pdf",
        ),
        Download(
            sq_pdfs.AGREEMENT,
            reverse("suppliers:agreement_pdf", args=["1.0"]),
            None,
            "framework-agreement-1.0.pdf",
        ),
        Download(
            tender_receipts.RECEIPT,
            reverse("calloffs:tender_receipt_pdf", args=[tender.pk, receipt.number]),
            alice,
            f"tender-receipt-{receipt.receipt_number}.pdf",
        ),
        Download(
            calloff_pdfs.OUTCOME_LETTER,
            reverse("calloffs:outcome_letter_pdf", args=[decidable.best.pk, letter.pk]),
            alice,
            f"outcome-letter-lot-1-{letter.pk}.pdf",
        ),
        Download(
            grants_pdfs.APPLICATION,
            reverse("grants:application_pdf", args=[grant_application.pk]),
            alice,
            f"grant-application-{grant_application.pk}.pdf",
        ),
        Download(
            grants_pdfs.OUTCOME_LETTER,
            reverse("grants:outcome_letter_pdf", args=[grant_application.pk]),
            alice,
            f"grant-outcome-GR-{grant_application.pk}.pdf",
        ),
    ]


def get(download: Download):
    client = Client()
    if download.owner is not None:
        client.force_login(download.owner)
    return client.get(download.address)


def test_every_pdf_a_person_can_download_is_a_stored_pdf_served_without_rendering(
    every_download, renderer_refuses, monkeypatch
):
    assert {download.kind for download in every_download} == set(stored_pdfs.kinds())

    for download in every_download:  # nothing made yet: a page that says so, and asks again
        response = get(download)
        page = response.content.decode()
        assert response.status_code == 200, download.address
        assert response["Content-Type"].startswith("text/html")
        assert "no-store" in response["Cache-Control"]
        assert "is being prepared" in page
        assert f'data-pdf-preparing="{download.address}"' in page  # asked again by portal/pdf-preparing.mjs
        assert f'href="{download.address}">try the download again</a>' in page

    monkeypatch.undo()  # the recheck renders them, in-process, as a worker would
    stored_pdfs.missing_queue()
    monkeypatch.setattr(portal_pdf, "pdf_document", no_rendering)
    monkeypatch.setattr(portal_pdf, "HTML", no_rendering)
    monkeypatch.setattr(stored_pdfs, "pdf_render", no_rendering)

    for download in every_download:
        response = get(download)
        assert response.status_code == 200, download.address
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{download.filename}"'
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_deciding_and_publishing_queue_their_pdfs_once_the_change_commits(
    organisation_a, alice, ada, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = sq_factories.submitted_application(organisation_a, alice)
    with django_capture_on_commit_callbacks(execute=True):
        sq_factories.decide(application, AdminFactory())
    with django_capture_on_commit_callbacks(execute=True):
        agreement = sq_services.agreement_publish(admin=ada, version="2.0", title="Agreement", body="Terms.")

    assert queued == [
        (sq_pdfs.APPLICATION, application.pk),
        (sq_pdfs.OUTCOME_LETTER, application.pk),
        (sq_pdfs.AGREEMENT, agreement.pk),
    ]


# Rendering once -------------------------------------------------------------------------------------------


def test_a_pdf_is_rendered_once_and_a_second_run_renders_nothing(monkeypatch):
    agreement = FrameworkAgreementFactory(version="2.0", body="First part.\n\n- one\n- two")
    assert stored_pdfs.pdf_make(kind=sq_pdfs.AGREEMENT, object_id=agreement.pk) is True
    agreement.refresh_from_db()
    assert agreement.pdf.name.startswith("agreement-pdf/") and agreement.pdf.read(5) == b"%PDF-"

    monkeypatch.setattr(stored_pdfs, "pdf_render", no_rendering)
    assert stored_pdfs.pdf_make(kind=sq_pdfs.AGREEMENT, object_id=agreement.pk) is False
    assert StoredPdfJob.objects.get(kind=sq_pdfs.AGREEMENT, object_id=agreement.pk).attempts == 1


def test_a_row_that_should_not_have_a_pdf_gets_none(organisation_a, alice):
    draft = sq_services.application_start(organisation=organisation_a, user=alice)
    assert stored_pdfs.pdf_make(kind=sq_pdfs.APPLICATION, object_id=draft.pk) is False
    assert stored_pdfs.pdf_make(kind=sq_pdfs.OUTCOME_LETTER, object_id=draft.pk) is False
    draft.refresh_from_db()
    assert not draft.pdf and not draft.outcome_letter


def test_an_unknown_kind_fails_in_the_service_not_later_in_a_worker():
    with pytest.raises(LookupError):
        stored_pdfs.queue_on_commit("suppliers.nothing", 1)


def test_a_pdf_that_keeps_failing_is_given_up_after_the_last_attempt(monkeypatch, caplog, queued):
    agreement = FrameworkAgreementFactory(version="2.0")

    def broken(*args, **kwargs):
        raise ValueError("a template error")

    monkeypatch.setattr(stored_pdfs, "pdf_render", broken)
    for _ in range(stored_pdfs.PDF_MAX_ATTEMPTS):
        with pytest.raises(ValueError):
            stored_pdfs.pdf_make(kind=sq_pdfs.AGREEMENT, object_id=agreement.pk)
    assert stored_pdfs.pdf_make(kind=sq_pdfs.AGREEMENT, object_id=agreement.pk) is False
    assert "gave up on the suppliers.agreement PDF" in caplog.text

    FrameworkAgreement.objects.exclude(pk=agreement.pk).update(pdf="agreement-pdf/made.pdf")
    assert stored_pdfs.missing_queue() == 0  # the recheck leaves it alone too
    assert queued == []


# Queueing robustly ----------------------------------------------------------------------------------------


def test_with_the_broker_down_the_change_stands_and_the_recheck_makes_the_pdf(
    ada, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(stored_pdfs.stored_pdf_make, "delay", broker_down)
    monkeypatch.setattr(stored_pdfs, "_in_process", lambda: False)
    with django_capture_on_commit_callbacks(execute=True):
        agreement = sq_services.agreement_publish(admin=ada, version="2.0", title="Agreement", body="Terms.")

    assert FrameworkAgreement.objects.get(version="2.0").is_current
    assert "the recheck will queue them" in caplog.text
    assert StoredPdfJob.objects.get(kind=sq_pdfs.AGREEMENT, object_id=agreement.pk).queued_at is None

    monkeypatch.undo()  # the broker is back: the recheck queues it (and the worker, in-process, makes it)
    stored_pdfs.missing_queue()
    agreement.refresh_from_db()
    assert agreement.pdf.read(5) == b"%PDF-"


def test_the_recheck_queues_the_missing_in_a_fixed_number_of_queries_and_nothing_twice(queued):
    FrameworkAgreement.objects.update(pdf="agreement-pdf/made.pdf")  # version 1.0: made already

    def recheck_queries(count: int) -> tuple[int, list[int]]:
        FrameworkAgreement.objects.filter(pdf="").delete()
        queued.clear()
        created = [FrameworkAgreementFactory(is_current=False).pk for _ in range(count)]
        with CaptureQueriesContext(connection) as queries:
            assert stored_pdfs.missing_queue() == count
        assert sorted(object_id for _, object_id in queued) == sorted(created)
        return len(queries), created

    three, _ = recheck_queries(3)
    thirty, _ = recheck_queries(30)
    assert three == thirty
    assert {kind for kind, _ in queued} == {sq_pdfs.AGREEMENT}

    queued.clear()
    assert stored_pdfs.missing_queue() == 0  # each waits in the broker: not queued again
    assert queued == []


def test_the_recheck_queues_again_what_a_dead_worker_left_and_what_the_broker_lost(queued):
    FrameworkAgreement.objects.update(pdf="agreement-pdf/made.pdf")
    now = timezone.now()
    waiting, died, lost, never = (FrameworkAgreementFactory(is_current=False).pk for _ in range(4))
    kind = sq_pdfs.AGREEMENT
    StoredPdfJob.objects.create(kind=kind, object_id=waiting, queued_at=now - timedelta(minutes=5))
    StoredPdfJob.objects.create(
        kind=kind, object_id=died, queued_at=now - timedelta(minutes=2), started_at=now - timedelta(minutes=1)
    )
    StoredPdfJob.objects.create(
        kind=kind, object_id=lost, queued_at=now - stored_pdfs.PDF_QUEUED_WAIT - timedelta(seconds=1)
    )

    assert stored_pdfs.missing_queue(now=now) == 3
    assert sorted(queued) == sorted([(kind, died), (kind, lost), (kind, never)])


def test_the_recheck_runs_every_minute_and_the_task_is_acknowledged_late():
    schedule = settings.CELERY_BEAT_SCHEDULE["stored-pdfs-recheck"]
    assert schedule["task"] == stored_pdfs.stored_pdfs_recheck.name
    assert schedule["schedule"] <= 60
    assert stored_pdfs.stored_pdf_make.acks_late and stored_pdfs.stored_pdf_make.reject_on_worker_lost


def test_a_view_that_rendered_a_pdf_would_fail_whichever_test_requested_it(client, monkeypatch):
    """The suite-wide guard (tests/conftest.py, `no_pdf_rendered_in_a_request`) at work: were a view to
    render, as the agreement's did before, any test that requests it fails."""

    def rendering_view(request, instance, **kwargs):
        return HttpResponse(portal_pdf.pdf_render("pdf/agreement.html", sq_pdfs.agreement_context(instance)))

    monkeypatch.setattr(stored_pdfs, "served", rendering_view)
    with pytest.raises(AssertionError, match="a PDF was rendered in a request"):
        client.get(reverse("suppliers:agreement_pdf", args=["1.0"]))

    agreement = FrameworkAgreement.objects.get(version="1.0")  # outside a request, as a task: rendered
    assert portal_pdf.pdf_render("pdf/agreement.html", sq_pdfs.agreement_context(agreement)).startswith(
        b"%PDF"
    )
