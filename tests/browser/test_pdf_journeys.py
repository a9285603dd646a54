"""A sent version's PDF, end to end: the page says it is being prepared until the background task has
rendered it, then the organisation downloads it. Every page visited is audited."""

import pytest
from playwright.sync_api import expect

from portal import stored_pdfs
from suppliers import pdfs
from tests.browser.conftest import sign_in_as
from tests.suppliers.factories import submitted_application

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_organisation_downloads_its_pdf_once_it_is_prepared(
    page, context, audit, live_server, alice, organisation_a, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    queued: list[tuple[str, int]] = []
    # The Celery worker is not running: the task is only recorded, and run below as the worker would.
    monkeypatch.setattr(stored_pdfs.stored_pdf_make, "delay", lambda *task: queued.append(task))
    application = submitted_application(organisation_a, alice)
    assert queued == [(pdfs.APPLICATION, application.pk)]

    sign_in_as(context, live_server, alice)
    page.goto(live_server.url + f"/qualification/{application.pk}/")
    audit("sent version, PDF being prepared")
    expect(page.get_by_text("The PDF of version 1 is being prepared")).to_be_visible()
    assert page.get_by_role("link", name="Download this version (PDF)").count() == 0

    assert stored_pdfs.pdf_make(kind=queued[0][0], object_id=queued[0][1])
    page.reload()
    audit("sent version, PDF ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this version (PDF)").click()
    download = download_info.value

    assert download.suggested_filename == "selection-questionnaire-1.pdf"
    path = tmp_path / "downloaded.pdf"
    download.save_as(path)
    application.refresh_from_db()
    assert path.read_bytes() == application.pdf.read()
    assert path.read_bytes().startswith(b"%PDF")


def test_a_pdf_not_ready_yet_says_so_and_downloads_by_itself_once_it_is(
    page, context, audit, live_server, alice, organisation_a, settings, tmp_path, monkeypatch
):
    """The "being prepared" page asks again by itself, without reloading, so the download starts as soon
    as the worker has stored the file; the page's link does the same without JavaScript."""
    settings.MEDIA_ROOT = tmp_path
    queued: list[tuple[str, int]] = []
    monkeypatch.setattr(stored_pdfs.stored_pdf_make, "delay", lambda *task: queued.append(task))
    application = submitted_application(organisation_a, alice)
    sign_in_as(context, live_server, alice)

    page.goto(live_server.url + f"/qualification/{application.pk}/pdf/")
    audit("PDF being prepared")
    expect(page.get_by_role("heading", name="The PDF of version 1 is being prepared")).to_be_visible()
    expect(page.get_by_role("link", name="try the download again")).to_be_visible()

    with page.expect_download(timeout=(stored_pdfs.PREPARING_CHECK_SECONDS + 20) * 1000) as download_info:
        assert stored_pdfs.pdf_make(kind=queued[0][0], object_id=queued[0][1])
    assert download_info.value.suggested_filename == "selection-questionnaire-1.pdf"
    expect(page.get_by_role("status")).to_have_text("Your PDF is ready. It is downloading now.")
