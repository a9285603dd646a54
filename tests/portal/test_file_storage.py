"""Files in the object store (issue 13 §2): uploaded documents and stored PDFs are private objects under
random keys, served only through the portal. The document and PDF tests run on the disk and in moto's S3
server too (tests/conftest.py, BOTH_STORAGES)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from suppliers import services
from tests.conftest import BOTH_STORAGES
from tests.suppliers.factories import PDF_BYTES, case_study, category, upload

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def document(organisation_a, alice):
    application = services.application_start(organisation=organisation_a, user=alice)
    choice = services.category_choice_save(
        application=application,
        user=alice,
        category=category("accommodation"),
        descriptor="Supported housing.",
        case_studies=[case_study(), case_study()],
    )
    return services.supporting_document_add(
        category_choice=choice, user=alice, uploaded_file=upload("../Our secret plan.pdf", PDF_BYTES)
    )


@pytest.mark.parametrize("file_storage", ["disk", "object-store"], indirect=True)
def test_the_key_is_random_and_the_download_comes_through_the_portal(client, document, alice, file_storage):
    assert re.fullmatch(r"sq/[0-9a-f]{32}", document.file.name)
    assert default_storage.open(document.file.name).read() == PDF_BYTES
    client.force_login(alice)

    response = client.get(reverse("suppliers:document_download", args=[document.pk]))

    assert response.status_code == 200  # the file itself, never a redirect to the store
    assert response["Content-Disposition"] == 'attachment; filename="Our secret plan.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize("file_storage", ["object-store"], indirect=True)
def test_in_the_object_store_the_object_is_private_encrypted_and_named_by_its_random_key(
    document, file_storage, object_store
):
    s3 = object_store.client()
    bucket = default_storage.bucket_name
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [document.file.name]
    grants = s3.get_object_acl(Bucket=bucket, Key=document.file.name)["Grants"]
    assert not [grant for grant in grants if "AllUsers" in grant["Grantee"].get("URI", "")]
    head = s3.head_object(Bucket=bucket, Key=document.file.name)
    assert head["ServerSideEncryption"] == "AES256"


def production_setting(expression: str, **env: str) -> str:
    """What `expression` reads from portal.settings under production's environment plus `env`."""
    production = {"DEBUG": "false", "SECRET_KEY": "x", "ALLOWED_HOSTS": "example.gov.uk", "PATH": "/usr/bin"}
    result = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-c", f"import portal.settings as s; print({expression})"],
        env={**production, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_production_uses_the_object_store_when_a_bucket_is_named():
    storage = "s.STORAGES['default']['BACKEND'], s.STORAGES['default'].get('OPTIONS', {}).get('bucket_name')"
    assert production_setting(storage, OBJECT_STORE_BUCKET="portal-files") == (
        "storages.backends.s3.S3Storage portal-files"
    )
    assert production_setting(storage) == "django.core.files.storage.FileSystemStorage None"


def test_every_module_run_in_both_storages_exists():
    assert all((ROOT / path).is_file() for path in BOTH_STORAGES)
