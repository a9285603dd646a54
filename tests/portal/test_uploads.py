"""Uploads are judged by content: files with macros are refused, in Word and OpenDocument files, whatever
the case of their part names (issue 7 §2). Each file is a real small file built here."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal import uploads
from portal.exceptions import RuleBroken

ODT_TYPE = "application/vnd.oasis.opendocument.text"
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="{odt}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "{extra}</manifest:manifest>"
)
CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink">{events}<office:body><office:text/></office:body>'
    "</office:document-content>"
)
BASIC_ENTRY = (
    '<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" manifest:media-type="text/xml"/>'
)
ON_OPEN = (
    '<office:event-listeners><script:event-listener script:language="ooo:script" '
    'script:event-name="dom:load" '
    'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>'
    "</office:event-listeners>"
)


def zipped(parts: dict[str, str | bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), parts[stored_first])
        for name, content in parts.items():
            if name != stored_first:
                archive.writestr(name, content)
    return buffer.getvalue()


def odt(*, manifest_extra: str = "", events: str = "", extra_parts: dict | None = None) -> bytes:
    parts = {
        "mimetype": ODT_TYPE,
        "content.xml": CONTENT.format(events=events),
        "META-INF/manifest.xml": MANIFEST.format(odt=ODT_TYPE, extra=manifest_extra),
        **(extra_parts or {}),
    }
    return zipped(parts, stored_first="mimetype")


def docx(content_types_name: str = "[Content_Types].xml", *, macro_enabled: bool = False) -> bytes:
    main = (
        "ms-word.document.macroEnabled.main+xml"
        if macro_enabled
        else ("openxmlformats-officedocument.wordprocessingml.document.main+xml")
    )
    return zipped(
        {
            content_types_name: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Override PartName="/word/document.xml" '
            f'ContentType="application/vnd.{main}"/></Types>',
            "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
            "word/document.xml": '<?xml version="1.0"?><w:document/>',
        }
    )


def test_a_plain_odt_and_docx_are_accepted():
    assert uploads.document_content_type(odt()) == uploads.ODT
    assert uploads.document_content_type(docx()) == uploads.DOCX
    assert uploads.document_content_type(docx("[content_types].xml")) == uploads.DOCX


@pytest.mark.parametrize(
    "data",
    [
        odt(manifest_extra=BASIC_ENTRY, extra_parts={"Basic/Standard/Module1.xml": "<script:module/>"}),
        odt(extra_parts={"basic/standard/module1.xml": "<script:module/>"}),  # the case does not matter
        odt(extra_parts={"Scripts/python/macro.py": "import os\n"}),
        odt(manifest_extra=BASIC_ENTRY),  # the manifest lists a macro part
        odt(events=ON_OPEN),  # a macro run when the document opens
    ],
    ids=["basic", "lower-case basic", "scripts", "manifest", "event"],
)
def test_an_odt_with_macros_is_refused(data):
    assert uploads.document_content_type(data) is None


@pytest.mark.parametrize("name", ["[content_types].xml", "[CONTENT_TYPES].XML", "[Content_Types].xml"])
def test_a_macro_enabled_word_file_is_refused_whatever_the_case_of_its_content_types_part(name):
    assert uploads.document_content_type(docx(name, macro_enabled=True)) is None


def test_a_word_file_with_a_macro_part_in_capitals_is_refused():
    data = zipped({"word/document.xml": "<w:document/>", "WORD/VBAPROJECT.BIN": b"\x00" * 16})

    assert uploads.document_content_type(data) is None


def test_a_checked_upload_is_refused_with_the_allowed_types_named():
    with pytest.raises(RuleBroken, match="must be a PDF") as refusal:
        uploads.checked_upload(SimpleUploadedFile("minutes.odt", odt(events=ON_OPEN)))

    assert refusal.value.field == "file"


def test_the_help_text_reads_the_limits_that_are_enforced(settings):
    settings.UPLOAD_MAX_BYTES = 2 * uploads.MEGABYTE

    assert uploads.limits_hint(max_files=3, per="tender") == (
        "A PDF, Word (DOCX) or OpenDocument (ODT) file, up to 2 MB. Up to 3 for each tender."
    )
    with pytest.raises(RuleBroken, match="smaller than 2 MB"):
        uploads.read_upload(SimpleUploadedFile("big.pdf", b"x" * (2 * uploads.MEGABYTE + 1)))
