"""The HTTP answer that hands a work's bytes over, shared by `downloadWork` and the page route: the access
check and the log of `app.works.serving`, then the stored file itself with headers that keep it inert."""

from __future__ import annotations

from datetime import datetime

from flask import Response, request, send_file

from app.models import User, Work
from app.storage import storage
from app.transactions import keep_reading_trace
from app.works.serving import PDF, log_open, served_work

#: A file that is not a PDF is its own sandboxed document: no script, no form, no plugin, nothing loaded from
#: anywhere, even if a browser took it for HTML.
SANDBOXED_FILE_POLICY = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; frame-ancestors 'self'"
#: Chromium refuses to start its PDF viewer in a sandboxed document (chromium issue 413851), and a PDF is
#: only ever sent as application/pdf; it may still be framed by Laurel's own pages only.
PDF_POLICY = "default-src 'none'; frame-ancestors 'self'"


def work_file_response(work: Work, viewer: User, *, now: datetime) -> Response:
    """The work's bytes as `viewer` may have them (403 otherwise), the open logged in the request's commit.
    Ranges and conditional requests are answered from the file on disk (a PDF viewer asks for pieces); a
    request for a later piece of a file is the same open and is not logged again."""
    served = served_work(work, viewer)
    if request.range is None or all(start == 0 for start, _end in request.range.ranges):
        log_open(work, viewer, now=now)
        keep_reading_trace()
    response = send_file(
        storage().path(served.sha256),
        mimetype=served.content_type,
        as_attachment=not served.inline,
        download_name=served.filename,
        conditional=True,
        etag=served.sha256,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = PDF_POLICY if served.content_type == PDF else SANDBOXED_FILE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"  # the sheet page shows it in a frame
    response.cache_control.public = False
    response.cache_control.private = True
    return response
