"""The PDFs of qualification: a submitted version, and the outcome letter.

WeasyPrint compresses the text, so the content is checked in the HTML the PDF is made from (the same
template and context), and in the PDF's text as well when poppler's `pdftotext` is installed.
"""

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal import pdf as portal_pdf
from portal import stored_pdfs
from portal.emails import plain_text
from portal.models import Message
from portal.pdf import STATIC_BASE
from suppliers import pdfs, services
from tests.glossary_check import without_glossary_links
from tests.suppliers.factories import (
    decide,
    decided_application,
    exclusion_answers,
    submitted_application,
)

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(pdf: bytes) -> str | None:
    """The PDF's text, or None without pdftotext."""
    if PDFTOTEXT is None:
        return None
    result = subprocess.run([PDFTOTEXT, "-", "-"], input=pdf, capture_output=True, check=True)  # noqa: S603
    return " ".join(result.stdout.decode().split())


def application_html(application) -> str:
    return render_to_string(
        "pdf/application.html", {**pdfs.application_context(application), "static_base": STATIC_BASE}
    )


def letter_html(application) -> str:
    return render_to_string(
        "pdf/outcome_letter.html", {**pdfs.outcome_letter_context(application), "static_base": STATIC_BASE}
    )


def choice(application, code: str):
    return application.category_choices.select_related("category").get(category__code=code)


def test_the_application_pdf_has_every_section_with_readable_labels(organisation_a, alice):
    application = submitted_application(
        organisation_a,
        alice,
        categories=("accommodation", "women"),
        exclusion=exclusion_answers(insolvency="A subsidiary was wound up in 2023."),
    )

    pdf = pdfs.application_pdf(application)

    assert pdf.startswith(b"%PDF")
    html = application_html(application)
    for expected in [
        "Alpha Futures CIC",
        "Version</dt><dd>1</dd>",
        "by alice@alpha.example",
        "About your organisation",
        "Grounds for exclusion",
        "A subsidiary was wound up in 2023.",
        "£250,000",
        "31 March 2024",
        "Cyber Essentials",
        "Yorkshire and the Humber",
        "Women",
        "Service descriptor",
        "Case study 2: Move-on support",
        "Alice Example (Chief executive) declared",
    ]:
        assert expected in html, expected
    assert "turnover_year_1" not in html
    text = pdf_text(pdf)
    if text is not None:
        assert "Alpha Futures CIC" in text
        assert "Case study 2: Move-on support" in text


def test_the_outcome_letter_gives_each_category_its_feedback_and_what_is_qualified(
    organisation_a, alice, ada
):
    application = submitted_application(organisation_a, alice, categories=("accommodation", "women"))
    services.category_outcome_record(
        choice=choice(application, "accommodation"), admin=ada, outcome="pass", feedback="Strong evidence."
    )
    services.category_outcome_record(
        choice=choice(application, "women"),
        admin=ada,
        outcome="fail",
        feedback="The case studies were not about women.",
    )
    services.application_decide(application=application, admin=ada)

    pdf = pdfs.outcome_letter_pdf(application)

    assert pdf.startswith(b"%PDF")
    html = letter_html(application)
    assert "Your application was successful." in html
    assert "1. Accommodation: passed" in html
    assert "9. Women: not passed" in html
    assert "The case studies were not about women." in html
    assert "Your organisation is qualified on the framework for:" in html
    assert "<li>1. Accommodation</li>" in html
    assert "<li>9. Women</li>" not in html
    assert timezone.localdate().strftime("%Y") in html
    text = pdf_text(pdf)
    if text is not None:
        assert "The case studies were not about women." in text


def test_an_unsuccessful_letter_says_how_many_attempts_are_left(organisation_a, alice, ada):
    application = decide(submitted_application(organisation_a, alice), ada, accommodation="fail")

    html = letter_html(application)

    assert "Your application was not successful this time." in html
    assert "Not enough evidence." in html
    assert "This was your first unsuccessful application." in html
    assert "You can apply 2 more times. If those are all unsuccessful, you must wait 6 months" in html
    assert "not yet qualified for any service category" in html


def test_a_third_unsuccessful_letter_gives_the_date_to_apply_again(organisation_a, alice, ada):
    today = timezone.localdate()
    decided_application(organisation_a, on=today - timedelta(days=60), successful=False)
    decided_application(organisation_a, on=today - timedelta(days=30), successful=False)
    application = decide(submitted_application(organisation_a, alice), ada, accommodation="fail")

    html = letter_html(application)
    status = pdfs.outcome_letter_context(application)["retry"]

    assert not status.can_apply
    assert "so you must wait 6 months before you apply again" in html
    assert f"You can apply again from <strong>{status.wait_until.day} " in html


def test_an_organisation_name_with_markup_is_printed_as_text(organisation_a, alice, ada):
    organisation_a.legal_name = "<script>alert('x')</script> Trust"
    organisation_a.save()
    application = decide(submitted_application(organisation_a, alice), ada)

    application_pdf = pdfs.application_pdf(application)
    letter_pdf = pdfs.outcome_letter_pdf(application)

    assert application_pdf.startswith(b"%PDF")
    assert letter_pdf.startswith(b"%PDF")
    for html in (application_html(application), letter_html(application)):
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
    text = pdf_text(application_pdf)
    if text is not None:
        assert "<script>alert" in text


# A sent version's PDF: rendered once, in the background, then served as a file ----------------------


@pytest.fixture
def private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_sending_queues_the_pdf_which_is_rendered_once_and_stored_privately(
    organisation_a, alice, private_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application(organisation_a, alice)

    application.refresh_from_db()
    assert re.fullmatch(r"sq-pdf/[0-9a-f]{32}\.pdf", application.pdf.name)  # a random name
    assert default_storage.open(application.pdf.name).read().startswith(b"%PDF")

    assert stored_pdfs.pdf_make(kind=pdfs.APPLICATION, object_id=application.pk) is False
    assert default_storage.listdir("sq-pdf")[1] == [application.pdf.name.removeprefix("sq-pdf/")]


def test_a_draft_has_no_pdf(organisation_a, alice, private_files):
    draft = services.application_start(organisation=organisation_a, user=alice)

    assert stored_pdfs.pdf_make(kind=pdfs.APPLICATION, object_id=draft.pk) is False
    draft.refresh_from_db()
    assert not draft.pdf


def test_the_download_is_the_stored_file_and_never_rendered_in_the_request(
    client, organisation_a, alice, private_files, monkeypatch
):
    application = submitted_application(organisation_a, alice)  # the task runs on commit: not here
    url = reverse("suppliers:application_pdf", args=[application.pk])
    client.force_login(alice)

    def no_rendering(*args, **kwargs):
        raise AssertionError("a PDF was rendered inside a web request")

    preparing = client.get(url)
    assert preparing.status_code == 200
    assert "is being prepared" in preparing.content.decode()
    page = client.get(reverse("suppliers:submitted", args=[application.pk])).content.decode()
    assert "The PDF of version 1 is being prepared" in page and url not in page

    stored_pdfs.pdf_make(kind=pdfs.APPLICATION, object_id=application.pk)
    monkeypatch.setattr(pdfs, "application_pdf", no_rendering)
    monkeypatch.setattr(portal_pdf, "HTML", no_rendering)  # any WeasyPrint rendering at all
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="selection-questionnaire-1.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert url in client.get(reverse("suppliers:submitted", args=[application.pk])).content.decode()


def test_the_pdf_task_has_a_time_limit_above_the_longest_render():
    from portal import stored_pdfs

    assert stored_pdfs.stored_pdf_make.time_limit == stored_pdfs.PDF_TIME_LIMIT
    assert (
        stored_pdfs.stored_pdf_make.soft_time_limit
        == stored_pdfs.PDF_SOFT_TIME_LIMIT
        < stored_pdfs.PDF_TIME_LIMIT
    )


@pytest.mark.parametrize("outcomes", [{"accommodation": "pass", "women": "fail"}, {"women": "fail"}])
def test_the_outcome_message_and_the_outcome_letter_say_the_same(outcomes, organisation_a, alice, ada):
    application = submitted_application(organisation_a, alice, categories=("accommodation", "women"))
    decide(application, ada, **outcomes)
    application.refresh_from_db()
    words = render_to_string("emails/parts/sq_outcome_letter.html", pdfs.outcome_letter_context(application))
    message = Message.objects.get(kind="sq_outcome", source=f"suppliers.application:{application.pk}")

    assert "Not enough evidence." in plain_text(words)
    assert plain_text(words) in plain_text(without_glossary_links(message.body))
    assert plain_text(words) in plain_text(letter_html(application))
