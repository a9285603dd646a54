"""Uploaded documents, for every part of the portal that takes files (qualification, tenders, grants).

A file is judged by its content, never its name or the type the browser claims: a PDF, a Word document
(DOCX, without macros) or an OpenDocument text file (ODT, without macros, Basic or scripts), no bigger than
`settings.UPLOAD_MAX_BYTES`. It is stored under a random name (`random_name`) and offered back only as an
attachment, under the uploader's name with the extension of its real type (`offered_name`), so that a
file that is both a PDF and something else can only ever be opened as a PDF.

Every file is scanned for viruses by ClamAV's daemon (clamd, at `settings.CLAMD_ADDRESS`) before its type is
judged or anything of it is stored (`virus_scan`). An infected file is refused and the attempt audited; when
the scanner cannot be reached, the upload is refused too (fail closed). `settings.VIRUS_SCAN` off (only
for `make run`) skips the scan, and the upload pages say so.

The limits people are told about (`limits_hint`) are read from the same settings and constants that
enforce them.
"""

from __future__ import annotations

import io
import logging
import os
import zipfile
from dataclasses import dataclass
from uuid import uuid4

import magic
from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

from portal.audit import audit_record
from portal.exceptions import RuleBroken
from portal.models import User

logger = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ALLOWED_DOCUMENTS = {PDF: "PDF", DOCX: "Word document (DOCX)", ODT: "OpenDocument text (ODT)"}
DOCUMENT_EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}
WRONG_TYPE = "The file must be a PDF, a Word document (DOCX) or an OpenDocument text file (ODT)."
ALLOWED_HINT = "A PDF, Word (DOCX) or OpenDocument (ODT) file"
# libmagic names some valid DOCX and ODT files only as a zip; their manifest decides.
ZIP_TYPES = {DOCX, ODT, "application/zip", "application/x-zip-compressed", "application/octet-stream"}
INFECTED = (
    "This file contains a virus and has not been uploaded. "
    "Check it with your antivirus software and try again."
)
SCANNER_UNAVAILABLE = (
    "The file could not be checked for viruses just now, so it has not been uploaded. Try again later."
)
MEGABYTE = 1024 * 1024
MAX_NAME_LENGTH = 180
CONTENT_TYPES_READ = 200_000  # bytes of a manifest or a document's XML read when looking for macros


def max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def size_limit_text() -> str:
    """The upload size limit as people read it, like "10 MB"."""
    return f"{max_bytes() / MEGABYTE:g} MB"


def limits_hint(*, max_files: int, per: str) -> str:
    """The help text of an upload field, from the limits that are enforced."""
    return f"{ALLOWED_HINT}, up to {size_limit_text()}. Up to {max_files} for each {per}."


# Judging a file by its content --------------------------------------------------------------------


def document_content_type(data: bytes) -> str | None:
    """The document's type judged by its content (never its name), or None if it is not allowed."""
    detected = magic.from_buffer(data, mime=True)
    if detected == PDF:
        return PDF
    if detected in ZIP_TYPES and zipfile.is_zipfile(io.BytesIO(data)):
        return _office_type(data)
    return None


def _office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # Part names in Office files are not case-sensitive (ECMA-376 part 2): compare them in lower case.
            names = {name.lower(): name for name in archive.namelist()}
            if "word/document.xml" in names:
                return None if _word_has_macros(archive, names) else DOCX
            if "mimetype" in names and _read(archive, names["mimetype"], 100).strip() == ODT.encode():
                return None if _odf_has_macros(archive, names) else ODT
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def _read(archive: zipfile.ZipFile, name: str, limit: int = CONTENT_TYPES_READ) -> bytes:
    with archive.open(name) as entry:
        return entry.read(limit)


def _word_has_macros(archive: zipfile.ZipFile, names: dict[str, str]) -> bool:
    """Macro-enabled Word files are refused, whatever their macro part is called and however the case
    of the part names is written."""
    if any(name.endswith("vbaproject.bin") for name in names):
        return True
    content_types = names.get("[content_types].xml")
    if content_types is None:
        return False
    declared = _read(archive, content_types).lower()
    return b"macroenabled" in declared or b"vbaproject" in declared


ODF_MACRO_FOLDERS = ("basic/", "scripts/")  # Basic macros, and scripts in other languages
ODF_MACRO_LINKS = (b"vnd.sun.star.script:", b"macro://", b"script:event-listener")
ODF_XML_PARTS = ("meta-inf/manifest.xml", "content.xml", "styles.xml", "settings.xml")


def _odf_has_macros(archive: zipfile.ZipFile, names: dict[str, str]) -> bool:
    """An OpenDocument file with macros is refused: macro parts (Basic/, Scripts/), a manifest that lists
    them, or events that call a macro, whatever the case of the names."""
    if any(name.startswith(ODF_MACRO_FOLDERS) for name in names):
        return True
    for part in ODF_XML_PARTS:
        if part not in names:
            continue
        xml = _read(archive, names[part]).lower()
        if any(link in xml for link in ODF_MACRO_LINKS):
            return True
        if part == "meta-inf/manifest.xml" and any(
            f'full-path="{folder}'.encode() in xml for folder in ODF_MACRO_FOLDERS
        ):
            return True
    return False


# Scanning for viruses -----------------------------------------------------------------------------


class ScannerUnavailable(Exception):
    """clamd could not be reached or could not scan the file."""


def clamd_client(address: str, *, timeout: float) -> ClamdNetworkSocket:
    """A clamd client for `address`: unix:///path/to/clamd.sock or tcp://host:port."""
    if address.startswith("unix://"):
        # clamav-client hints an int, but hands the timeout to socket.settimeout, which takes a float.
        return ClamdUnixSocket(path=address.removeprefix("unix://"), timeout=timeout)  # type: ignore[arg-type]
    if address.startswith("tcp://"):
        host, _, port = address.removeprefix("tcp://").rpartition(":")
        return ClamdNetworkSocket(host=host, port=int(port), timeout=timeout)
    raise ValueError(f"CLAMD_ADDRESS must start with unix:// or tcp://, not {address!r}.")


def virus_found(data: bytes) -> str | None:
    """The name of the virus clamd finds in `data`, or None if it finds none. Raises ScannerUnavailable
    when clamd cannot be reached or answers with an error (a file too big for its StreamMaxLength too)."""
    client = clamd_client(settings.CLAMD_ADDRESS, timeout=settings.CLAMD_TIMEOUT_SECONDS)
    try:
        results = client.instream(io.BytesIO(data))
    except (ClamdError, OSError) as error:
        raise ScannerUnavailable(str(error)) from error
    status, virus = results.get("stream", ("ERROR", "no answer"))
    if status == "FOUND":
        return virus or "unnamed"
    if status != "OK":
        raise ScannerUnavailable(f"clamd answered {status}: {virus}")
    return None


def virus_scan(data: bytes, *, name: str, field: str, user: User | None) -> None:
    """Refuse an infected file (auditing the attempt) or one that could not be scanned (fail closed)."""
    if not settings.VIRUS_SCAN:
        return
    try:
        virus = virus_found(data)
    except ScannerUnavailable as error:
        logger.error("Upload refused: the virus scanner is unavailable (%s)", error)
        raise RuleBroken(SCANNER_UNAVAILABLE, field=field) from error
    if virus is not None:
        # Audited here, as it is refused: callers check a file before their transaction opens, so the
        # refusal rolls nothing back.
        audit_record(actor=user, action="upload.virus_refused", summary=f"Refused {name}: {virus} found")
        logger.warning("Upload refused: %s found", virus)
        raise RuleBroken(INFECTED, field=field)


# Reading, naming and serving ----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    content_type: str
    name: str  # the name to offer it under (see offered_name)

    @property
    def size(self) -> int:
        return len(self.data)


def read_upload(uploaded_file: UploadedFile, *, field: str = "file") -> bytes:
    """The file's bytes; refused if it is empty or bigger than the limit (read no further than that)."""
    limit = max_bytes()
    too_big = f"The file must be smaller than {size_limit_text()}."
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise RuleBroken(too_big, field=field)
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise RuleBroken(too_big, field=field)
    if not data:
        raise RuleBroken("The file is empty.", field=field)
    return data


def checked_upload(
    uploaded_file: UploadedFile, *, field: str = "file", user: User | None = None
) -> CheckedUpload:
    """Read and judge an upload: its size, then viruses, then its type by content. Refused with a plain
    sentence. `user` is who uploads it, named in the audit of an infected file. Call it before the
    transaction that stores the file: a refusal raised inside one would roll that audit back."""
    data = read_upload(uploaded_file, field=field)
    virus_scan(
        data, name=os.path.basename(uploaded_file.name or "")[:MAX_NAME_LENGTH], field=field, user=user
    )
    content_type = document_content_type(data)
    if content_type is None:
        raise RuleBroken(WRONG_TYPE, field=field)
    return CheckedUpload(
        data=data, content_type=content_type, name=offered_name(uploaded_file.name, content_type)
    )


def offered_name(uploaded_name: str | None, content_type: str) -> str:
    """The name a document is offered under: the uploader's, with the extension of its real type."""
    stem = os.path.splitext(os.path.basename(uploaded_name or ""))[0].strip() or "document"
    return stem[:MAX_NAME_LENGTH] + DOCUMENT_EXTENSIONS[content_type]


def random_name(folder: str) -> str:
    """Where a file is stored: a random name, never the uploader's, in `folder`."""
    return f"{folder}/{uuid4().hex}"


def attachment_response(file, *, name: str, content_type: str) -> FileResponse:
    """A stored document served as a download (never shown inline), under its offered name."""
    return FileResponse(file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
