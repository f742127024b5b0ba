"""Response headers that keep pages from being framed, sniffed or fed foreign scripts."""

from flask import Flask, request

#: No inline scripts, nothing from other sites. Pages work without JavaScript; scripts are files. Frames and
#: objects only of Laurel's own pages: the judge's sheet shows the team's PDF from `/works/<id>/file`.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "frame-ancestors 'none'; object-src 'self'; frame-src 'self'"
)
#: Swagger UI sets styles inline; its page runs no inline script either.
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        policy = DOCS_CONTENT_SECURITY_POLICY if request.path.startswith("/api/v1/docs") else CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def safe_next(target: str | None) -> str | None:
    """A redirect target only when it is a path on this site, never another host."""
    from urllib.parse import urlsplit

    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
