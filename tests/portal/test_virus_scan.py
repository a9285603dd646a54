"""Every upload is scanned by clamd before it is stored (issue 13 §1): an infected file is refused with a
plain message and the attempt audited; when the scanner cannot be reached, the upload is refused too
(fail closed). clamd runs with the project's test signatures (the `virus_scanner` fixture)."""

import os
import runpy
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

import pytest
from django.core.checks import ERROR
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from bench.servers import Clamd, HungScanner
from portal import uploads
from portal.checks import SCANNER_TIMEOUT_TOO_LONG, scanner_timeout_below_web_timeout
from portal.exceptions import RuleBroken
from portal.models import AuditEvent
from suppliers import services
from suppliers.models import SupportingDocument
from tests.calloffs.factories import live_competition
from tests.portal.test_file_storage import production_setting
from tests.portal.test_make_run import make_run_commands
from tests.suppliers.factories import PDF_BYTES, case_study, category, upload

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

# The EICAR anti-virus test file (https://www.eicar.org), in two halves so that this source is not itself
# flagged by a scanner on a developer's machine.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


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


def add(choice, user, name, data):
    return services.supporting_document_add(
        category_choice=choice, user=user, uploaded_file=upload(name, data, "application/pdf")
    )


def stored_files() -> list[str]:
    _folders, files = default_storage.listdir("sq") if default_storage.exists("sq") else ([], [])
    return files


def test_the_eicar_test_file_is_refused_audited_and_nothing_of_it_kept(choice, alice):
    with pytest.raises(RuleBroken) as refusal:
        add(choice, alice, "accounts.pdf", EICAR)

    assert str(refusal.value.message) == (
        "This file contains a virus and has not been uploaded. "
        "Check it with your antivirus software and try again."
    )
    assert refusal.value.field == "file"
    assert not SupportingDocument.objects.exists()
    assert stored_files() == []
    event = AuditEvent.objects.get(action="upload.virus_refused")
    assert event.actor == alice and event.actor_email == alice.email
    assert "accounts.pdf" in event.summary and "Eicar-Test-Signature" in event.summary


def test_a_virus_inside_a_pdf_is_found_before_its_type_is_judged(choice, alice):
    with pytest.raises(RuleBroken, match="contains a virus"):
        add(choice, alice, "evidence.pdf", PDF_BYTES + b"\n" + EICAR)

    assert not SupportingDocument.objects.exists()


def test_the_supplier_sees_the_virus_message_on_the_upload_page(client, choice, alice):
    client.force_login(alice)
    response = client.post(
        reverse("suppliers:document_upload", args=[choice.application.pk, choice.pk]),
        {"file": upload("evidence.pdf", EICAR, "application/pdf")},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "This file contains a virus and has not been uploaded." in page
    assert "govuk-error-summary" in page
    assert not choice.documents.exists()


def test_with_the_scanner_stopped_the_upload_is_refused_and_nothing_stored(choice, alice, settings, tmp_path):
    clamd = Clamd(tmp_path / "clamd")
    settings.CLAMD_ADDRESS = clamd.address
    assert add(choice, alice, "before.pdf", PDF_BYTES)  # it scans while running
    clamd.stop()

    with pytest.raises(RuleBroken) as refusal:
        add(choice, alice, "after.pdf", PDF_BYTES)

    assert str(refusal.value.message) == uploads.SCANNER_UNAVAILABLE
    assert "Try again later" in uploads.SCANNER_UNAVAILABLE
    assert list(SupportingDocument.objects.values_list("original_name", flat=True)) == ["before.pdf"]
    assert len(stored_files()) == 1
    assert not AuditEvent.objects.filter(action="upload.virus_refused").exists()


def test_a_scanner_at_an_address_nobody_answers_refuses_over_tcp_too(choice, alice, settings):
    from bench.servers import free_port

    settings.CLAMD_ADDRESS = f"tcp://127.0.0.1:{free_port()}"

    with pytest.raises(RuleBroken, match="could not be checked for viruses"):
        add(choice, alice, "evidence.pdf", PDF_BYTES)
    assert not SupportingDocument.objects.exists()


def test_a_clean_file_passes_the_scan(virus_scanner):
    assert uploads.virus_found(PDF_BYTES) is None
    assert uploads.virus_found(EICAR) == "Eicar-Test-Signature.UNOFFICIAL"


def test_scanning_turned_off_skips_clamd_and_the_upload_page_says_so(client, choice, alice, settings):
    settings.VIRUS_SCAN = False
    settings.CLAMD_ADDRESS = "unix:///nonexistent/clamd.sock"
    assert add(choice, alice, "evidence.pdf", PDF_BYTES)
    client.force_login(alice)

    page = client.get(reverse("suppliers:category_edit", args=[choice.application.pk, choice.pk]))

    assert "Files are not scanned for viruses" in page.content.decode()
    settings.VIRUS_SCAN = True
    page = client.get(reverse("suppliers:category_edit", args=[choice.application.pk, choice.pk]))
    assert "Files are not scanned for viruses" not in page.content.decode()


def test_make_run_turns_scanning_off_and_production_scans_by_default():
    assert all("VIRUS_SCAN=false" in command for command in make_run_commands() if "manage.py" in command)
    assert production_setting("s.VIRUS_SCAN, s.CLAMD_ADDRESS") == "True unix:///run/clamav/clamd.ctl"


@pytest.fixture
def hung_scanner(settings):
    scanner = HungScanner()
    settings.CLAMD_ADDRESS = scanner.address
    settings.CLAMD_TIMEOUT_SECONDS = 1
    yield scanner
    scanner.close()


def test_a_hung_scanner_refuses_the_upload_with_a_message_and_keeps_what_was_typed(
    client, carol, hung_scanner
):
    competition = live_competition(carol)
    client.force_login(carol)
    new = timezone.localtime(competition.submission_deadline + timedelta(days=7))

    response = client.post(
        reverse("calloffs:competition_amend", args=[competition.pk]),
        {
            "summary": "The pricing template has changed",
            "new_deadline_0": new.day,
            "new_deadline_1": new.month,
            "new_deadline_2": new.year,
            "new_deadline_time": "12:00",
            "file": upload("pricing.pdf", PDF_BYTES, "application/pdf"),
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert hung_scanner.held, "the upload reached the hung scanner"
    assert "govuk-error-summary" in page and uploads.SCANNER_UNAVAILABLE in page
    assert "The pricing template has changed" in page and f'value="{new.year}"' in page
    assert 'value="12:00"' in page
    assert not competition.amendments.exists()


def test_the_scanner_message_is_the_one_for_an_unreachable_scanner():
    assert uploads.SCANNER_UNAVAILABLE == (
        "The file could not be checked for viruses just now, so it has not been uploaded. Try again later."
    )


@pytest.mark.parametrize(
    ("scanner", "web", "errors"),
    [
        (10, 30, []),
        (15, 30, []),
        (16, 30, [SCANNER_TIMEOUT_TOO_LONG]),
        (60, 30, [SCANNER_TIMEOUT_TOO_LONG]),
        (0, 30, [SCANNER_TIMEOUT_TOO_LONG]),
        (30, 90, []),
    ],
)
def test_the_scanner_timeout_must_be_at_most_half_the_web_servers(settings, scanner, web, errors):
    settings.CLAMD_TIMEOUT_SECONDS, settings.GUNICORN_TIMEOUT = scanner, web
    found = scanner_timeout_below_web_timeout()
    assert [error.id for error in found] == errors
    assert all(error.level == ERROR for error in found)


def test_the_portal_refuses_to_start_with_a_scanner_timeout_above_the_web_servers():
    command = [sys.executable, "manage.py", "check"]
    environment = {"PATH": "/usr/bin", "DEBUG": "true", "PYTHONPATH": str(ROOT)}

    refused = subprocess.run(  # noqa: S603 - our own command line
        command, cwd=ROOT, env={**environment, "CLAMD_TIMEOUT_SECONDS": "60"}, capture_output=True, text=True
    )
    started = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)  # noqa: S603

    assert refused.returncode != 0 and SCANNER_TIMEOUT_TOO_LONG in refused.stderr
    assert started.returncode == 0, started.stderr


def test_defaults_give_the_scanner_10_s_of_gunicorns_30_s_and_both_read_the_same_setting():
    assert production_setting("s.CLAMD_TIMEOUT_SECONDS, s.GUNICORN_TIMEOUT") == "10 30"
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["timeout"] == 30
    with patch.dict(os.environ, {"GUNICORN_TIMEOUT": "45"}):
        assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["timeout"] == 45
    assert production_setting("s.GUNICORN_TIMEOUT", GUNICORN_TIMEOUT="45") == "45"
