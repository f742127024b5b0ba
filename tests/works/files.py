"""Files built in the tests, good and hostile: no fixture file on disk hides what it is."""

from __future__ import annotations

import io
import zipfile
import zlib

from pypdf import PdfWriter

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def pdf(pages: int = 1, *, attachment: bytes | None = None) -> bytes:
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(200, 200)
    if attachment is not None:
        writer.add_attachment("payload.exe", attachment)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given object bodies (1 0 obj ... in order) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def javascript_pdf(action_name: bytes = b"/JavaScript") -> bytes:
    """A page that runs a script when opened; `action_name` may be written with #xx escapes."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
            b"<< /S " + action_name + b" /JS (app.alert\\(1\\)) >>",
        ]
    )


def lying_count_pdf(claimed: int) -> bytes:
    """One real page under a page tree that claims `claimed` pages."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % claimed,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ]
    )


def bomb_pdf(inflated_mb: int) -> bytes:
    """A one-page PDF whose content stream inflates to `inflated_mb` MB of zeros (a few hundred KB on disk)."""
    deflater, chunk, data = zlib.compressobj(9), bytes(1024 * 1024), bytearray()
    for _mb in range(inflated_mb):
        data += deflater.compress(chunk)
    data += deflater.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + bytes(data) + b"\nendstream"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            stream,
        ]
    )


def office(main_type: str, parts: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/main.xml" ContentType="{main_type}"/></Types>',
        )
        for name, content in (parts or {"word/document.xml": b"<w:document/>"}).items():
            archive.writestr(name, content)
    return out.getvalue()


def docx() -> bytes:
    return office(WORD_MAIN)


def xlsm() -> bytes:
    return office(EXCEL_MACRO_MAIN, {"xl/workbook.xml": b"<workbook/>", "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})


def zip_pdf_polyglot() -> bytes:
    """A PDF that is a zip too: the archive appended after the PDF's end."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("run.sh", "#!/bin/sh\necho owned\n")
    return pdf() + archive.getvalue()


ELF = b"\x7fELF\x02\x01\x01" + bytes(200)
MZ = b"MZ\x90\x00" + bytes(200)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
