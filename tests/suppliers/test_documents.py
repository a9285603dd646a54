"""Supporting documents: checked by size and by content, never by name; stored under a random name."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage

from portal import uploads
from portal.exceptions import RuleBroken
from portal.models import AuditEvent
from suppliers import services
from suppliers.models import SupportingDocument
from tests.suppliers.factories import (
    PDF_BYTES,
    case_study,
    category,
    decide,
    docx_bytes,
    odt_bytes,
    submitted_application,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def choice(organisation_a, alice):
    application = services.application_start(organisation=organisation_a, user=alice)
    return services.category_choice_save(
        application=application,
        user=alice,
        category=category("accommodation"),
        descriptor="Supported housing.",
        case_studies=[case_study(), case_study()],
    )


def add(choice, user, name, data, content_type="application/pdf"):
    return services.supporting_document_add(
        category_choice=choice, user=user, uploaded_file=upload(name, data, content_type)
    )


def test_a_pdf_is_accepted_by_its_content_and_stored_under_a_random_name(choice, alice):
    document = add(choice, alice, "../../our policy.pdf", PDF_BYTES)

    assert document.content_type == uploads.PDF
    assert document.original_name == "our policy.pdf"
    assert document.size == len(PDF_BYTES)
    assert document.file.name.startswith("sq/") and "policy" not in document.file.name
    assert default_storage.open(document.file.name).read() == PDF_BYTES
    assert AuditEvent.objects.filter(action="sq.document_added").exists()


def test_a_text_file_named_pdf_is_refused_naming_the_allowed_types(choice, alice):
    with pytest.raises(RuleBroken, match="PDF, a Word document \\(DOCX\\) or an OpenDocument") as refusal:
        add(choice, alice, "evidence.pdf", b"just some text, honestly a PDF")

    assert refusal.value.field == "file"
    assert not SupportingDocument.objects.exists()


def test_a_real_docx_is_accepted(choice, alice):
    document = add(choice, alice, "case study.docx", docx_bytes(), "application/octet-stream")

    assert document.content_type == uploads.DOCX


def test_a_docx_that_libmagic_calls_a_zip_is_judged_by_its_manifest(choice, alice, monkeypatch):
    monkeypatch.setattr(uploads.magic, "from_buffer", lambda data, mime: "application/zip")

    assert add(choice, alice, "case study.docx", docx_bytes()).content_type == uploads.DOCX


def test_an_odt_is_accepted(choice, alice):
    assert add(choice, alice, "policy.odt", odt_bytes()).content_type == uploads.ODT


@pytest.mark.parametrize(
    "entries",
    [
        {"notes.txt": "a plain zip"},
        {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"},
    ],
)
def test_other_zip_files_are_refused(choice, alice, entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)

    with pytest.raises(RuleBroken, match="must be a PDF"):
        add(choice, alice, "evidence.docx", buffer.getvalue())


def test_a_word_document_with_macros_is_refused(choice, alice):
    with pytest.raises(RuleBroken, match="must be a PDF"):
        add(choice, alice, "evidence.docx", docx_bytes(macros=True))


def test_a_file_over_the_limit_is_refused(choice, alice, settings):
    settings.UPLOAD_MAX_BYTES = len(PDF_BYTES) - 1

    with pytest.raises(RuleBroken, match="smaller than"):
        add(choice, alice, "big.pdf", PDF_BYTES)


def test_an_empty_file_is_refused(choice, alice):
    with pytest.raises(RuleBroken, match="empty"):
        add(choice, alice, "empty.pdf", b"")


def test_removing_a_document_deletes_its_file(choice, alice, django_capture_on_commit_callbacks):
    document = add(choice, alice, "policy.pdf", PDF_BYTES)

    with django_capture_on_commit_callbacks(execute=True):
        services.supporting_document_remove(document=document, user=alice)

    assert not SupportingDocument.objects.exists()
    assert not default_storage.exists(document.file.name)


def test_a_store_that_fails_after_the_removal_commits_leaves_the_removal_done(
    choice, alice, monkeypatch, django_capture_on_commit_callbacks
):
    """Deleting the bytes comes after the commit: if the object store fails then, the person still sees
    the document removed (issue 18 §4), and the failure is logged rather than raised."""
    document = add(choice, alice, "policy.pdf", PDF_BYTES)

    def unreachable(names):
        raise ConnectionError("The object store did not answer")

    monkeypatch.setattr(services, "_delete_unused_files", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        services.supporting_document_remove(document=document, user=alice)

    assert not SupportingDocument.objects.exists()


def test_a_file_shared_with_a_submitted_version_is_kept(
    organisation_a, alice, ada, django_capture_on_commit_callbacks
):
    decide(submitted_application(organisation_a, alice), ada)
    second = services.application_start(organisation=organisation_a, user=alice)
    document = add(second.category_choices.get(), alice, "policy.pdf", PDF_BYTES)
    decide(submitted_application(organisation_a, alice), ada)  # completes and submits the same draft
    third = services.application_start(organisation=organisation_a, user=alice)
    copy = third.category_choices.get().documents.get()
    assert (copy.file.name, copy.original_name) == (document.file.name, "policy.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        services.supporting_document_remove(document=copy, user=alice)

    assert default_storage.exists(document.file.name)  # the submitted version still needs it


def test_documents_cannot_be_added_to_a_submitted_application(organisation_a, alice):
    application = submitted_application(organisation_a, alice)

    with pytest.raises(RuleBroken, match="cannot be changed"):
        add(application.category_choices.get(), alice, "late.pdf", PDF_BYTES)


def test_someone_from_another_organisation_cannot_add_a_document(choice, bea):
    with pytest.raises(RuleBroken):
        add(choice, bea, "policy.pdf", PDF_BYTES)


def test_a_macro_part_under_another_name_is_refused(choice, alice):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/macros.bin", b"\x00" * 16)

    with pytest.raises(RuleBroken):
        services.supporting_document_add(
            category_choice=choice, user=alice, uploaded_file=upload("x.docm", buffer.getvalue())
        )


@pytest.mark.parametrize(
    ("uploaded", "offered"),
    [("report.html", "report.pdf"), ("evidence.pdf", "evidence.pdf"), ("scan", "scan.pdf")],
)
def test_a_document_is_offered_with_the_extension_of_its_real_type(choice, alice, uploaded, offered):
    document = services.supporting_document_add(
        category_choice=choice, user=alice, uploaded_file=upload(uploaded, PDF_BYTES)
    )
    assert document.original_name == offered
