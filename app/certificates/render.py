"""A certificate as a PDF: an HTML page (templates/certificates/certificate.html) laid out by WeasyPrint.

The page is drawn in the certificate's language (the contest's when it was issued) with the CJK font the
project installs (Debian's fonts-noto-cjk: "Noto Serif CJK SC", "Noto Sans CJK SC"), whatever the reader's
language. Its QR code (segno) and the seal are data: URIs; the renderer may fetch nothing else, neither from
the network nor from the disk, so nothing a team typed can make it read a file.

A PDF is rendered on each download rather than stored: what it says never changes once issued (`content`), a
certificate renders in a fraction of a second, and a download then writes nothing, as a reading request must not.
"""

from __future__ import annotations

import base64
import gc
import threading
from datetime import date
from typing import Any

import segno
from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from weasyprint import HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from app.models import Certificate
from app.storage import storage

#: The built-in tiers' names on an English certificate; a Chinese one prints the round's own names.
TIER_LABELS = {
    "special": _l("Special Prize"),
    "first": _l("First Prize"),
    "second": _l("Second Prize"),
    "third": _l("Third Prize"),
    "honorable": _l("Honorable Mention"),
}


def qr_data_uri(url: str) -> str:
    """The verification page's address as a QR code (an SVG data: URI), medium error correction so that a
    creased paper still scans."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def seal_data_uri(sha256: str | None) -> str | None:
    if not sha256 or not storage().exists(sha256):
        return None
    with storage().open(sha256) as stream:
        return "data:image/png;base64," + base64.b64encode(stream.read()).decode("ascii")


def printed_code(code: str) -> str:
    """The code as printed: two groups of five, easier to read out and type.

    >>> printed_code("ABCDE12345")
    'ABCDE-12345'
    """
    return f"{code[:5]}-{code[5:]}"


def tier_label(content: dict[str, Any], language: str) -> str:
    if language == "en" and content["tier"] in TIER_LABELS:
        return str(TIER_LABELS[content["tier"]])
    return content["tier_name"]


def certificate_html(certificate: Certificate) -> str:
    """The certificate's page, in its own language."""
    content = certificate.content
    # The page's template alone, without the site's context (the signed-in user, the menu): a job renders it
    # too, outside any request.
    with force_locale(certificate.language):
        return current_app.jinja_env.get_template("certificates/certificate.html").render(
            certificate=certificate,
            content=content,
            language=certificate.language,
            tier=tier_label(content, certificate.language),
            issued_on=format_date(date.fromisoformat(content["date"]), format="long", locale=certificate.language),
            code=printed_code(certificate.code),
            qr=qr_data_uri(content["verify_url"]),
            seal=seal_data_uri(content.get("seal")),
        )


_fonts = threading.local()


def _font_configuration() -> FontConfiguration:
    """This thread's fonts, kept from one certificate to the next: a configuration made for each PDF leaves
    some of its font map behind in Pango when it goes (a quarter of a megabyte a certificate, 500 MB over a
    zip of 2,000). One per thread, since Pango's font maps are not to be shared between threads."""
    if not hasattr(_fonts, "configuration"):
        _fonts.configuration = FontConfiguration()
    return _fonts.configuration


def render_pdf(certificate: Certificate) -> bytes:
    """The certificate as PDF bytes (about 200 KB: the glyphs it uses of the CJK font's two weights are embedded)."""
    html = HTML(string=certificate_html(certificate), url_fetcher=URLFetcher(allowed_protocols={"data"}))
    pdf = html.write_pdf(font_config=_font_configuration())
    # Embedding a font parses the whole CJK font (25 MB on disk, some 100 MB in memory) into objects that refer
    # to each other; they outlive the young generations, so without a collection now each certificate's would
    # pile up until Python's own schedule reached them: a zip of 2,000 went past 370 MB after 4.
    gc.collect()
    return pdf
